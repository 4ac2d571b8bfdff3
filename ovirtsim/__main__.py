"""``ovirt-sim``: run the oVirt engine simulator until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Mapping

from .core.secrets import DEFAULT_ADMIN_PASSWORD
from .parentwatch import watch_parent
from .server import export_lines, prepare

PASSWORD_ENV = "OVIRT_SIM_ADMIN_PASSWORD"
_MAX_PASSWORD = 1024


def parse_listen(text: str) -> tuple[str, int]:
    """HOST:PORT (port 0 picks a free one); [::1]:PORT for IPv6."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def parse_seed(text: str) -> str:
    """demo, empty or scale:N."""
    if text in ("demo", "empty"):
        return text
    if text.startswith("scale:") and text[6:].isdigit() and int(text[6:]) > 0:
        return text
    raise argparse.ArgumentTypeError("expected demo, empty or scale:N")


def read_password_file(path: str) -> str:
    """The first line of a password file: text, not empty, at most 1 KiB."""
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_PASSWORD + 1)
    except OSError as e:
        raise ValueError(f"cannot read the password file {path}: {e.strerror}") from None
    if len(raw) > _MAX_PASSWORD:
        raise ValueError(f"the password file {path} is longer than {_MAX_PASSWORD} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"the password file {path} is not UTF-8 text") from None
    line = text.split("\n", 1)[0].rstrip("\r")
    if not line or any(ord(c) < 32 or ord(c) == 127 for c in line):
        raise ValueError(f"the password file {path} holds no password on its first line "
                         "(or control characters)")
    return line


def admin_password(args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    """--admin-password, else --admin-password-file, else the environment, else the default."""
    if args.admin_password is not None:
        return args.admin_password
    if args.admin_password_file is not None:
        return read_password_file(args.admin_password_file)
    return environ.get(PASSWORD_ENV) or DEFAULT_ADMIN_PASSWORD


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ovirt-sim",
        description="A local oVirt engine simulator speaking the REST API v4 (XML and JSON).",
    )
    p.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 8080),
                   metavar="HOST:PORT", help="address to serve on (default 127.0.0.1:8080; "
                   "port 0 picks a free port)")
    p.add_argument("--data", metavar="FILE",
                   help="SQLite file keeping the state across restarts (default: in memory)")
    p.add_argument("--seed", type=parse_seed, default="demo",
                   help="initial inventory when the data is new: demo, empty or scale:N")
    pw = p.add_mutually_exclusive_group()
    pw.add_argument("--admin-password", metavar="PW",
                    help="password of admin@internal (visible to other users in ps: prefer "
                    f"--admin-password-file or {PASSWORD_ENV}; default {DEFAULT_ADMIN_PASSWORD})")
    pw.add_argument("--admin-password-file", metavar="FILE",
                    help="read the password of admin@internal from FILE (its first line)")
    p.add_argument("--tls", action="store_true",
                   help="serve https with the simulator's own CA (kept beside --data)")
    p.add_argument("--time-scale", type=float, default=1.0, metavar="F",
                   help="multiply lifecycle delays (0 = immediate; default 1)")
    p.add_argument("--token-ttl", type=float, default=None, metavar="SECONDS",
                   help="lifetime of SSO tokens (default 360000)")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="stop when the process that started ovirt-sim exits (even if killed)")
    p.add_argument("--log-level", default="warning",
                   choices=["critical", "error", "warning", "info", "debug"],
                   help="server log level (default warning)")
    return p


async def _serve(prepared, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    task = asyncio.create_task(prepared.server.serve(sockets=[prepared.sock]))
    while not prepared.server.started and not task.done():
        await asyncio.sleep(0.01)
    if prepared.server.started:
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
    await task


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``ovirt-sim`` (and ``python -m ovirtsim``)."""
    parent = os.getppid()
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="ovirt-sim: %(levelname)s %(message)s")
    host, port = args.listen
    try:
        password = admin_password(args, os.environ)
        prepared = prepare(host=host, port=port, data=args.data, seed=args.seed,
                           admin_password=password, time_scale=args.time_scale,
                           token_ttl=args.token_ttl, tls=args.tls, log_level=args.log_level)
    except (OSError, ValueError, RuntimeError) as e:
        print(f"ovirt-sim: {e}", file=sys.stderr)
        return 1
    lines = export_lines(prepared, password=password)

    def stop(_sig: int, _frame: object) -> None:
        # uvicorn captures SIGINT/SIGTERM while serving and re-raises them afterwards;
        # landing here (before start or after shutdown) means "exit cleanly with 0".
        prepared.server.should_exit = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_parent:
        watch_parent(parent)
    try:
        asyncio.run(_serve(prepared, lines))
    except KeyboardInterrupt:
        pass
    finally:
        prepared.sim.close()
        prepared.sock.close()
        if prepared.tmpdir is not None:
            prepared.tmpdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
