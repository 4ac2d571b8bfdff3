"""Ctrl-C during a bulk run on a real terminal: what was done is kept, what was sent is named,
nothing new starts, and the status is INTERRUPTED without a traceback."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from ovirtshell.status import ExitStatus

pytestmark = pytest.mark.e2e


def _spawn(sim, home: Path, line: str) -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "xterm",
        "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"), "LANG": "C.UTF-8",
        "OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password,
    }
    return pexpect.spawn(sys.executable, ["-m", "ovirtshell", "-E", line], env=env, encoding="utf-8",
                         timeout=60, dimensions=(24, 200))


def test_ctrl_c_during_a_bulk_run_keeps_the_done_and_names_the_sent(sim, tmp_path):
    sim.reset()
    sim.clear_faults()
    for name in ("vm0", "vm1"):  # four down VMs: one done, one sent, two never started
        sim.update("vms", sim.find("vms", name)["id"], status="down")
    down = [f"vm{i}" for i in range(5) if sim.find("vms", f"vm{i}")["status"] == "down"]
    assert len(down) >= 4, down
    sim.inject_fault(method="POST", path_regex=r"/vms/[^/]+/start$", status=None, delay=1.5, count=None)
    try:
        child = _spawn(sim, tmp_path, 'action vms --query "status=down" start --parallel 1')
        child.expect(r"vm (\S+): start accepted")
        first = child.match.group(1)
        child.sendintr()  # the second start is on the wire now
        child.expect(pexpect.EOF)
        child.close()
    finally:
        sim.clear_faults()
    assert child.exitstatus == ExitStatus.INTERRUPTED, child.before
    total = len(down)
    assert f"interrupted after 1 of {total} vms; 1 already sent go on in the engine" in child.before
    assert "Traceback" not in child.before
    assert first in down
    still_down = [name for name in down if sim.find("vms", name)["status"] == "down"]
    assert len(still_down) >= total - 2, still_down  # the rest never started: Ctrl-C stopped new ones
