"""The tour's "Storage, images and networks" section runs against the simulator, and what it
shows happened, read back through the official SDK."""

from __future__ import annotations

import ovirtsdk4.types as types

from .tourpage import one, run_blocks


def test_storage_images_and_networks_section(ovirt, api) -> None:  # type: ignore[no-untyped-def]
    outputs = run_blocks(ovirt, "Storage, images and networks")
    assert "phase" in outputs[3] and "transfer_url" in outputs[3]
    disks = api.disks_service()
    thin, full = one(disks, "thin-disk"), one(disks, "full-disk")
    assert thin.actual_size < thin.provisioned_size <= full.actual_size * 10
    assert full.actual_size >= full.provisioned_size
    data2 = one(api.storage_domains_service(), "data2")
    vm4 = api.vms_service().vm_service(one(api.vms_service(), "vm4").id)
    [att] = vm4.disk_attachments_service().list()
    assert [sd.id for sd in disks.disk_service(att.disk.id).get().storage_domains] == [data2.id]
    assert one(api.vms_service(), "vm4-copy").status == types.VmStatus.DOWN
    host0 = api.hosts_service().host_service(one(api.hosts_service(), "host0").id)
    nics = {n.name: n for n in host0.nics_service().list()}
    assert sorted(nics) == ["bond0", "eth0", "eth1", "eth2", "eth3"]
    cl = one(api.clusters_service(), "Default")
    attached = api.clusters_service().cluster_service(cl.id).networks_service().list()
    assert {n.name for n in attached} == {"ovirtmgmt", "storage"}
    volumes = api.clusters_service().cluster_service(cl.id).gluster_volumes_service()
    assert one(volumes, "gv0").status == types.GlusterVolumeStatus.UP
    host2 = one(api.hosts_service(), "host2")
    assert host2.update_available is False and host2.status == types.HostStatus.MAINTENANCE
