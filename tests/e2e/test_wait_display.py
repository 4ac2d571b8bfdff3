"""--wait on a real terminal talks: the states passed, the elapsed time, and what Ctrl-C leaves."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from ovirtshell.status import ExitStatus

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def slow_sim() -> Iterator[object]:
    """State changes at 1.5x the engine's pace: a start passes wait_for_launch and powering_up."""
    from ovirtsim.testing import run_simulator

    with run_simulator(seed="demo", time_scale=1.5) as handle:
        yield handle


def _spawn(sim, home: Path, line: str) -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "xterm",
        "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"), "LANG": "C.UTF-8",
        "OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password,
    }
    return pexpect.spawn(sys.executable, ["-m", "ovirtshell", "-E", line], env=env, encoding="utf-8",
                         timeout=60, dimensions=(24, 200))


def test_wait_shows_the_states_and_the_time(slow_sim, tmp_path):
    child = _spawn(slow_sim, tmp_path, "action vm vm2 start --wait")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitStatus.OK, child.before
    final = re.search(r"vm vm2: ([^\r\n\x1b]*) \((\d+\.\d) s\)\r?\n", child.before)
    assert final, child.before
    states = final.group(1).split(" → ")
    assert states[-1] == "up" and "wait_for_launch" in states and "powering_up" in states, states
    assert float(final.group(2)) > 0


def test_ctrl_c_says_the_operation_goes_on(slow_sim, tmp_path):
    child = _spawn(slow_sim, tmp_path, "action vm vm4 start --wait")
    child.expect("wait_for_launch")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitStatus.INTERRUPTED, child.before
    assert "the operation goes on in the engine; vm vm4: it was wait_for_launch" in child.before


def test_scripts_get_only_the_result(slow_sim, ovirt_slow):
    run = ovirt_slow("-E", "action vm vm1 stop --wait")
    assert run.status == ExitStatus.OK, run.err
    assert "→" not in run.err and "\x1b" not in run.err and run.err == ""


@pytest.fixture
def ovirt_slow(tmp_path: Path, slow_sim):
    from support import Run, make_env

    def run(*args: str) -> Run:
        env = make_env(tmp_path, {"OVIRT_URL": slow_sim.url, "OVIRT_USERNAME": slow_sim.username,
                                  "OVIRT_PASSWORD": slow_sim.password})
        from ovirtshell.cli import main

        status = main(list(args), env=env)
        return Run(status, env.stdout.getvalue(), env.stderr.getvalue())

    return run
