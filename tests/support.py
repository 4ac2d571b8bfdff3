"""Helpers shared by test modules: an injected Environment and the result of one run."""

from __future__ import annotations

import io
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ovirtshell.environment import Environment


@dataclass
class Run:
    status: int
    out: str
    err: str


class FakeTty(io.StringIO):
    def isatty(self) -> bool:  # noqa: D102 - a stream that says it is a terminal
        return True


def make_env(tmp_path: Path, environ: dict[str, str], stdin: str = "", tty: bool = False) -> Environment:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return Environment(
        stdin=FakeTty(stdin) if tty else io.StringIO(stdin),
        stdout=FakeTty() if tty else io.StringIO(),
        stderr=io.StringIO(),
        stdin_isatty=tty,
        stdout_isatty=tty,
        home=home,
        config_dir=tmp_path / "config",
        cache_dir=tmp_path / "cache",
        data_dir=tmp_path / "data",
        environ={"HOME": str(home), **environ},
    )


def stop(proc: subprocess.Popen, timeout: float = 60) -> None:
    """End a program the way a user would (SIGTERM), killing it only if it does not exit."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
