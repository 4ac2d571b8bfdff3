"""ovirt-sim answers as the engine does where real clients (SDK examples, Ansible's
ovirt.ovirt modules) read without checking: always-present sub-objects and sub-collections,
read through the official SDK."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest
from lxml import etree

from ovirtsim.testing import SimulatorHandle, run_simulator


@pytest.fixture(scope="module")
def demo() -> Iterator[SimulatorHandle]:
    with run_simulator(seed="demo", time_scale=0.0) as handle:
        yield handle


@pytest.fixture(scope="module")
def system(demo: SimulatorHandle) -> Iterator[sdk.services.SystemService]:
    conn = sdk.Connection(url=demo.url, username=demo.username, password=demo.password)
    yield conn.system_service()
    conn.close()


def _vm(system, name: str):  # type: ignore[no-untyped-def]
    vms = system.vms_service()
    vm = vms.list(search=f"name={name}")[0]
    return vm, vms.vm_service(vm.id)


def test_every_vm_has_one_cdrom_and_its_active_snapshot(system) -> None:  # type: ignore[no-untyped-def]
    _vm0, svc = _vm(system, "vm0")
    assert len(svc.cdroms_service().list()) == 1
    snaps = svc.snapshots_service().list()
    assert [(s.description, s.snapshot_type) for s in snaps] == \
        [("Active VM", types.SnapshotType.ACTIVE)]
    new = system.vms_service().add(types.Vm(name="fresh", cluster=types.Cluster(name="Default"),
                                            template=types.Template(name="Blank")))
    fresh = system.vms_service().vm_service(new.id)
    assert len(fresh.cdroms_service().list()) == 1
    assert [s.description for s in fresh.snapshots_service().list()] == ["Active VM"]
    assert new.console is not None and new.console.enabled is False


def test_hosts_and_clusters_carry_what_clients_read(system) -> None:  # type: ignore[no-untyped-def]
    for host in system.hosts_service().list():
        assert host.os.custom_kernel_cmdline == ""
        assert host.power_management.enabled is False
        assert host.ksm.enabled is False
    for cluster in system.clusters_service().list():
        assert cluster.ksm.enabled is False
        assert cluster.required_rng_sources == [types.RngSource.URANDOM]
        assert cluster.scheduling_policy.id
    added = system.clusters_service().add(types.Cluster(
        name="c2", data_center=types.DataCenter(name="Default"),
        cpu=types.Cpu(type="Intel Nehalem Family")))
    assert added.ksm is not None and added.scheduling_policy is not None


def test_templates_carry_bios_usb_io_sso(system) -> None:  # type: ignore[no-untyped-def]
    for tpl in system.templates_service().list():
        assert tpl.bios.boot_menu.enabled is False, tpl.name
        assert tpl.usb.enabled is False
        assert tpl.io.threads == 1
        assert tpl.sso.methods[0].id == types.SsoMethod.GUEST_AGENT


def test_all_content_shows_the_vm_ovf(system) -> None:  # type: ignore[no-untyped-def]
    _vm0, svc = _vm(system, "vm0")
    assert svc.get().initialization is None
    cfg = svc.get(all_content=True).initialization.configuration
    assert cfg.type == types.ConfigurationType.OVF
    ovf = etree.fromstring(cfg.data.encode())
    assert ovf.tag.endswith("Envelope")
    assert "vm0" in cfg.data


def test_storage_domain_lists_vms_and_templates_with_disks_on_it(system) -> None:  # type: ignore[no-untyped-def]
    sds = system.storage_domains_service()
    sd = sds.list(search="name=data")[0]
    svc = sds.storage_domain_service(sd.id)
    vms = sorted(v.name for v in svc.vms_service().list())
    assert {"vm0", "vm1", "vm2", "vm3", "vm4"} <= set(vms)
    assert "centos9" in [t.name for t in svc.templates_service().list()]
    assert "Blank" not in [t.name for t in svc.templates_service().list()]


# --- search fields as the engine documents them ----------------------------------------------


@pytest.mark.parametrize(
    "collection, query, names",
    [
        ("clusters", "Clusters.name=Default", ["Default"]),
        ("datacenters", "Clusters.name=Default", ["Default"]),
        ("datacenters", "Clusters.name=nosuch", []),
        ("clusters", "Default", ["Default"]),
        ("clusters", "efaul", ["Default"]),
        ("clusters", "nosuchcluster", []),
        ("networks", "datacenter=Default", ["ovirtmgmt"]),
        ("networks", "datacenter=Other", []),
        ("templates", "vm.name=vm0", ["Blank"]),
        ("templates", "Vms.name=nosuch", []),
        ("disks", "vm_names=vm0", ["vm0_disk"]),
        ("disks", "vms.name=vm1", ["vm1_disk"]),
        ("vms", "pool=nosuchpool", []),
        ("vms", "Vms.name=vm2", ["vm2"]),
    ],
)
def test_search_fields_and_free_text(demo: SimulatorHandle, collection: str, query: str,
                                     names: list[str]) -> None:
    r = httpx.get(f"{demo.url}/{collection}", params={"search": query},
                  auth=(demo.username, demo.password))
    assert r.status_code == 200, r.text
    assert sorted(e.findtext("name") for e in etree.fromstring(r.content)) == names


def test_disks_by_storage_name_through_the_sdk(system) -> None:  # type: ignore[no-untyped-def]
    disks = system.disks_service()
    on_data = disks.list(search="Storage.name=data")
    assert len(on_data) >= 6 and len(on_data) == len(disks.list())
    assert disks.list(search="Storage.name=elsewhere") == []


@pytest.mark.parametrize("query, detail", [("bogus=1", "$bogus$=1"), ("name", "$name$"),
                                           ("vms.bogus=1", "$vms.bogus$=1")])
def test_unknown_search_field_is_the_engines_fault(demo: SimulatorHandle, query: str,
                                                   detail: str) -> None:
    r = httpx.get(f"{demo.url}/vms", params={"search": query},
                  auth=(demo.username, demo.password))
    assert r.status_code == 400
    fault = etree.fromstring(r.content)
    assert (fault.findtext("reason"), fault.findtext("detail")) == ("Operation Failed", detail)


# --- behaviour --------------------------------------------------------------------------------


def test_template_from_a_vm_given_by_name(system) -> None:  # type: ignore[no-untyped-def]
    tpl = system.templates_service().add(types.Template(name="from_vm2", vm=types.Vm(name="vm2")))
    assert tpl.name == "from_vm2"
    with pytest.raises(sdk.NotFoundError):
        system.templates_service().add(types.Template(name="x", vm=types.Vm(name="nosuchvm")))


def test_removing_a_vm_removes_its_disks_unless_detach_only(demo: SimulatorHandle,
                                                             system) -> None:  # type: ignore[no-untyped-def]
    vms = system.vms_service()
    for name in ("gone1", "gone2"):
        vms.add(types.Vm(name=name, cluster=types.Cluster(name="Default"),
                         template=types.Template(name="centos9")))
    names = {d.name for d in system.disks_service().list()}
    assert {"gone1_Disk1", "gone2_Disk1"} <= names
    vms.vm_service(vms.list(search="name=gone1")[0].id).remove()
    vms.vm_service(vms.list(search="name=gone2")[0].id).remove(detach_only=True)
    names = {d.name for d in system.disks_service().list()}
    assert "gone1_Disk1" not in names and "gone2_Disk1" in names


def test_storage_domain_deactivate_and_activate_in_its_data_center(system) -> None:  # type: ignore[no-untyped-def]
    dc = system.data_centers_service().list(search="name=Default")[0]
    sd = system.storage_domains_service().list(search="name=data")[0]
    attached = system.data_centers_service().data_center_service(dc.id) \
        .storage_domains_service().storage_domain_service(sd.id)
    attached.deactivate()
    assert attached.get().status == types.StorageDomainStatus.MAINTENANCE
    attached.activate()
    assert attached.get().status == types.StorageDomainStatus.ACTIVE


def test_a_clone_from_a_template_is_linked_to_blank(system) -> None:  # type: ignore[no-untyped-def]
    vms = system.vms_service()
    vm = vms.add(types.Vm(name="clone1", cluster=types.Cluster(name="Default"),
                          template=types.Template(name="centos9")), clone=True)
    tpl = system.templates_service().list(search="name=centos9")[0]
    assert vm.template.id == "00000000-0000-0000-0000-000000000000"
    assert vm.original_template.id == tpl.id
    disks = vms.vm_service(vm.id).disk_attachments_service().list()
    assert len(disks) == 1


def test_an_existing_vm_joins_an_affinity_group_and_label(system) -> None:  # type: ignore[no-untyped-def]
    vm2 = system.vms_service().list(search="name=vm2")[0]
    before = len(system.vms_service().list())
    cluster = system.clusters_service().list(search="name=Default")[0]
    groups = system.clusters_service().cluster_service(cluster.id).affinity_groups_service()
    group = groups.add(types.AffinityGroup(name="ag_members"))
    members = groups.group_service(group.id).vms_service()
    assert members.list() == []
    members.add(types.Vm(id=vm2.id))
    assert [v.name for v in members.list()] == ["vm2"]
    assert [v.id for v in groups.group_service(group.id).get().vms] == [vm2.id]
    members.vm_service(vm2.id).remove()
    assert members.list() == []
    labels = system.affinity_labels_service()
    label = labels.add(types.AffinityLabel(name="label_members"))
    labels.label_service(label.id).vms_service().add(types.Vm(id=vm2.id))
    assert [v.name for v in labels.label_service(label.id).vms_service().list()] == ["vm2"]
    assert len(system.vms_service().list()) == before  # membership, never a new VM
    assert system.vms_service().vm_service(vm2.id).get().name == "vm2"


def test_external_template_import_names_a_new_template(system) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sdk.Error) as err:  # no such OVA on the host: refused for that reason
        system.external_template_imports_service().add(types.ExternalTemplateImport(
            template=types.Template(name="imported"), url="ova:///images/x.ova",
            cluster=types.Cluster(name="Default"), storage_domain=types.StorageDomain(name="data"),
            host=types.Host(name="host0")))
    assert "Entity not found" not in str(err.value) and "OVA" in str(err.value)


def test_template_versions_share_the_base_name(system) -> None:  # type: ignore[no-untyped-def]
    templates = system.templates_service()
    base = templates.add(types.Template(name="versioned", vm=types.Vm(name="vm4")))
    assert base.version.version_number == 1
    sub = templates.add(types.Template(
        name="versioned", vm=types.Vm(name="vm4"),
        version=types.TemplateVersion(base_template=types.Template(id=base.id),
                                      version_name="second")))
    assert sub.name == "versioned"
    assert (sub.version.version_number, sub.version.version_name) == (2, "second")
    assert sub.version.base_template.id == base.id
    with pytest.raises(sdk.Error, match="name is already in use"):
        templates.add(types.Template(name="versioned", vm=types.Vm(name="vm4")))


def test_a_vm_from_a_snapshot_needs_no_template(system) -> None:  # type: ignore[no-untyped-def]
    vms = system.vms_service()
    src = vms.list(search="name=vm2")[0]
    snaps = vms.vm_service(src.id).snapshots_service()
    snap = snaps.add(types.Snapshot(description="for_copy"))
    vm = vms.add(types.Vm(name="from_snapshot", cluster=types.Cluster(name="Default"),
                          snapshots=[types.Snapshot(id=snap.id)]))
    assert vm.name == "from_snapshot" and vm.memory == src.memory
    assert len(vms.vm_service(vm.id).disk_attachments_service().list()) == 1
    with pytest.raises(sdk.NotFoundError):
        vms.add(types.Vm(name="x", cluster=types.Cluster(name="Default"),
                         snapshots=[types.Snapshot(id="00000000-0000-0000-0000-00000000abcd")]))


def test_direct_lun_disk(system) -> None:  # type: ignore[no-untyped-def]
    disk = system.disks_service().add(types.Disk(alias="lun1", lun_storage=types.HostStorage(
        type=types.StorageType.ISCSI, logical_units=[types.LogicalUnit(
            id="36001405abcdef", address="10.0.0.1", port=3260, target="iqn.2026-01.x:t",
            size=2**30)])))
    got = system.disks_service().disk_service(disk.id).get()
    assert got.storage_type == types.DiskStorageType.LUN
    assert got.lun_storage.logical_units[0].id == "36001405abcdef"
    assert got.provisioned_size == 2**30
    with pytest.raises(sdk.Error, match="lun_storage.logical_units"):
        system.disks_service().add(types.Disk(alias="lun2", lun_storage=types.HostStorage(
            type=types.StorageType.ISCSI)))


def test_the_engines_predefined_roles(system) -> None:  # type: ignore[no-untyped-def]
    names = {r.name for r in system.roles_service().list()}
    assert {"SuperUser", "UserRole", "GlusterAdmin", "VmPoolAdmin", "DiskOperator",
            "VnicProfileUser", "QuotaConsumer", "TagManager"} <= names
    assert len(names) >= 37


def test_users_and_groups_are_looked_up_in_the_directory(system) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sdk.Error, match="No such user: joe@nowhere in domain nowhere"):
        system.users_service().add(types.User(user_name="joe@nowhere",
                                              domain=types.Domain(name="nowhere")))
    with pytest.raises(sdk.Error, match="No such user: ghost@internal"):
        system.users_service().add(types.User(user_name="ghost@internal",
                                              domain=types.Domain(name="internal-authz")))
    with pytest.raises(sdk.Error, match="No such group: admins in domain internal-authz"):
        system.groups_service().add(types.Group(name="admins",
                                                domain=types.Domain(name="internal-authz")))


def test_image_transfers_and_backups_start_in_a_phase(system) -> None:  # type: ignore[no-untyped-def]
    disk = system.disks_service().list(search="name=vm2_disk")[0]
    transfer = system.image_transfers_service().add(types.ImageTransfer(
        disk=types.Disk(id=disk.id)))
    assert transfer.phase in (types.ImageTransferPhase.INITIALIZING,
                              types.ImageTransferPhase.TRANSFERRING)
    vm2 = system.vms_service().list(search="name=vm2")[0]
    backup = system.vms_service().vm_service(vm2.id).backups_service().add(
        types.Backup(disks=[types.Disk(id=disk.id)]))
    assert backup.phase in (types.BackupPhase.INITIALIZING, types.BackupPhase.READY)
