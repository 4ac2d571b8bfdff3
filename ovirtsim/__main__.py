"""``ovirt-sim``: run the oVirt engine simulator until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from .core.secrets import DEFAULT_ADMIN_PASSWORD
from .server import export_lines, prepare


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
    p.add_argument("--admin-password", default=DEFAULT_ADMIN_PASSWORD, metavar="PW",
                   help=f"password of admin@internal (default: {DEFAULT_ADMIN_PASSWORD})")
    p.add_argument("--tls", action="store_true",
                   help="serve https with the simulator's own CA (kept beside --data)")
    p.add_argument("--time-scale", type=float, default=1.0, metavar="F",
                   help="multiply lifecycle delays (0 = immediate; default 1)")
    p.add_argument("--token-ttl", type=float, default=None, metavar="SECONDS",
                   help="lifetime of SSO tokens (default 360000)")
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
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="ovirt-sim: %(levelname)s %(message)s")
    host, port = args.listen
    try:
        prepared = prepare(host=host, port=port, data=args.data, seed=args.seed,
                           admin_password=args.admin_password, time_scale=args.time_scale,
                           token_ttl=args.token_ttl, tls=args.tls, log_level=args.log_level)
    except (OSError, ValueError, RuntimeError) as e:
        print(f"ovirt-sim: {e}", file=sys.stderr)
        return 1
    lines = export_lines(prepared, password=args.admin_password)

    def stop(_sig: int, _frame: object) -> None:
        # uvicorn captures SIGINT/SIGTERM while serving and re-raises them afterwards;
        # landing here (before start or after shutdown) means "exit cleanly with 0".
        prepared.server.should_exit = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
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
