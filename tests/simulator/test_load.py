"""Concurrent clients: bench/sim_load.py, short, against a simulator in this process.

Ten clients (two as ``user@internal``) run the benchmark's mix of reads and writes for a
few seconds: no request may fail or get an unexpected status, no client may read back
less than it was acknowledged, and afterwards every acknowledged write must be visible.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

from ovirtsim.testing import run_simulator

BENCH = Path(__file__).resolve().parents[2] / "bench" / "sim_load.py"


def _sim_load():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("sim_load", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("sim_load", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("stored", ["memory", "file"])
def test_concurrent_clients_no_error_and_writes_visible(stored: str, tmp_path: Path) -> None:
    load = _sim_load()
    data = str(tmp_path / "sim.db") if stored == "file" else None
    with run_simulator(seed="demo", time_scale=0.0, data=data) as sim:
        stats, pool = asyncio.run(load.run_load(sim.base, clients=10, seconds=3.0,
                                                max_requests=5000, seed_vms=5))
        missing = asyncio.run(load.check_writes(sim.base, pool))
    assert stats.error_count == 0, stats.samples
    assert missing == []
    # the mix really ran: reads and every kind of write, by both kinds of user
    for op in ("list vms", "show vm", "search", "events", "create", "update", "delete"):
        assert stats.by_op[op] > 0, op
    assert stats.by_op["start"] + stats.by_op["stop"] > 0
    assert any(not c.admin for c in pool) and any(c.admin for c in pool)
    assert any(not v.deleted for c in pool for v in c.vms)
