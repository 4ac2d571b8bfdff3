"""The tour's "Storage, images and networks" section runs against the simulator, and what it
shows happened, read back through the official SDK."""

from __future__ import annotations

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from .tourpage import run_blocks


@pytest.fixture
def api(sim):  # type: ignore[no-untyped-def]
    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    yield conn.system_service()
    conn.close()


def _one(service, name: str):  # type: ignore[no-untyped-def]
    [found] = [o for o in service.list() if o.name == name]
    return found


def test_storage_images_and_networks_section(ovirt, api) -> None:  # type: ignore[no-untyped-def]
    outputs = run_blocks(ovirt, "Storage, images and networks")
    assert "phase" in outputs[3] and "transfer_url" in outputs[3]
    disks = api.disks_service()
    thin, full = _one(disks, "thin-disk"), _one(disks, "full-disk")
    assert thin.actual_size < thin.provisioned_size <= full.actual_size * 10
    assert full.actual_size >= full.provisioned_size
    data2 = _one(api.storage_domains_service(), "data2")
    vm4 = api.vms_service().vm_service(_one(api.vms_service(), "vm4").id)
    [att] = vm4.disk_attachments_service().list()
    assert [sd.id for sd in disks.disk_service(att.disk.id).get().storage_domains] == [data2.id]
    assert _one(api.vms_service(), "vm4-copy").status == types.VmStatus.DOWN
    host0 = api.hosts_service().host_service(_one(api.hosts_service(), "host0").id)
    nics = {n.name: n for n in host0.nics_service().list()}
    assert sorted(nics) == ["bond0", "eth0", "eth1", "eth2", "eth3"]
    cl = _one(api.clusters_service(), "Default")
    attached = api.clusters_service().cluster_service(cl.id).networks_service().list()
    assert {n.name for n in attached} == {"ovirtmgmt", "storage"}
    volumes = api.clusters_service().cluster_service(cl.id).gluster_volumes_service()
    assert _one(volumes, "gv0").status == types.GlusterVolumeStatus.UP
    host2 = _one(api.hosts_service(), "host2")
    assert host2.update_available is False and host2.status == types.HostStatus.MAINTENANCE
