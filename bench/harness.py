"""What the benchmarks share: a simulator subprocess, an SSO token, and their docs section."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START_TIMEOUT = 120.0


def start_simulator(vms: int) -> tuple[subprocess.Popen[str], dict[str, str], float]:
    """ovirt-sim --seed scale:VMS on a free port: the process, its exports and startup seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovirtsim", "--seed", f"scale:{vms}",
         "--listen", "127.0.0.1:0", "--time-scale", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    exports: dict[str, str] = {}
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not {"OVIRT_URL", "OVIRT_USERNAME", "OVIRT_PASSWORD"} <= exports.keys():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or proc.poll() is not None:
                raise RuntimeError("ovirt-sim did not print its export lines")
            try:
                line = lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
            match = re.match(r"export (\w+)=(.*)$", line.strip())
            if match:
                exports[match.group(1)] = match.group(2)
    except BaseException:
        stop(proc)
        raise
    return proc, exports, time.perf_counter() - t0


def stop(proc: subprocess.Popen[str]) -> None:
    """SIGTERM the simulator, then SIGKILL if it has not exited within 30 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def token(exports: Mapping[str, str]) -> str:
    """A bearer token from the simulator's SSO endpoint."""
    base = exports["OVIRT_URL"].rsplit("/ovirt-engine/api", 1)[0]
    resp = httpx.post(f"{base}/ovirt-engine/sso/oauth/token", data={
        "grant_type": "password", "scope": "ovirt-app-api",
        "username": exports["OVIRT_USERNAME"], "password": exports["OVIRT_PASSWORD"]},
        headers={"Accept": "application/json"})
    resp.raise_for_status()
    return str(resp.json()["access_token"])


def write_section(heading: str, text: str) -> None:
    """Replace (or append) one benchmark's section of docs/performance.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    old = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _m: text, old)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    DOC.write_text(new)
