"""Storage, imaging, host networking, gluster and host upgrades, read back through the
official SDK (ovirtsdk4) as an independent client."""

from __future__ import annotations

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

GiB = 1024**3


def _one(service, name: str):  # type: ignore[no-untyped-def]
    [found] = [o for o in service.list() if o.name == name]
    return found


def test_demo_inventory(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    sds = {sd.name: sd.type for sd in system.storage_domains_service().list()}
    assert sds == {"data": types.StorageDomainType.DATA, "data2": types.StorageDomainType.DATA,
                   "export": types.StorageDomainType.EXPORT,
                   "iso": types.StorageDomainType.ISO}
    hosts = system.hosts_service()
    host0 = _one(hosts, "host0")
    nics = hosts.host_service(host0.id).nics_service().list()
    assert sorted(n.name for n in nics) == ["eth0", "eth1", "eth2", "eth3"]
    [eth0] = [n for n in nics if n.name == "eth0"]
    mgmt = _one(system.networks_service(), "ovirtmgmt")
    assert eth0.network.id == mgmt.id
    hooks = hosts.host_service(host0.id).hooks_service().list()
    assert {h.event_name for h in hooks} >= {"before_vm_start", "after_network_setup"}
    assert _one(hosts, "host2").type == types.HostType.OVIRT_NODE


def test_thin_and_preallocated_sizes(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    disks = system.disks_service()
    data = system.storage_domains_service().storage_domain_service(
        _one(system.storage_domains_service(), "data").id)
    before = data.get()
    thin = disks.add(types.Disk(name="thin1", format=types.DiskFormat.COW, sparse=True,
                                provisioned_size=20 * GiB,
                                storage_domains=[types.StorageDomain(name="data")]))
    full = disks.add(types.Disk(name="full1", format=types.DiskFormat.RAW, sparse=False,
                                provisioned_size=4 * GiB,
                                storage_domains=[types.StorageDomain(name="data")]))
    thin, full = disks.disk_service(thin.id).get(), disks.disk_service(full.id).get()
    assert thin.status == types.DiskStatus.OK
    assert thin.actual_size < thin.provisioned_size
    assert full.actual_size >= full.provisioned_size
    after = data.get()
    grown = thin.actual_size + full.actual_size
    assert after.used - before.used == grown
    assert before.available - after.available == grown
    disks.disk_service(full.id).update(types.Disk(provisioned_size=6 * GiB))
    assert disks.disk_service(full.id).get().actual_size >= 6 * GiB
    with pytest.raises(sdk.Error, match="smaller"):
        disks.disk_service(full.id).update(types.Disk(provisioned_size=1 * GiB))
    with pytest.raises(sdk.Error, match="preallocated"):
        disks.disk_service(full.id).sparsify()


def test_disk_moved_from_data_to_data2(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    sds = system.storage_domains_service()
    data, data2 = _one(sds, "data"), _one(sds, "data2")
    disk = _one(system.disks_service(), "vm4_disk")
    assert [sd.id for sd in disk.storage_domains] == [data.id]
    service = system.disks_service().disk_service(disk.id)
    service.move(storage_domain=types.StorageDomain(name="data2"))
    moved = service.get()
    assert moved.status == types.DiskStatus.OK
    assert [sd.id for sd in moved.storage_domains] == [data2.id]
    assert sds.storage_domain_service(data2.id).get().used == data2.used + disk.actual_size
    service.copy(storage_domain=types.StorageDomain(id=data.id), disk=types.Disk(alias="cp"))
    copy = _one(system.disks_service(), "cp")
    assert [sd.id for sd in copy.storage_domains] == [data.id]
    with pytest.raises(sdk.Error, match="already on the target"):
        service.move(storage_domain=types.StorageDomain(id=data2.id))


def test_vm4_exported_and_imported_back(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    vms = system.vms_service()
    vm4 = _one(vms, "vm4")
    vms.vm_service(vm4.id).export(storage_domain=types.StorageDomain(name="export"))
    sds = system.storage_domains_service()
    export = sds.storage_domain_service(_one(sds, "export").id)
    [listed] = export.vms_service().list()
    assert listed.name == "vm4"
    assert "<Name>vm4</Name>" in listed.initialization.configuration.data
    export.vms_service().vm_service(listed.id).import_(
        clone=True, vm=types.Vm(name="vm4-restored"), cluster=types.Cluster(name="Default"),
        storage_domain=types.StorageDomain(name="data2"))
    restored = _one(vms, "vm4-restored")
    assert restored.id != vm4.id and restored.status == types.VmStatus.DOWN
    atts = vms.vm_service(restored.id).disk_attachments_service().list()
    [disk] = [system.disks_service().disk_service(a.disk.id).get() for a in atts]
    assert [sd.id for sd in disk.storage_domains] == [_one(sds, "data2").id]
    assert disk.status == types.DiskStatus.OK
    with pytest.raises(sdk.Error, match="already exists"):
        export.vms_service().vm_service(listed.id).import_(cluster=types.Cluster(name="Default"))


def test_bond_of_eth2_eth3_on_host0_with_a_network(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    dc = _one(system.data_centers_service(), "Default")
    net = system.networks_service().add(types.Network(
        name="storage", data_center=types.DataCenter(id=dc.id), usages=[]))
    host = system.hosts_service().host_service(_one(system.hosts_service(), "host0").id)
    host.setup_networks(
        modified_bonds=[types.HostNic(name="bond0", bonding=types.Bonding(
            slaves=[types.HostNic(name="eth2"), types.HostNic(name="eth3")]))],
        modified_network_attachments=[types.NetworkAttachment(
            network=types.Network(name="storage"), host_nic=types.HostNic(name="bond0"))],
        commit_on_success=True)
    nics = {n.name: n for n in host.nics_service().list()}
    bond = nics["bond0"]
    assert sorted(nics[s.name].name if s.name else [n for n in nics.values()
                                                     if n.id == s.id][0].name
                  for s in bond.bonding.slaves) == ["eth2", "eth3"]
    assert bond.network.id == net.id
    atts = host.network_attachments_service().list()
    assert {(a.network.id, a.host_nic.id) for a in atts} >= {(net.id, bond.id)}
    with pytest.raises(sdk.Error, match="do not exist"):
        host.setup_networks(modified_network_attachments=[types.NetworkAttachment(
            network=types.Network(name="storage"), host_nic=types.HostNic(name="eth9"))])
    with pytest.raises(sdk.Error, match="slave"):
        host.setup_networks(modified_network_attachments=[types.NetworkAttachment(
            network=types.Network(name="ovirtmgmt"), host_nic=types.HostNic(name="eth2"))])
    with pytest.raises(sdk.Error, match="already"):
        host.setup_networks(modified_network_attachments=[types.NetworkAttachment(
            network=types.Network(name="storage"), host_nic=types.HostNic(name="eth1"))])
    host.commit_net_config()


def test_gluster_volume_with_two_bricks_started(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    cl = _one(system.clusters_service(), "Default")
    h0, h1 = (_one(system.hosts_service(), f"host{i}") for i in (0, 1))
    volumes = system.clusters_service().cluster_service(cl.id).gluster_volumes_service()
    with pytest.raises(sdk.Error, match="more than once"):
        volumes.add(types.GlusterVolume(name="bad", volume_type=types.GlusterVolumeType.
                                        DISTRIBUTE, bricks=[
            types.GlusterBrick(server_id=h0.id, brick_dir="/b"),
            types.GlusterBrick(server_id=h0.id, brick_dir="/b")]))
    vol = volumes.add(types.GlusterVolume(
        name="gv0", volume_type=types.GlusterVolumeType.REPLICATE, replica_count=2,
        bricks=[types.GlusterBrick(server_id=h0.id, brick_dir="/gluster/b1"),
                types.GlusterBrick(server_id=h1.id, brick_dir="/gluster/b1")]))
    service = volumes.volume_service(vol.id)
    assert service.get().status == types.GlusterVolumeStatus.DOWN
    service.start()
    assert service.get().status == types.GlusterVolumeStatus.UP
    bricks = service.gluster_bricks_service().list()
    assert len(bricks) == 2 and all(b.status == types.GlusterBrickStatus.UP for b in bricks)
    service.rebalance()
    with pytest.raises(sdk.Error, match="already started"):
        service.start()
    service.stop()
    assert service.get().status == types.GlusterVolumeStatus.DOWN


def test_host_upgraded(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    hosts = system.hosts_service()
    node = hosts.host_service(_one(hosts, "host2").id)
    node.deactivate()
    assert node.get().status == types.HostStatus.MAINTENANCE
    node.upgrade_check()
    assert node.get().update_available is True
    node.upgrade()
    after = node.get()
    assert after.status == types.HostStatus.MAINTENANCE
    assert after.update_available is False
    assert after.version.full_version == "vdsm-4.50.5.1-1.el8"
    texts = [e.description for e in system.events_service().list(max=20)]
    assert any("upgrade was completed" in t for t in texts)
    with pytest.raises(sdk.Error, match=r"Cannot upgrade Host\. There are no available updates"):
        hosts.host_service(_one(hosts, "host0").id).upgrade()


def test_an_up_host_is_emptied_then_upgraded_and_comes_back(sdk_connection: sdk.Connection) -> None:
    """UpgradeHostCommand moves an Up host to maintenance itself, migrating its VMs."""
    system = sdk_connection.system_service()
    hosts, vms = system.hosts_service(), system.vms_service()
    host = _one(hosts, "host0")
    service = hosts.host_service(host.id)
    running = [vm.name for vm in vms.list() if vm.host is not None and vm.host.id == host.id]
    assert running, "the demo seed runs VMs on host0"
    service.upgrade_check()
    assert service.get().update_available is True
    service.upgrade()
    after = service.get()
    assert after.status == types.HostStatus.UP and after.update_available is False
    assert after.version.full_version == "vdsm-4.50.5.1-1.el8"
    for name in running:
        vm = vms.list(search=f"name={name}")[0]
        assert vm.status == types.VmStatus.UP and vm.host.id != host.id
    texts = [e.description for e in system.events_service().list(max=30)]
    assert "Host host0 was switched to Maintenance Mode by admin@internal-authz." in texts


def test_storage_domain_attach_master_and_data_center_status(
        sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    sds = system.storage_domains_service()
    with pytest.raises(sdk.Error, match=r"storage.path.* required"):
        sds.add(types.StorageDomain(name="nopath", type=types.StorageDomainType.DATA,
                                    host=types.Host(name="host0"), storage=types.HostStorage(
                                        type=types.StorageType.NFS, address="nfs")))
    with pytest.raises(sdk.Error, match=r"storage.type\] required"):
        sds.add(types.StorageDomain(name="notype", type=types.StorageDomainType.DATA,
                                    host=types.Host(name="host0"),
                                    storage=types.HostStorage(path="/x")))
    dcs = system.data_centers_service()
    dc = dcs.add(types.DataCenter(name="dc2", local=False))
    assert dc.status == types.DataCenterStatus.UNINITIALIZED
    new = sds.add(types.StorageDomain(
        name="nfs2", type=types.StorageDomainType.DATA, host=types.Host(name="host0"),
        storage=types.HostStorage(type=types.StorageType.NFS, address="nfs", path="/e/2")))
    attached = dcs.data_center_service(dc.id).storage_domains_service()
    attached.add(types.StorageDomain(name="nfs2"))  # looked up by name
    assert sds.storage_domain_service(new.id).get().master is True
    assert dcs.data_center_service(dc.id).get().status == types.DataCenterStatus.UP
    one = attached.storage_domain_service(new.id)
    with pytest.raises(sdk.Error, match="Maintenance"):
        one.remove()
    one.deactivate()
    assert dcs.data_center_service(dc.id).get().status == types.DataCenterStatus.MAINTENANCE
    assert sds.storage_domain_service(new.id).get().master is False
    one.activate()
    assert sds.storage_domain_service(new.id).get().master is True
    default = _one(dcs, "Default")
    data2 = _one(sds, "data2")
    dcs.data_center_service(default.id).set_master(storage_domain=types.StorageDomain(
        id=data2.id))
    assert sds.storage_domain_service(data2.id).get().master is True
    assert _one(sds, "data").master is False


def test_network_attached_to_a_cluster_is_not_created(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    dc = _one(system.data_centers_service(), "Default")
    net = system.networks_service().add(types.Network(
        name="migr", data_center=types.DataCenter(id=dc.id)))
    count = len(system.networks_service().list())
    cl = _one(system.clusters_service(), "Default")
    cnets = system.clusters_service().cluster_service(cl.id).networks_service()
    assert [n.name for n in cnets.list()] == ["ovirtmgmt"]
    cnets.add(types.Network(id=net.id, required=False,
                            usages=[types.NetworkUsage.MIGRATION]))
    assert len(system.networks_service().list()) == count
    attached = {n.name: n for n in cnets.list()}
    assert attached["migr"].required is False
    assert attached["migr"].usages == [types.NetworkUsage.MIGRATION]
    with pytest.raises(sdk.Error, match="already attached"):
        cnets.add(types.Network(name="migr"))
    cnets.network_service(net.id).remove()
    assert [n.name for n in cnets.list()] == ["ovirtmgmt"]
    assert len(system.networks_service().list()) == count


def test_ova_export_to_a_host_and_import(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    vms = system.vms_service()
    vm2 = vms.vm_service(_one(vms, "vm2").id)
    vm2.export_to_path_on_host(host=types.Host(name="host0"), directory="/tmp",
                               filename="vm2.ova")
    imports = system.external_vm_imports_service()
    with pytest.raises(sdk.Error, match="no VM OVA"):
        imports.add(types.ExternalVmImport(
            name="nothing", provider=types.ExternalVmProviderType.KVM, url="ova:///tmp/x.ova",
            cluster=types.Cluster(name="Default"), host=types.Host(name="host0"),
            storage_domain=types.StorageDomain(name="data")))
    imports.add(types.ExternalVmImport(
        name="vm2-ova", provider=types.ExternalVmProviderType.KVM, url="ova:///tmp/vm2.ova",
        cluster=types.Cluster(name="Default"), host=types.Host(name="host0"),
        storage_domain=types.StorageDomain(name="data2")))
    imported = _one(vms, "vm2-ova")
    assert imported.status == types.VmStatus.DOWN
    [att] = vms.vm_service(imported.id).disk_attachments_service().list()
    disk = system.disks_service().disk_service(att.disk.id).get()
    assert [sd.name for sd in disk.storage_domains] in ([None], ["data2"])
    assert disk.storage_domains[0].id == _one(system.storage_domains_service(), "data2").id


def test_template_versions_and_latest_version(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    templates, vms = system.templates_service(), system.vms_service()
    base = _one(templates, "centos9")
    vm2 = _one(vms, "vm2")
    v2 = templates.add(types.Template(
        name="centos9", vm=types.Vm(id=vm2.id),
        version=types.TemplateVersion(base_template=types.Template(id=base.id),
                                      version_name="patched")))
    got = templates.template_service(v2.id).get()
    assert got.name == "centos9" and got.version.version_number == 2
    assert got.version.version_name == "patched" and got.version.base_template.id == base.id
    vm = vms.add(types.Vm(name="latest", cluster=types.Cluster(name="Default"),
                          template=types.Template(id=base.id),
                          use_latest_template_version=True))
    assert vms.vm_service(vm.id).get().template.id == v2.id
    with pytest.raises(sdk.Error, match="already in use"):
        templates.add(types.Template(name="centos9", vm=types.Vm(id=vm2.id)))


def test_register_an_unregistered_vm(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    sds = system.storage_domains_service()
    data2 = sds.storage_domain_service(_one(sds, "data2").id)
    assert data2.vms_service().list() == []
    [lost] = data2.vms_service().list(unregistered=True)
    assert lost.name == "vm-lost"
    data2.vms_service().vm_service(lost.id).register(cluster=types.Cluster(name="Default"))
    vm = _one(system.vms_service(), "vm-lost")
    assert vm.id == lost.id and vm.status == types.VmStatus.DOWN
    [att] = system.vms_service().vm_service(vm.id).disk_attachments_service().list()
    disk = system.disks_service().disk_service(att.disk.id).get()
    assert disk.storage_domains[0].id == _one(sds, "data2").id
    assert data2.vms_service().list(unregistered=True) == []


def test_template_from_a_snapshot_of_a_running_vm(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    vms = system.vms_service()
    vm0 = _one(vms, "vm0")
    assert vm0.status == types.VmStatus.UP
    snaps = vms.vm_service(vm0.id).snapshots_service()
    snap = snaps.add(types.Snapshot(description="before template"))
    with pytest.raises(sdk.Error, match="VM must be down"):
        system.templates_service().add(types.Template(name="t0", vm=types.Vm(id=vm0.id)))
    tpl = system.templates_service().add(types.Template(
        name="t0", vm=types.Vm(id=vm0.id, snapshots=[types.Snapshot(id=snap.id)])))
    got = system.templates_service().template_service(tpl.id).get()
    assert got.status == types.TemplateStatus.OK
    assert vms.vm_service(vm0.id).get().status == types.VmStatus.UP
    assert len(system.templates_service().template_service(tpl.id)
               .disk_attachments_service().list()) == 1
