"""--demo stops its simulator however the shell ends: end of input (Ctrl-D), SIGTERM, SIGHUP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _demo_shell(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for var in ("OVIRT_URL", "OVIRT_USERNAME", "OVIRT_PASSWORD", "OVIRT_CAFILE"):
        env.pop(var, None)
    proc = subprocess.Popen([sys.executable, "-m", "ovirtshell", "--demo"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while True:  # the engine is up once the shell has connected and waits for its input
        children = _children(proc.pid)
        if children and Path(f"/proc/{proc.pid}/wchan").read_text() not in ("", "0") and _listening(children[0]):
            return proc, children[0]
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.1)


def _listening(pid: int) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:") for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


@pytest.mark.parametrize("how", ["eof", "SIGTERM", "SIGHUP"])
def test_the_demo_engine_ends_with_the_shell(tmp_path: Path, how: str):
    proc, engine = _demo_shell(tmp_path)
    time.sleep(0.5)  # let the shell reach its read of stdin
    if how == "eof":
        proc.stdin.write(b"echo bye\n")
        proc.stdin.close()
    else:
        proc.send_signal(getattr(signal, how))
    status = proc.wait(timeout=60)
    if how != "eof":
        assert status == 128 + getattr(signal, how)
    deadline = time.monotonic() + 20
    while not _gone(engine):
        assert time.monotonic() < deadline, f"the demo engine {engine} outlived the shell ({how})"
        time.sleep(0.05)
    assert b"Traceback" not in proc.stderr.read()


@pytest.mark.parametrize("how", ["ctrl-d", "SIGHUP"])
def test_the_interactive_demo_engine_ends_with_the_terminal(tmp_path: Path, how: str):
    """The REPL on a real terminal: Ctrl-D, or the terminal closing (SIGHUP)."""
    import pexpect

    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "TERM": "xterm",
           "PROMPT_TOOLKIT_NO_CPR": "1", "PAGER": "cat"}
    for var in ("OVIRT_URL", "OVIRT_USERNAME", "OVIRT_PASSWORD", "OVIRT_CAFILE"):
        env.pop(var, None)
    child = pexpect.spawn(sys.executable, ["-m", "ovirtshell", "--demo"], env=env, timeout=60, dimensions=(24, 100))
    child.expect(r"connected.{0,20}\).{0,20}\]#")
    engines = _children(child.pid)
    assert engines
    if how == "ctrl-d":
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    else:
        child.kill(signal.SIGHUP)
        child.expect(pexpect.EOF)
    child.close()
    deadline = time.monotonic() + 20
    while not all(_gone(pid) for pid in engines):
        assert time.monotonic() < deadline, f"the demo engine outlived the terminal ({how})"
        time.sleep(0.05)
