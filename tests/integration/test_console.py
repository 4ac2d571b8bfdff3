"""console against the simulator, with a viewer script that keeps a copy of the file it is given."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from ovirtshell.status import ExitStatus

VIEWER = """\
import os, shutil, stat, sys
from pathlib import Path
out = Path({out!r})
out.mkdir(exist_ok=True)
given = sys.argv[-1]
(out / "mode").write_text(oct(stat.S_IMODE(os.stat(given).st_mode)))
(out / "dirmode").write_text(oct(stat.S_IMODE(os.stat(os.path.dirname(given)).st_mode)))
(out / "path").write_text(given)
shutil.copy(given, out / "copy.vv")
(out / "argv").write_text(" ".join(sys.argv[1:-1]))
sys.exit({code})
"""


def viewer(tmp_path: Path, code: int = 0) -> tuple[str, Path]:
    """A viewer command (for --viewer) and the directory where it leaves what it saw."""
    out = tmp_path / "seen"
    script = tmp_path / "viewer.py"
    script.write_text(VIEWER.format(out=str(out), code=code))
    return f"{sys.executable} {script}", out


def test_console_hands_the_engine_file_to_the_viewer_and_removes_it(ovirt, tmp_path: Path):
    command, seen = viewer(tmp_path)
    result = ovirt("-E", f'console vm0 --viewer "{command} --full-screen"')
    assert result.status == ExitStatus.OK, result.err
    assert "console of vm vm0 (spice) closed" in result.out
    content = (seen / "copy.vv").read_text()
    assert content.startswith("[virt-viewer]")
    assert "type=spice" in content and "password=" in content
    assert (seen / "mode").read_text() == "0o600"
    assert (seen / "argv").read_text() == "--full-screen"
    assert not os.path.exists((seen / "path").read_text())  # removed after the viewer closed
    assert "password=" not in result.out + result.err  # the ticket is never printed


def test_set_viewer_and_vnc(ovirt, tmp_path: Path):
    command, seen = viewer(tmp_path)
    script = (
        "create vm --name vncvm --cluster-name Default --template-name Blank --display-type vnc; "
        "action vm vncvm start --wait; "
        f'set viewer "{command}"; '
        "console vncvm --protocol vnc"
    )
    result = ovirt("-E", script)
    assert result.status == ExitStatus.OK, result.err
    assert "type=vnc" in (seen / "copy.vv").read_text()
    assert "console of vm vncvm (vnc) closed" in result.out


def test_a_protocol_the_vm_lacks(ovirt, tmp_path: Path):
    command, _ = viewer(tmp_path)
    result = ovirt("-E", f'console vm0 --protocol vnc --viewer "{command}"')
    assert result.status == ExitStatus.COMMAND_ERROR
    assert "vm vm0 has no vnc console (it has spice)" in result.err


def test_a_vm_that_is_not_running(ovirt, tmp_path: Path):
    command, seen = viewer(tmp_path)
    result = ovirt("-E", f'console vm2 --viewer "{command}"')
    assert result.status == ExitStatus.COMMAND_ERROR
    assert "vm vm2 is down" in result.err
    assert not seen.exists()


def test_an_empty_reply_means_not_running(ovirt, sim, tmp_path: Path):
    command, seen = viewer(tmp_path)
    sim.inject_fault(method="POST", path_regex="remoteviewerconnectionfile", status=204, body="", count=1)
    try:
        result = ovirt("-E", f'console vm0 --viewer "{command}"')
    finally:
        sim.clear_faults()
    assert result.status == ExitStatus.COMMAND_ERROR
    assert "vm vm0 is not running" in result.err
    assert not seen.exists()


def test_no_viewer_installed(ovirt, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing to run here
    result = ovirt("-E", "console vm0")
    assert result.status == ExitStatus.COMMAND_ERROR
    assert "remote-viewer not found: install virt-viewer, or use --viewer CMD" in result.err


def test_a_failing_viewer_is_an_error_and_the_file_still_goes(ovirt, tmp_path: Path):
    command, seen = viewer(tmp_path, code=3)
    result = ovirt("-E", f'console vm0 --viewer "{command}"')
    assert result.status == ExitStatus.COMMAND_ERROR
    assert "exited with status 3" in result.err
    assert not os.path.exists((seen / "path").read_text())


def test_detach_returns_at_once_and_cleans_up_later(ovirt, tmp_path: Path):
    command, seen = viewer(tmp_path)
    result = ovirt("-E", f'console vm1 --detach --viewer "{command}"')
    assert result.status == ExitStatus.OK, result.err
    assert "opened" in result.out
    deadline = time.monotonic() + 30
    while not (seen / "path").exists() or os.path.exists((seen / "path").read_text()):
        assert time.monotonic() < deadline, "the detached viewer's file was never removed"
        time.sleep(0.02)


def test_usage_errors(ovirt):
    assert ovirt("-E", "console").status == ExitStatus.SYNTAX_ERROR
    result = ovirt("-E", "console vm0 --protocol rdp")
    assert result.status == ExitStatus.SYNTAX_ERROR and "spice or vnc" in result.err
    assert ovirt("-E", "console vm0 --bogus x").status == ExitStatus.SYNTAX_ERROR
