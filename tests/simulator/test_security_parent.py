"""An ovirt-sim started as a child (``--exit-with-parent``, as ``ovirt-shell --demo`` does)
does not outlive its parent, even when the parent is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

PARENTS = {
    "plain": """
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-m", "ovirtsim", "--listen", "127.0.0.1:0",
                                  "--seed", "empty", "--exit-with-parent"],
                                 stdout=subprocess.PIPE, text=True, start_new_session=True)
        url = child.stdout.readline().strip().partition("=")[2]
        print(child.pid, url, flush=True)
    """,
    "demo": """
        from ovirtshell.demo import DemoEngine
        engine = DemoEngine()
        values = engine.start()
        print(engine.process.pid, values["OVIRT_URL"], flush=True)
    """,
}


def _alive(pid: int) -> bool:
    """Running (a zombie left for init to reap has exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("parent", sorted(PARENTS))
def test_the_simulator_exits_when_its_parent_is_killed(parent: str) -> None:
    script = textwrap.dedent(PARENTS[parent]) + "import time\ntime.sleep(600)\n"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pid_text, url = proc.stdout.readline().split()
    child = int(pid_text)
    try:
        base = url.rsplit("/ovirt-engine", 1)[0]
        assert httpx.get(base + "/sim/health").status_code == 200
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 30  # a hang guard, not a speed limit
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child), "the simulator outlived its parent"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
