"""delete snapshots --older-than/--keep: a VM's regular snapshots past their retention, removed
as a bulk operation (refused without --yes; --dry-run lists them); the SDK reads what is left."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import ovirtsdk4 as sdk
import pytest

from ovirtshell.status import ExitStatus

AGES = {"s60": 60, "s40": 40, "s20": 20, "s10": 10, "s1": 1}  # description -> days old


@pytest.fixture
def aged(ovirt, sim) -> dict[str, str]:
    """vm1 with five snapshots taken 60, 40, 20, 10 and 1 days ago: description -> id."""
    sim.reset()
    vm = sim.find("vms", "vm1")
    now = datetime.now(timezone.utc)
    ids = {}
    for description, days in AGES.items():
        run = ovirt("-o", "json", "-E", f"create snapshot --parent-vm-name vm1 --description {description} --wait")
        assert run.status == ExitStatus.OK, run.err
        ids[description] = json.loads(run.out)["id"]
        sim.update(f"vms/{vm['id']}/snapshots", ids[description],
                   date=(now - timedelta(days=days)).isoformat(timespec="milliseconds"))
    return ids


def left(sim) -> list[str]:
    """The VM's snapshots as the official SDK reads them (descriptions, oldest first)."""
    vm = sim.find("vms", "vm1")
    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    try:
        snapshots = conn.system_service().vms_service().vm_service(vm["id"]).snapshots_service().list()
    finally:
        conn.close()
    regular = [s for s in snapshots if s.snapshot_type == sdk.types.SnapshotType.REGULAR]
    return [s.description for s in sorted(regular, key=lambda s: s.date)]


def test_older_than_and_keep(ovirt, sim, aged) -> None:
    line = "delete snapshots --parent-vm-name vm1 --older-than 15d --keep 4"
    dry = ovirt("-E", f"{line} --dry-run")
    assert dry.status == ExitStatus.OK, dry.err
    assert "would delete snapshot s60" in dry.out and "s40" not in dry.out  # s40 is among the newest 4
    refused = ovirt("-E", line)
    assert refused.status == ExitStatus.COMMAND_ERROR and "without --yes" in refused.err
    assert left(sim) == ["s60", "s40", "s20", "s10", "s1"]
    done = ovirt("-o", "json", "-E", f"{line} --yes --wait")
    assert done.status == ExitStatus.OK, done.err
    assert [d["name"] for d in json.loads(done.out)] == ["s60"] and left(sim) == ["s40", "s20", "s10", "s1"]
    assert ovirt("-E", "delete snapshots --parent-vm-name vm1 --older-than 15d --yes --wait").status == 0
    assert left(sim) == ["s10", "s1"]
    nothing = ovirt("-E", "delete snapshots --parent-vm-name vm1 --older-than 15d --yes")
    assert nothing.status == ExitStatus.OK and "no snapshots older than 15d" in nothing.out


def test_keep_alone_and_the_active_image_stays(ovirt, sim, aged) -> None:
    assert ovirt("-E", "delete snapshots --parent-vm-name vm1 --keep 2 --yes --wait").status == 0
    assert left(sim) == ["s10", "s1"]
    listed = json.loads(ovirt("-o", "json", "-E", "list snapshots --parent-vm-name vm1").out)
    assert any(s["snapshot_type"] == "active" for s in listed)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("delete snapshots --parent-vm-name vm1 --older-than soon --yes", "invalid --older-than 'soon'"),
        ("delete snapshots --parent-vm-name vm1 --older-than 1234 --yes", "invalid --older-than '1234'"),
        ("delete snapshots --parent-vm-name vm1 --keep -1 --yes", "invalid --keep"),
        ("delete snapshot --parent-vm-name vm1 --keep 1 --yes", "write the type in the plural"),
        ("delete vms --keep 1 --yes", "apply to a VM's snapshots"),
        ('delete snapshots --parent-vm-name vm1 --keep 1 --query "x" --yes', "do not combine with --query"),
    ],
)
def test_bad_retention_is_a_syntax_error(ovirt, line: str, message: str) -> None:
    run = ovirt("-E", line)
    assert run.status == ExitStatus.SYNTAX_ERROR, run.err
    assert message in run.err and len(run.err.strip().splitlines()) == 1
