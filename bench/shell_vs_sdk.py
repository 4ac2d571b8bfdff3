"""Benchmark: ovirt-shell one-shot commands against the ovirtsdk4 SDK and curl (issue #3).

Starts ``ovirt-sim --seed scale:1000 --time-scale 0`` on 127.0.0.1:0, warms the shell's
metadata cache (its own HOME and XDG_CACHE_HOME in a temporary directory), then times whole
processes, interleaved round by round (A B C A B C ...):

- ``list vms``: ``ovirt-shell -E "list vms" -o table``, an ovirtsdk4 script that connects,
  lists the VMs, prints their names and closes, and ``curl`` with a bearer token;
- ``show vm vm0``: the same three, with ``-E "show vm vm0"``, an SDK search ``name=vm0`` and
  ``GET /vms?search=name%3Dvm0``;
- start-up: ``ovirt-shell --version`` against ``python -c pass``.

All output goes to /dev/null. Printed: min/median/max per client, the client overhead ratios
of medians ``(shell - curl) / (SDK - curl)`` (targets: at most 0.5 for the list, 1.0 for
show), the start-up ratio, a verdict per target, and whether ``prompt_toolkit`` or
``pygments`` is imported in ``-E`` mode (it must not be). It never asserts. The figures are
recorded in docs/performance.md under "Shell against the SDK and curl" (only that section
is rewritten).

    python bench/shell_vs_sdk.py [--vms 1000] [--repeat 7] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from harness import start_simulator, stop, token, write_section

HEADING = "## Shell against the SDK and curl"
RUN_TIMEOUT = 120.0  # seconds, per timed process
LIST_TARGET = 0.5
SHOW_TARGET = 1.0
UNWANTED = ("prompt_toolkit", "pygments")

SDK_LIST = """\
import os
import ovirtsdk4 as sdk
c = sdk.Connection(url=os.environ["OVIRT_URL"], username=os.environ["OVIRT_USERNAME"],
                   password=os.environ["OVIRT_PASSWORD"])
for vm in c.system_service().vms_service().list():
    print(vm.name)
c.close()
"""

SDK_SHOW = """\
import os
import ovirtsdk4 as sdk
c = sdk.Connection(url=os.environ["OVIRT_URL"], username=os.environ["OVIRT_USERNAME"],
                   password=os.environ["OVIRT_PASSWORD"])
for vm in c.system_service().vms_service().list(search="name=vm0"):
    print(vm.id, vm.name, vm.description, vm.status, vm.memory, vm.cluster.id)
c.close()
"""


def script(name: str) -> str:
    """The installed console script `name`: beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed")
    return found


def shell_env(exports: Mapping[str, str], home: Path) -> dict[str, str]:
    """The environment of every timed process: the simulator's exports and a private home."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OVIRT_", "OVIRTSHELL_", "XDG_")) and k not in ("PAGER", "HOME")}
    env.update(exports)
    env.update({
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
    })
    return env


def run(argv: list[str], env: Mapping[str, str], capture: bool = False) -> tuple[float, str]:
    """Run one process to the end; return its wall time and (if captured) its stdout."""
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=dict(env), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=RUN_TIMEOUT)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        # The name only: curl's arguments hold the bearer token.
        raise RuntimeError(f"{Path(argv[0]).name} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed, done.stdout or ""


def commands(exports: Mapping[str, str], tok: str) -> dict[str, dict[str, list[str]]]:
    """Per case, the argv of each client, in the order they are interleaved."""
    shell, py = script("ovirt-shell"), sys.executable
    curl = shutil.which("curl")
    if curl is None:
        raise SystemExit("curl is needed for the reference measurement")
    url = exports["OVIRT_URL"]
    get = [curl, "-s", "-f", "-o", "/dev/null", "-H", f"Authorization: Bearer {tok}",
           "-H", "Version: 4"]
    return {
        "list vms": {
            "ovirt-shell": [shell, "-E", "list vms", "-o", "table"],
            "ovirtsdk4": [py, "-c", SDK_LIST],
            "curl": [*get, f"{url}/vms"],
        },
        "show vm vm0": {
            "ovirt-shell": [shell, "-E", "show vm vm0"],
            "ovirtsdk4": [py, "-c", SDK_SHOW],
            "curl": [*get, f"{url}/vms?search=name%3Dvm0"],
        },
        "start-up": {
            "ovirt-shell --version": [shell, "--version"],
            "python -c pass": [py, "-c", "pass"],
        },
    }


def warm_up(cases: Mapping[str, Mapping[str, list[str]]], env: Mapping[str, str],
            home: Path, vms: int) -> list[str]:
    """Run every command once (the shell first: it fills the metadata cache); check outputs."""
    notes = []
    _, out = run(cases["list vms"]["ovirt-shell"], env, capture=True)
    cache = sorted(p.name for p in (home / ".cache").rglob("*") if p.is_file())
    notes.append(f"shell cache after the first run: {', '.join(cache) or 'EMPTY'}")
    rows = sum(1 for line in out.splitlines() if re.match(r"vm\d+ ", line))
    notes.append(f"shell list: {rows} VM rows (expected {vms})")
    _, out = run(cases["list vms"]["ovirtsdk4"], env, capture=True)
    notes.append(f"SDK list: {len(out.split())} names")
    _, out = run(cases["show vm vm0"]["ovirt-shell"], env, capture=True)
    notes.append(f"shell show: {len(out.splitlines())} lines, vm0 found: {'vm0' in out}")
    _, out = run(cases["show vm vm0"]["ovirtsdk4"], env, capture=True)
    notes.append(f"SDK show: {out.strip()}")
    for case in cases.values():
        for argv in case.values():
            run(argv, env)
    return notes


def measure(cases: Mapping[str, Mapping[str, list[str]]], env: Mapping[str, str],
            repeat: int) -> dict[str, dict[str, list[float]]]:
    """Time every command `repeat` times, interleaved: A B C A B C ... within each case."""
    times: dict[str, dict[str, list[float]]] = {
        case: {client: [] for client in clients} for case, clients in cases.items()}
    for _ in range(repeat):
        for case, clients in cases.items():
            for client, argv in clients.items():
                times[case][client].append(run(argv, env)[0])
    return times


def imports_in_oneshot(argv: list[str], env: Mapping[str, str]) -> tuple[set[str], dict[str, float]]:
    """Run a shell command under `python -X importtime -m ovirtshell`.

    Returns the unwanted packages it imported and the import time per top-level package in ms
    (the sum of each module's own time, so nothing is counted twice).
    """
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ovirtshell", *argv[1:]],
                          env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=RUN_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"python -X importtime -m ovirtshell exited {done.returncode}")
    own: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if match:
            top = match.group(2).split(".")[0]
            own[top] = own.get(top, 0.0) + int(match.group(1)) / 1000
    return {name for name in UNWANTED if name in own}, own


def stats(samples: list[float]) -> tuple[float, float, float]:
    """(min, median, max) in milliseconds."""
    return min(samples) * 1000, statistics.median(samples) * 1000, max(samples) * 1000


def overhead(clients: Mapping[str, list[float]]) -> float:
    """(shell - curl) / (SDK - curl) on medians."""
    med = {client: statistics.median(v) for client, v in clients.items()}
    return (med["ovirt-shell"] - med["curl"]) / (med["ovirtsdk4"] - med["curl"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vms", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-write", action="store_true", help="only print the figures")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="shell-vs-sdk-") as tmp:
        home = Path(tmp)
        proc, exports, startup = start_simulator(args.vms)
        try:
            env = shell_env(exports, home)
            cases = commands(exports, token(exports))
            notes = warm_up(cases, env, home, args.vms)
            times = measure(cases, env, args.repeat)
            shell = cases["list vms"]["ovirt-shell"][0]
            checks = {shlex.join(argv[1:]): imports_in_oneshot(argv, env) for argv in (
                [shell, "-E", "list vms"], cases["list vms"]["ovirt-shell"],
                cases["show vm vm0"]["ovirt-shell"])}
        finally:
            stop(proc)

    rows = []
    for case, clients in times.items():
        for client, samples in clients.items():
            lo, med, hi = stats(samples)
            rows.append((case, client, lo, med, hi))
    list_ratio = overhead(times["list vms"])
    show_ratio = overhead(times["show vm vm0"])
    up = times["start-up"]
    start_ratio = statistics.median(up["ovirt-shell --version"]) / statistics.median(up["python -c pass"])
    verdicts = [
        ("list vms: (shell - curl) / (SDK - curl)", list_ratio, f"<= {LIST_TARGET}",
         "met" if list_ratio <= LIST_TARGET else "not met"),
        ("show vm vm0: (shell - curl) / (SDK - curl)", show_ratio, f"<= {SHOW_TARGET}",
         "met" if show_ratio <= SHOW_TARGET else "not met"),
        ("start-up: shell --version / python -c pass", start_ratio, "(reported)", "-"),
    ]
    unwanted = {cmd: found for cmd, (found, _own) in checks.items()}
    no_unwanted = not any(unwanted.values())
    own = checks[shlex.join(cases["list vms"]["ovirt-shell"][1:])][1]
    top_imports = sorted(own.items(), key=lambda kv: -kv[1])[:10]

    print(f"simulator: scale:{args.vms}, startup {startup:.2f} s; {args.repeat} interleaved rounds")
    for note in notes:
        print(f"  {note}")
    print(f"{'case':<12} {'client':<22} {'min ms':>8} {'median ms':>10} {'max ms':>8}")
    for case, client, lo, med, hi in rows:
        print(f"{case:<12} {client:<22} {lo:8.0f} {med:10.0f} {hi:8.0f}")
    for label, value, target, _verdict in verdicts:
        print(f"{label}: {value:.2f} (target {target})")
    for cmd, found in unwanted.items():
        print(f"{' or '.join(UNWANTED)} imported by `ovirt-shell {cmd}`: "
              f"{', '.join(sorted(found)) or 'none'}")
    print("import time by package in `list vms -o table` (ms, under -X importtime): "
          + ", ".join(f"{name} {ms:.0f}" for name, ms in top_imports))
    for label, _value, target, verdict in verdicts[:2]:
        print(f"VERDICT {label.split(':')[0]}: {verdict} (target {target})")
    print(f"VERDICT no prompt_toolkit/pygments in -E mode: {'met' if no_unwanted else 'not met'}")

    if not args.no_write:
        table = "| case | client | min ms | median ms | max ms |\n|---|---|---|---|---|\n" + "".join(
            f"| {case} | {client} | {lo:.0f} | {med:.0f} | {hi:.0f} |\n"
            for case, client, lo, med, hi in rows)
        ratios = "| ratio of medians | value | target | verdict |\n|---|---|---|---|\n" + "".join(
            f"| {label} | {value:.2f} | {target} | {verdict} |\n"
            for label, value, target, verdict in verdicts)
        ratios += "".join(
            f"| {' / '.join(UNWANTED)} imported by `{cmd}` | {', '.join(sorted(found)) or 'none'}"
            f" | none | {'not met' if found else 'met'} |\n" for cmd, found in unwanted.items())
        section = (
            f"{HEADING}\n\n"
            f"`bench/shell_vs_sdk.py` (issue #3): `ovirt-sim --seed scale:{args.vms} --time-scale 0`, "
            "then whole processes, output to /dev/null, interleaved round by round: "
            "`ovirt-shell -E \"list vms\" -o table` and `-E \"show vm vm0\"` (warm metadata "
            "cache, own HOME), an `ovirtsdk4` script that connects, lists (or searches "
            "`name=vm0`), prints and closes, and `curl` with a bearer token "
            "(`/vms`, `/vms?search=name%3Dvm0`); `ovirt-shell --version` against `python -c pass`. "
            "Overhead ratio = (shell - curl) / (SDK - curl) on medians.\n\n"
            "    python bench/shell_vs_sdk.py [--repeat 7] [--no-write]\n\n"
            f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared, noisy: read the "
            f"medians and the ratios), Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}; {args.repeat} rounds.\n\n"
            f"{table}\n{ratios}\n"
        )
        write_section(HEADING, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
