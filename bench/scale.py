"""Benchmark: `list vms` at 2,000 and 10,000 VMs, wall time and peak RSS (issue #14).

For each size, starts ``ovirt-sim --seed scale:N --time-scale 0``, warms the shell's caches
(its own HOME: the model cache and the saved login), then times whole processes, interleaved
round by round, output to /dev/null:

- ``ovirt-shell -E "list vms"`` with ``-o text``, ``csv``, ``json``, ``table`` and ``xml``;
- an ovirtsdk4 script that lists the VMs and prints the same four fields (id, name,
  description, status);
- ``curl`` with a bearer token, for XML and for JSON (the floor: the transfer alone; the
  shell reads listings as JSON, except for ``-o xml``).

The peak resident size of each process comes from GNU time (``/usr/bin/time``, which forks
the client from its own small process), else from ``wait4`` (then at least this process's size). Printed per size: median wall
and peak RSS per client; then the ratios the issue sets targets for: shell / SDK wall at
10,000 VMs (target <= 0.5 for text, csv and json), peak RSS at 10,000 (target < 150 MB) and
its growth from 2,000 to 10,000 VMs (target <= 1.3x, the table and xml too). It never asserts. The
figures are written to docs/performance.md under "Scale: list vms at 2,000 and 10,000 VMs".

    python bench/scale.py [--sizes 2000,10000] [--repeat 3] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from harness import start_simulator, stop, token, write_section
from shell_vs_sdk import script, shell_env

HEADING = "## Scale: list vms at 2,000 and 10,000 VMs"
FORMATS = ("text", "csv", "json", "table", "xml")
TARGETED = ("text", "csv", "json")  # the formats with wall and RSS targets; all have a growth target
WALL_TARGET = 0.5
RSS_TARGET_MB = 150.0
GROWTH_TARGET = 1.3

SDK_LIST = """\
import os
import ovirtsdk4 as sdk
c = sdk.Connection(url=os.environ["OVIRT_URL"], username=os.environ["OVIRT_USERNAME"],
                   password=os.environ["OVIRT_PASSWORD"])
for vm in c.system_service().vms_service().list():
    print(vm.id, vm.name, vm.description, vm.status)
c.close()
"""


#: GNU time, when installed: it forks the client from its own small process. Linux keeps a
#: process's peak RSS across exec, so a client forked straight from this Python process would
#: report at least this process's size (about 30 MB), hiding a smaller client's growth.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run(argv: list[str], env: Mapping[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process, its output discarded."""
    with tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", peak.name, *argv] if GNU_TIME else argv
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=dict(env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0:
            raise RuntimeError(f"{Path(argv[0]).name} exited {proc.returncode}: {err.strip()[:200]}")
        kib = int(peak.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
    return elapsed, kib / 1024


def clients(exports: Mapping[str, str], tok: str) -> dict[str, list[str]]:
    shell = script("ovirt-shell")
    curl = shutil.which("curl")
    if curl is None:
        raise SystemExit("curl is needed for the reference measurement")
    out = {f"shell {fmt}": [shell, "-E", "list vms", "-o", fmt] for fmt in FORMATS}
    out["ovirtsdk4"] = [sys.executable, "-c", SDK_LIST]
    for media in ("xml", "json"):  # the shell reads JSON, except for -o xml
        out[f"curl {media}"] = [curl, "-s", "-f", "-o", "/dev/null", "-H", f"Authorization: Bearer {tok}",
                                "-H", "Version: 4", "-H", f"Accept: application/{media}",
                                f"{exports['OVIRT_URL']}/vms"]
    return out


def measure(size: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall (s) and median peak RSS (MB) per client at one size."""
    proc, exports, _ = start_simulator(size)
    try:
        with tempfile.TemporaryDirectory() as home:
            env = shell_env(exports, Path(home))
            argvs = clients(exports, token(exports))
            for argv in argvs.values():  # warm-up: caches, the simulator's serialized body
                run(argv, env)
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name in argvs}
            for _ in range(repeat):
                for name, argv in argvs.items():
                    samples[name].append(run(argv, env))
    finally:
        stop(proc)
    return {name: (statistics.median(s[0] for s in v), statistics.median(s[1] for s in v))
            for name, v in samples.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    small, large = sizes[0], sizes[-1]
    results = {size: measure(size, args.repeat) for size in sizes}

    lines = ["| VMs | client | median wall ms | median peak RSS MB |", "|---|---|---|---|"]
    for size in sizes:
        for name, (wall, rss) in results[size].items():
            lines.append(f"| {size} | {name} | {wall * 1000:.0f} | {rss:.0f} |")
    big = results[large]
    verdicts = ["| measure | value | target | verdict |", "|---|---|---|---|"]
    sdk_wall = big["ovirtsdk4"][0]
    for fmt in FORMATS:
        name = f"shell {fmt}"
        ratio = big[name][0] / sdk_wall
        growth = big[name][1] / results[small][name][1]
        if fmt in TARGETED:
            verdicts.append(f"| {fmt}: wall shell / SDK at {large} | {ratio:.2f} | <= {WALL_TARGET} | "
                            f"{'met' if ratio <= WALL_TARGET else 'not met'} |")
            verdicts.append(f"| {fmt}: peak RSS at {large} | {big[name][1]:.0f} MB | < {RSS_TARGET_MB:.0f} MB | "
                            f"{'met' if big[name][1] < RSS_TARGET_MB else 'not met'} |")
        else:
            verdicts.append(f"| {fmt}: wall shell / SDK at {large} | {ratio:.2f} | (reported) | - |")
        verdicts.append(f"| {fmt}: peak RSS {large} / {small} | {growth:.2f} | <= {GROWTH_TARGET} | "
                        f"{'met' if growth <= GROWTH_TARGET else 'not met'} |")
    curl = big["curl json"][0]
    verdicts.append(f"| SDK: peak RSS {large} / {small} | "
                    f"{big['ovirtsdk4'][1] / results[small]['ovirtsdk4'][1]:.2f} | (reported) | - |")
    verdicts.append(f"| text: wall shell / curl at {large} | {big['shell text'][0] / curl:.1f} | (reported) | - |")
    print("\n".join(lines))
    print()
    print("\n".join(verdicts))
    if not args.no_write:
        text = (
            f"{HEADING}\n\n"
            "`bench/scale.py` (issue #14): `ovirt-sim --seed scale:N --time-scale 0` for each size, "
            "whole processes interleaved round by round, output to /dev/null, warm caches (model "
            "and saved login); peak RSS from GNU time (" + ("`/usr/bin/time -f %M`" if GNU_TIME else
            "not installed: `wait4`, which counts at least the benchmark's own size") + "). The SDK script lists the VMs and prints "
            "id, name, description and status; curl fetches the same document as XML "
            "(what the SDK reads) and as JSON (what the shell reads, except for `-o xml`).\n\n"
            "    python bench/scale.py [--sizes 2000,10000] [--repeat 3]\n\n"
            f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared, noisy: read the ratios), "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}; {args.repeat} rounds.\n\n"
            + "\n".join(lines) + "\n\n" + "\n".join(verdicts) + "\n"
        )
        write_section(HEADING, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
