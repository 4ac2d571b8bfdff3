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
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
HEADING = "## Simulator: list 10,000 VMs"


def start(vms: int) -> tuple[subprocess.Popen, str, float]:
    """Start ovirt-sim on a free port; return the process, API URL and startup seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovirtshell.simulator", "--seed", f"scale:{vms}",
         "--listen", "127.0.0.1:0", "--time-scale", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip().split("=", 1)[1]
    for _ in range(2):
        proc.stdout.readline()
    return proc, url, time.perf_counter() - t0


def token(url: str) -> str:
    base = url.rsplit("/ovirt-engine/api", 1)[0]
    resp = httpx.post(f"{base}/ovirt-engine/sso/oauth/token", data={
        "grant_type": "password", "scope": "ovirt-app-api", "username": "admin@internal",
        "password": "ovirt"}, headers={"Accept": "application/json"})
    resp.raise_for_status()
    return resp.json()["access_token"]


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


def write_section(text: str) -> None:
    """Replace (or append) this benchmark's section in docs/performance.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    old = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _m: text, old)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    DOC.write_text(new)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vms", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--no-write", action="store_true", help="only print the figures")
    args = ap.parse_args()
    proc, url, startup = start(args.vms)
    try:
        tok = token(url)
        py, count, size = time_httpx(url, tok, args.repeat)
        ref = time_curl(url, tok, args.repeat)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
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
        )
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
