"""Fixtures: a real simulator on 127.0.0.1 (free port) and clients talking to it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ovirtsim.testing import SimulatorHandle, run_simulator


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    """A fresh demo simulator where lifecycles complete at once (time scale 0)."""
    with run_simulator(seed="demo", time_scale=0.0) as handle:
        yield handle


@pytest.fixture
def client(sim: SimulatorHandle) -> Iterator[httpx.Client]:
    """An httpx client logged in with HTTP Basic as admin@internal."""
    with httpx.Client(base_url=sim.url, auth=(sim.username, sim.password), timeout=60) as c:
        yield c


@pytest.fixture
def sdk_connection(sim: SimulatorHandle):  # type: ignore[no-untyped-def]
    """An official ovirtsdk4 connection to the simulator."""
    import ovirtsdk4 as sdk

    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password,
                          insecure=True)
    yield conn
    conn.close()
