"""Running the simulator under uvicorn: building it, binding, TLS, and the export lines."""

from __future__ import annotations

import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from .core.secrets import DEFAULT_ADMIN_PASSWORD
from .engine import Engine
from .tls import Pki, ensure_pki
from .web.app import create_app


@dataclass
class Prepared:
    """A simulator with its app, bound socket, uvicorn server and URLs."""

    sim: Engine
    server: uvicorn.Server
    sock: socket.socket
    base: str
    url: str
    pki: Pki | None
    tmpdir: tempfile.TemporaryDirectory | None


def bind(host: str, port: int) -> socket.socket:
    """Bind and listen before the server starts, so port 0 is known at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only then, and
    # without it small replies on a kept-alive connection stall ~40 ms (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def prepare(
    host: str = "127.0.0.1",
    port: int = 0,
    data: str | None = None,
    seed: str = "demo",
    admin_password: str = DEFAULT_ADMIN_PASSWORD,
    time_scale: float = 1.0,
    token_ttl: float | None = None,
    tls: bool = False,
    log_level: str = "warning",
) -> Prepared:
    """Create the simulator and an (unstarted) uvicorn server bound to host:port."""
    tmpdir = None
    pki = None
    if tls:
        if data:
            pki_dir = Path(data).with_name(Path(data).name + ".pki")
        else:
            tmpdir = tempfile.TemporaryDirectory(prefix="ovirt-sim-")
            pki_dir = Path(tmpdir.name)
        pki = ensure_pki(pki_dir)
    sim = Engine(data=data, seed=seed, admin_password=admin_password, time_scale=time_scale,
                    token_ttl=token_ttl)
    if pki is not None:
        sim.ca_pem = pki.ca_pem
        sim.server_pem = pki.cert_pem
    app = create_app(sim)
    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level=log_level, access_log=False, lifespan="off",
        ssl_certfile=str(pki.cert_file) if pki else None,
        ssl_keyfile=str(pki.key_file) if pki else None,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    scheme = "https" if tls else "http"
    shown = f"[{host}]" if ":" in host else host
    base = f"{scheme}://{shown}:{real_port}"
    return Prepared(sim, server, sock, base, base + "/ovirt-engine/api", pki, tmpdir)


def export_lines(p: Prepared, username: str = "admin@internal", password: str = DEFAULT_ADMIN_PASSWORD) -> list[str]:
    """The shell lines printed at startup."""
    lines = [f"export OVIRT_URL={p.url}", f"export OVIRT_USERNAME={username}",
             f"export OVIRT_PASSWORD={password}"]
    if p.pki is not None:
        lines.append(f"export OVIRT_CAFILE={p.pki.ca_file}")
    return lines
