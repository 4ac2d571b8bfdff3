"""Shared fixtures: a real simulator on 127.0.0.1:0 and the real entry point run in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support import Run, make_env


@pytest.fixture(scope="module")
def sim() -> Iterator[object]:
    """A demo-seeded simulator with immediate state changes, shared by one test module."""
    from ovirtsim.testing import run_simulator

    with run_simulator(seed="demo", time_scale=0.0) as handle:
        yield handle


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
