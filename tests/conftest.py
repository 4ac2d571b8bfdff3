"""Shared fixtures: a real simulator on 127.0.0.1:0 and the real entry point run in-process."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ovirtshell.environment import Environment


@dataclass
class Run:
    status: int
    out: str
    err: str


class FakeTty(io.StringIO):
    def isatty(self) -> bool:  # noqa: D102 - a stream that says it is a terminal
        return True


@pytest.fixture(scope="module")
def sim() -> Iterator[object]:
    """A demo-seeded simulator with immediate state changes, shared by one test module."""
    from ovirtshell.simulator.testing import run_simulator

    with run_simulator(seed="demo", time_scale=0.0) as handle:
        yield handle


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


@pytest.fixture
def ovirt(tmp_path: Path, sim):
    """Run `ovirt-shell ARGS` in-process against the simulator; returns status, stdout, stderr."""

    def run(*args: str, stdin: str = "", environ: dict[str, str] | None = None, connect: bool = True) -> Run:
        base = {"OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password} if connect else {}
        env = make_env(tmp_path, {**base, **(environ or {})}, stdin)
        from ovirtshell.cli import main

        status = main(list(args), env=env)
        return Run(status, env.stdout.getvalue(), env.stderr.getvalue())

    return run
