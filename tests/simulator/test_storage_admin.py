"""Storage administration through the real SDK: refresh and reduce LUNs, update the OVF
store, the disk actions below storage domains and data centers, and VM disk hot plug."""

from __future__ import annotations

import httpx
import ovirtsdk4 as sdk
import pytest
from ovirtsdk4 import types

from ovirtsim.testing import SimulatorHandle

GiB = 1024 ** 3
LUN_A, LUN_B = "36001405aaaaaaaaaaaaaaaaaaaaaaaaa", "36001405bbbbbbbbbbbbbbbbbbbbbbbbb"


def _block(sim: SimulatorHandle, name: str, status: str = "active") -> dict:
    """Make a seeded NFS data domain an iSCSI one on two 100 GiB LUNs (LUN_A grown to 150
    GiB on the array) in ``status`` in its data center."""
    sd = sim.find("storagedomains", name)
    assert sd is not None
    dc = sd["data_centers"][0]["id"]
    units = [{"id": LUN_A, "size": 100 * GiB, "_device_size": 150 * GiB},
             {"id": LUN_B, "size": 100 * GiB}]
    sim.update("storagedomains", sd["id"], _dc_status={dc: status}, storage={
        "type": "iscsi", "volume_group": {"id": "vg-" + name, "logical_units": units}})
    return sim.get("storagedomains", sd["id"]) or sd


def _sd(conn: sdk.Connection, sd_id: str):  # type: ignore[no-untyped-def]
    return conn.system_service().storage_domains_service().storage_domain_service(sd_id)


def _events(conn: sdk.Connection, code: int) -> list:
    return [e for e in conn.system_service().events_service().list(max=200) if e.code == code]


def _luns(sim: SimulatorHandle, sd_id: str) -> dict[str, int]:
    sd = sim.get("storagedomains", sd_id) or {}
    units = sd["storage"]["volume_group"]["logical_units"]
    return {u["id"]: u["size"] for u in units}


# ----- refresh_luns ---------------------------------------------------------------------------

def test_refresh_luns_grows_the_domain_by_what_the_luns_gained(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    sd = _block(sim, "data2")
    before = _sd(sdk_connection, sd["id"]).get().available
    _sd(sdk_connection, sd["id"]).refresh_luns(logical_units=[types.LogicalUnit(id=LUN_A)])
    assert _luns(sim, sd["id"]) == {LUN_A: 150 * GiB, LUN_B: 100 * GiB}
    assert _sd(sdk_connection, sd["id"]).get().available == before + 50 * GiB
    assert [e.description for e in _events(sdk_connection, 1022)] == [
        "Resize LUNs operation succeeded."]
    dc = sd["data_centers"][0]["id"]
    attached = sdk_connection.system_service().data_centers_service().data_center_service(
        dc).storage_domains_service().storage_domain_service(sd["id"]).get()
    assert attached.status == types.StorageDomainStatus.ACTIVE


def test_refresh_luns_is_refused_on_a_file_domain_and_for_foreign_luns(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    nfs = sim.find("storagedomains", "data")
    assert nfs is not None
    with pytest.raises(sdk.Error, match=r"Cannot edit Storage\. Storage Domain type is "
                                        r"illegal\."):
        _sd(sdk_connection, nfs["id"]).refresh_luns(
            logical_units=[types.LogicalUnit(id=LUN_A)])
    sd = _block(sim, "data2")
    with pytest.raises(sdk.Error, match="not part of the Storage Domain"):
        _sd(sdk_connection, sd["id"]).refresh_luns(
            logical_units=[types.LogicalUnit(id="36001405ffffffffffffffffffffffff")])
    assert _luns(sim, sd["id"])[LUN_A] == 100 * GiB


def test_refresh_luns_needs_an_active_domain(sim: SimulatorHandle,
                                             sdk_connection: sdk.Connection) -> None:
    sd = _block(sim, "data2", status="maintenance")
    with pytest.raises(sdk.Error, match="The relevant Storage Domain's status is "
                                        "Maintenance."):
        _sd(sdk_connection, sd["id"]).refresh_luns(
            logical_units=[types.LogicalUnit(id=LUN_A)])


# ----- reduce_luns ----------------------------------------------------------------------------

def test_reduce_luns_drops_a_lun_from_a_domain_in_maintenance(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    sd = _block(sim, "data2", status="maintenance")
    _sd(sdk_connection, sd["id"]).reduce_luns(logical_units=[types.LogicalUnit(id=LUN_B)])
    assert list(_luns(sim, sd["id"])) == [LUN_A]
    got = _sd(sdk_connection, sd["id"]).get()
    assert [u.id for u in got.storage.volume_group.logical_units] == [LUN_A]
    assert len(_events(sdk_connection, 1030)) == 1
    assert "devices were removed from the domain: " + LUN_B in \
        _events(sdk_connection, 1032)[0].description


def test_reduce_luns_is_refused_on_an_active_domain_and_without_luns(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    sd = _block(sim, "data2")
    with pytest.raises(sdk.Error, match="The relevant Storage Domain's status is Active."):
        _sd(sdk_connection, sd["id"]).reduce_luns(logical_units=[types.LogicalUnit(id=LUN_B)])
    with pytest.raises(sdk.Error, match="No devices were provided."):
        _sd(sdk_connection, sd["id"]).reduce_luns(logical_units=[])
    assert len(_luns(sim, sd["id"])) == 2


# ----- update_ovf_store -----------------------------------------------------------------------

def test_update_ovf_store_on_an_active_data_domain(sim: SimulatorHandle,
                                                   sdk_connection: sdk.Connection) -> None:
    sd = sim.find("storagedomains", "data")
    assert sd is not None
    _sd(sdk_connection, sd["id"]).update_ovf_store()
    assert (sim.get("storagedomains", sd["id"]) or {}).get("_ovf_updated")
    [ev] = _events(sdk_connection, 1019)
    assert ev.description == "OVF_STORE for domain data was updated by admin@internal-authz."
    jobs = sdk_connection.system_service().jobs_service().list()
    assert any(j.description == "Updating OVF store of Storage Domain data"
               and j.status == types.JobStatus.FINISHED for j in jobs)


def test_update_ovf_store_is_refused_off_active_data_domains(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    export = sim.find("storagedomains", "export")
    assert export is not None
    with pytest.raises(sdk.Error, match=r"Cannot update OVFs Storage\. Storage Domain type "
                                        r"is illegal\."):
        _sd(sdk_connection, export["id"]).update_ovf_store()
    sd = _block(sim, "data2", status="maintenance")
    with pytest.raises(sdk.Error, match="status is Maintenance"):
        _sd(sdk_connection, sd["id"]).update_ovf_store()


# ----- disk actions below storage domains and data centers ------------------------------------

def test_storage_domain_disk_move_and_reduce(sim: SimulatorHandle,
                                             sdk_connection: sdk.Connection) -> None:
    data, data2 = sim.find("storagedomains", "data"), sim.find("storagedomains", "data2")
    disk = sim.find("disks", "vm2_disk")
    assert data and data2 and disk
    svc = _sd(sdk_connection, data["id"]).disks_service().disk_service(disk["id"])
    svc.reduce()
    assert (sim.get("disks", disk["id"]) or {})["actual_size"] < disk["actual_size"]
    svc.move(storage_domain=types.StorageDomain(id=data2["id"]))
    moved = sdk_connection.system_service().disks_service().disk_service(disk["id"]).get()
    assert [s.id for s in moved.storage_domains] == [data2["id"]]
    again = _sd(sdk_connection, data2["id"]).disks_service().disk_service(disk["id"])
    with pytest.raises(sdk.Error, match="already on the target Storage Domain"):
        again.move(storage_domain=types.StorageDomain(id=data2["id"]))


def test_attached_storage_domain_disk_copy_and_sparsify(
        sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    data, data2 = sim.find("storagedomains", "data"), sim.find("storagedomains", "data2")
    disk, running = sim.find("disks", "vm2_disk"), sim.find("disks", "vm0_disk")
    assert data and data2 and disk and running
    dc = data["data_centers"][0]["id"]
    disks = sdk_connection.system_service().data_centers_service().data_center_service(
        dc).storage_domains_service().storage_domain_service(data["id"]).disks_service()
    assert disk["id"] in {d.id for d in disks.list()}
    disks.disk_service(disk["id"]).copy(storage_domain=types.StorageDomain(id=data2["id"]),
                                        disk=types.Disk(alias="vm2_copy"))
    copy = sim.find("disks", "vm2_copy")
    assert copy is not None and copy["storage_domains"] == [{"id": data2["id"]}]
    with pytest.raises(sdk.Error, match="At least one of the VMs is not down."):
        disks.disk_service(running["id"]).sparsify()


def test_export_and_register_stay_not_implemented(sim: SimulatorHandle,
                                                  client: httpx.Client) -> None:
    data = sim.find("storagedomains", "data")
    disk = sim.find("disks", "vm2_disk")
    assert data and disk
    dc = data["data_centers"][0]["id"]
    base = f"datacenters/{dc}/storagedomains/{data['id']}/disks/{disk['id']}"
    for path in (f"{base}/register", f"{base}/export",
                 f"storagedomains/{data['id']}/disks/{disk['id']}/export"):
        r = client.post(path, content="<action/>", headers={"Content-Type": "application/xml"})
        assert r.status_code == 501, path


# ----- vm_disk and template_disk --------------------------------------------------------------

def test_vm_and_template_disk_services_have_no_url_in_the_model(
        sim: SimulatorHandle, client: httpx.Client) -> None:
    """API model 4.6 has no ``disks`` locator below VMs or templates (disk attachments took
    their place), so the engine answers 404 there."""
    vm = sim.find("vms", "vm2")
    disk = sim.find("disks", "vm2_disk")
    assert vm and disk
    assert client.get(f"vms/{vm['id']}/disks").status_code == 404
    r = client.post(f"vms/{vm['id']}/disks/{disk['id']}/deactivate", content="<action/>",
                    headers={"Content-Type": "application/xml"})
    assert r.status_code == 404
