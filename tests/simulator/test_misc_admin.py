"""Disk convert and refresh_lun, dismissed events and undelete, ending external steps, and
the SR-IOV configuration of a host NIC, through the real SDK."""

from __future__ import annotations

import ovirtsdk4 as sdk
import pytest
from ovirtsdk4 import types

from ovirtsim.testing import SimulatorHandle

GiB = 1024 ** 3


def _system(conn: sdk.Connection):  # type: ignore[no-untyped-def]
    return conn.system_service()


def _disk(conn: sdk.Connection, name: str):  # type: ignore[no-untyped-def]
    disks = _system(conn).disks_service()
    return disks.disk_service(disks.list(search=f"name={name}")[0].id)


# ----- disk convert ---------------------------------------------------------------------------

def test_convert_turns_a_thin_qcow_disk_into_a_preallocated_raw_one(
        sdk_connection: sdk.Connection) -> None:
    svc = _disk(sdk_connection, "vm2_disk")  # vm2 is down
    svc.convert(disk=types.Disk(format=types.DiskFormat.RAW, sparse=False))
    disk = svc.get()
    assert (disk.format, disk.sparse, disk.status) == (types.DiskFormat.RAW, False,
                                                       types.DiskStatus.OK)
    assert disk.actual_size == disk.provisioned_size
    assert disk.qcow_version is None
    jobs = _system(sdk_connection).jobs_service().list()
    assert [j.status for j in jobs if j.description == "Convert Disk vm2_disk"] == [
        types.JobStatus.FINISHED]


def test_convert_is_refused_while_the_vm_runs_and_while_the_disk_is_locked(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    with pytest.raises(sdk.Error, match=r"Cannot convert Virtual Disk\. VM is running\."):
        _disk(sdk_connection, "vm0_disk").convert(disk=types.Disk(format=types.DiskFormat.RAW))
    disk = sim.find("disks", "vm4_disk")
    assert disk is not None
    sim.update("disks", disk["id"], status="locked")
    with pytest.raises(sdk.Error, match=r"Cannot convert Virtual Disk\. Disk is locked"):
        _disk(sdk_connection, "vm4_disk").convert(disk=types.Disk(sparse=False))
    assert (sim.get("disks", disk["id"]) or {})["format"] == "cow"


def test_convert_refuses_raw_sparse_on_block_storage(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    disk = sim.find("disks", "vm2_disk")
    assert disk is not None
    sd = disk["storage_domains"][0]["id"]
    sim.update("storagedomains", sd, storage={"type": "iscsi"})
    with pytest.raises(sdk.Error, match=r"Disk configuration \(RAW Sparse\) is incompatible "
                                        r"with the storage domain type\."):
        _disk(sdk_connection, "vm2_disk").convert(disk=types.Disk(format=types.DiskFormat.RAW))


# ----- disk refresh_lun -----------------------------------------------------------------------

def _lun_disk(sim: SimulatorHandle, conn: sdk.Connection) -> str:
    """A floating direct LUN disk of 10 GiB whose LUN the array has grown to 15 GiB."""
    disk = _system(conn).disks_service().add(types.Disk(
        alias="lun1", lun_storage=types.HostStorage(type=types.StorageType.ISCSI, logical_units=[
            types.LogicalUnit(id="36001405cccccccccccccccccccccccc", size=10 * GiB)])))
    stored = sim.get("disks", disk.id) or {}
    units = stored["lun_storage"]["logical_units"]
    sim.update("disks", disk.id, lun_storage={**stored["lun_storage"], "logical_units": [
        {**units[0], "_device_size": 15 * GiB}]})
    return disk.id


def test_refresh_lun_takes_the_size_the_host_sees(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    did = _lun_disk(sim, sdk_connection)
    svc = _system(sdk_connection).disks_service().disk_service(did)
    svc.refresh_lun(host=types.Host(name="host0"))
    disk = svc.get()
    assert disk.provisioned_size == 15 * GiB
    assert disk.lun_storage.logical_units[0].size == 15 * GiB


def test_refresh_lun_is_refused_for_image_disks_and_hosts_that_are_not_up(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    with pytest.raises(sdk.Error, match=r"Cannot sync Virtual Disk\. The specified disk does "
                                        r"not exist\."):
        _disk(sdk_connection, "vm2_disk").refresh_lun(host=types.Host(name="host0"))
    did = _lun_disk(sim, sdk_connection)
    host = sim.find("hosts", "host1")
    assert host is not None
    sim.update("hosts", host["id"], status="maintenance")
    svc = _system(sdk_connection).disks_service().disk_service(did)
    with pytest.raises(sdk.Error, match=r"Operation can be performed only when Host status "
                                        r"is Up\."):
        svc.refresh_lun(host=types.Host(name="host1"))
    assert svc.get().provisioned_size == 10 * GiB


# ----- events: dismiss and undelete -----------------------------------------------------------

def test_deleted_events_are_hidden_and_undelete_brings_back_the_alerts(
        sdk_connection: sdk.Connection) -> None:
    events = _system(sdk_connection).events_service()
    alert = events.add(types.Event(description="disk almost full", severity=types.LogSeverity.ALERT,
                                   origin="monitor", custom_id=7))
    note = events.add(types.Event(description="backup done", severity=types.LogSeverity.NORMAL,
                                  origin="monitor", custom_id=8))
    events.event_service(alert.id).remove()
    events.event_service(note.id).remove()
    listed = {e.id for e in events.list()}
    assert alert.id not in listed and note.id not in listed
    # the row is kept: GET by id still finds a dismissed event, as on the engine
    assert events.event_service(note.id).get().description == "backup done"
    events.undelete()
    listed = {e.id for e in events.list()}
    assert alert.id in listed  # DisplayAllAuditLogAlerts: alerts come back ...
    assert note.id not in listed  # ... plain events stay dismissed


# ----- step end ---------------------------------------------------------------------------------

def test_an_external_step_ends_finished_or_failed(sdk_connection: sdk.Connection) -> None:
    jobs = _system(sdk_connection).jobs_service()
    job = jobs.add(types.Job(description="backup"))
    steps = jobs.job_service(job.id).steps_service()
    first = steps.add(types.Step(description="copy", type=types.StepEnum.EXECUTING))
    second = steps.add(types.Step(description="verify", type=types.StepEnum.EXECUTING))
    assert first.external and first.status == types.StepStatus.STARTED
    steps.step_service(first.id).end(succeeded=True)
    steps.step_service(second.id).end(succeeded=False)
    got = {s.id: s for s in steps.list()}
    assert got[first.id].status == types.StepStatus.FINISHED
    assert got[second.id].status == types.StepStatus.FAILED
    assert got[first.id].end_time is not None
    assert jobs.job_service(job.id).get().status == types.JobStatus.STARTED


def test_ending_a_step_that_is_not_external_is_refused(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    jobs = _system(sdk_connection).jobs_service()
    job = jobs.add(types.Job(description="backup"))
    steps = jobs.job_service(job.id).steps_service()
    step = steps.add(types.Step(description="copy", type=types.StepEnum.EXECUTING))
    sim.update(f"jobs/{job.id}/steps", step.id, external=False)
    with pytest.raises(sdk.Error, match=r"External steps can be added only to external jobs "
                                        r"or steps\."):
        steps.step_service(step.id).end(succeeded=True)
    assert steps.step_service(step.id).get().status == types.StepStatus.STARTED


# ----- host NIC SR-IOV ------------------------------------------------------------------------

def _nic(conn: sdk.Connection, host: str, name: str):  # type: ignore[no-untyped-def]
    hosts = _system(conn).hosts_service()
    nics = hosts.host_service(hosts.list(search=f"name={host}")[0].id).nics_service()
    return nics, nics.nic_service(next(n.id for n in nics.list() if n.name == name))


def test_setting_the_number_of_vfs_makes_the_host_report_them(
        sdk_connection: sdk.Connection) -> None:
    nics, pf = _nic(sdk_connection, "host0", "eth3")
    pf.update_virtual_functions_configuration(
        virtual_functions_configuration=types.HostNicVirtualFunctionsConfiguration(
            number_of_virtual_functions=3, all_networks_allowed=False))
    config = pf.get().virtual_functions_configuration
    assert (config.number_of_virtual_functions, config.all_networks_allowed,
            config.max_number_of_virtual_functions) == (3, False, 7)
    vfs = [n for n in nics.list() if n.physical_function is not None]
    assert sorted(n.name for n in vfs) == ["eth3v0", "eth3v1", "eth3v2"]
    pf.update_virtual_functions_configuration(
        virtual_functions_configuration=types.HostNicVirtualFunctionsConfiguration(
            number_of_virtual_functions=1))
    assert [n.name for n in nics.list() if n.physical_function is not None] == ["eth3v0"]


def test_vfs_configuration_refusals(sim: SimulatorHandle,
                                    sdk_connection: sdk.Connection) -> None:
    _, plain = _nic(sdk_connection, "host0", "eth1")
    with pytest.raises(sdk.Error, match=r"Cannot edit host NIC VFs configuration\. The "
                                        r"selected network interface eth1 is not SR-IOV "
                                        r"enabled\."):
        plain.update_virtual_functions_configuration(
            virtual_functions_configuration=types.HostNicVirtualFunctionsConfiguration(
                number_of_virtual_functions=2))
    _, pf = _nic(sdk_connection, "host0", "eth3")
    with pytest.raises(sdk.Error, match=r"The specified number of VFs on network interface "
                                        r"eth3 is 9, the valid range is 0 - 7\."):
        pf.update_virtual_functions_configuration(
            virtual_functions_configuration=types.HostNicVirtualFunctionsConfiguration(
                number_of_virtual_functions=9))
    assert pf.get().virtual_functions_configuration.number_of_virtual_functions == 0
