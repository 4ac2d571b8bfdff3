"""Run a real simulator inside a test process.

```python
from ovirtsim.testing import run_simulator

with run_simulator(seed="demo", time_scale=0.0) as sim:
    sim.url            # http://127.0.0.1:PORT/ovirt-engine/api
    sim.inject_fault(method="POST", path_regex="/vms/.*/start", status=409,
                     detail="[Cannot run VM. VM is running.]", count=1)
    sim.requests()     # [{"method": "GET", "path": "...", "status": 200}, ...]
```

The server is a real uvicorn HTTP server on 127.0.0.1 (a free port) in a background thread;
leaving the ``with`` block stops it and releases the port. This API is stable: the shell's
tests build on it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .core.secrets import DEFAULT_ADMIN_PASSWORD
from .engine import Engine
from .server import Prepared, prepare

__all__ = ["DEFAULT_ADMIN_PASSWORD", "SimulatorHandle", "run_simulator"]


@dataclass
class SimulatorHandle:
    """A running simulator: where it listens, who may log in, and its state for tests."""

    url: str
    base: str
    username: str
    password: str
    ca_file: str | None
    app: Any
    sim: Engine
    _prepared: Prepared = field(repr=False)

    @property
    def state(self) -> Engine:
        """The engine (store, scheduler, tokens) — hold ``state.lock`` to mutate."""
        return self.sim

    def inject_fault(self, *, method: str | None = None, path_regex: str = "",
                     status: int | None = 409, reason: str = "Operation Failed",
                     detail: str = "", count: int | None = 1, delay: float = 0.0,
                     body: str | None = None) -> dict:
        """Answer matching requests with a fault (``count`` times; None = always).

        ``status=None`` with a ``delay`` only slows matching requests down."""
        rule: dict = {"method": method, "path_regex": path_regex, "status": status,
                      "reason": reason, "detail": detail, "count": count, "delay": delay}
        if body is not None:
            rule["body"] = body
        with self.sim.lock:
            self.sim.fault_rules.append(rule)
        return rule

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self.sim.lock:
            self.sim.fault_rules.clear()

    def reset(self) -> None:
        """Restore the seed inventory (tokens stay valid)."""
        self.sim.reset()

    def requests(self) -> list[dict]:
        """The request log: ``{"method", "path", "status"[, "query"]}``, oldest first."""
        return list(self.sim.request_log)

    def clear_requests(self) -> None:
        """Empty the request log."""
        self.sim.request_log.clear()

    def get(self, collection: str, oid: str) -> dict | None:
        """A stored object by collection path (``"vms"``) and id, as plain data."""
        with self.sim.lock:
            obj = self.sim.store.get(collection, oid)
            return dict(obj) if obj is not None else None

    def find(self, collection: str, name: str) -> dict | None:
        """A stored object by name."""
        with self.sim.lock:
            obj = self.sim.store.find_by_name(collection, name)
            return dict(obj) if obj is not None else None

    def update(self, collection: str, oid: str, **changes: Any) -> None:
        """Change stored fields directly (``None`` removes a field) to set up a scenario."""
        with self.sim.lock:
            self.sim.store.update(collection, oid, **changes)

    def expire_tokens(self) -> None:
        """Make every issued SSO token invalid (clients must log in again)."""
        with self.sim.lock:
            self.sim.tokens.clear()


@contextmanager
def run_simulator(
    seed: str = "demo",
    time_scale: float = 0.0,
    data: str | None = None,
    token_ttl: float | None = None,
    tls: bool = False,
    admin_password: str = DEFAULT_ADMIN_PASSWORD,
) -> Iterator[SimulatorHandle]:
    """Start a simulator on 127.0.0.1 (free port) in a thread; stop it on exit."""
    p = prepare(host="127.0.0.1", port=0, data=data, seed=seed, admin_password=admin_password,
                time_scale=time_scale, token_ttl=token_ttl, tls=tls)
    server = p.server
    # uvicorn installs signal handlers only in the main thread, so this one leaves them alone
    thread = threading.Thread(target=server.run, kwargs={"sockets": [p.sock]},
                              name="ovirt-sim-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            p.sim.close()
            p.sock.close()
            raise RuntimeError("the simulator did not start")
        time.sleep(0.01)
    handle = SimulatorHandle(
        url=p.url, base=p.base, username="admin@internal", password=admin_password,
        ca_file=str(p.pki.ca_file) if p.pki else None, app=server.config.app, sim=p.sim,
        _prepared=p,
    )
    try:
        yield handle
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        p.sim.close()
        p.sock.close()
        if p.tmpdir is not None:
            p.tmpdir.cleanup()
