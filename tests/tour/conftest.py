"""The official SDK's system service on the module's simulator, for reading the tour's results."""

from __future__ import annotations

import ovirtsdk4 as sdk
import pytest


@pytest.fixture
def api(sim):  # type: ignore[no-untyped-def]
    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    yield conn.system_service()
    conn.close()
