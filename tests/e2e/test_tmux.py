"""The interactive shell in a real terminal (tmux): Tab, soft-wrapped lines, what the screen shows."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 100, 30


class Tmux:
    """One tmux server of its own (-L) with one session running the shell."""

    def __init__(self, socket: str):
        self.socket = socket

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "shell", *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "shell")

    def wait_for(self, check, what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what}; the screen:\n{screen}")
            time.sleep(0.1)


@pytest.fixture
def tmux(sim, tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:  # pragma: no cover - the test image has tmux
        pytest.fail("tmux is needed for the real-terminal tests")
    env = {
        "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"), "TERM": "xterm-256color", "PAGER": "cat", "LANG": "C.UTF-8",
        "PROMPT_TOOLKIT_NO_CPR": "1", "OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username,
        "OVIRT_PASSWORD": sim.password, "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command += f" {shlex.quote(sys.executable)} -m ovirtshell"
    t = Tmux(f"ovirtshell-test-{uuid.uuid4().hex[:8]}")
    t.run("-f", "/dev/null", "new-session", "-d", "-s", "shell", "-x", str(WIDTH), "-y", str(HEIGHT), command)
    try:
        t.wait_for(lambda s: "(connected)]#" in s, "the prompt")
        yield t
    finally:
        subprocess.run(["tmux", "-L", t.socket, "kill-server"], capture_output=True)


def _prompt_line(screen: str) -> str:
    return [line for line in screen.splitlines() if "(connected)]#" in line][-1]


def test_tab_right_after_typing_inserts_the_only_candidate(tmux):
    tmux.keys("lis", literal=True)
    tmux.keys("Tab")
    screen = tmux.wait_for(lambda s: _prompt_line(s).rstrip().endswith("]# list"), "list inserted")
    assert _prompt_line(screen).rstrip().endswith("(connected)]# list")


def test_a_soft_wrapped_line_has_no_continuation_prompt(tmux):
    words = "echo " + " ".join(f"word{n:03d}" for n in range(20))  # wider than the terminal
    tmux.keys(words, literal=True)
    screen = tmux.wait_for(lambda s: "word019" in s, "the long line")
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if "]# echo" in line)
    assert not lines[start + 1].startswith(">"), screen
    tmux.keys("Enter")
    tmux.wait_for(lambda s: s.count("word019") >= 2, "the echo")
