"""What Ansible's ovirt.ovirt modules found, read through the official SDK: the
sub-objects their idempotency checks read, the directory they add users and groups from,
the permits they name, and disks that must go with the template that owns them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from ovirtsim.testing import SimulatorHandle, run_simulator


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with run_simulator(seed="demo", time_scale=0.0) as handle:
        yield handle


@pytest.fixture
def system(sim: SimulatorHandle) -> Iterator[sdk.services.SystemService]:
    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    yield conn.system_service()
    conn.close()


def test_a_new_cluster_reads_like_the_engines(system) -> None:  # type: ignore[no-untyped-def]
    # ovirt_cluster's second run compares these without checking they exist
    added = system.clusters_service().add(types.Cluster(
        name="c2", data_center=types.DataCenter(name="Default"),
        cpu=types.Cpu(type="Intel Nehalem Family")))
    cluster = system.clusters_service().cluster_service(added.id).get()
    fencing = cluster.fencing_policy
    assert fencing.enabled is True
    assert fencing.skip_if_sd_active.enabled is False
    assert fencing.skip_if_connectivity_broken.enabled is False
    assert fencing.skip_if_connectivity_broken.threshold == 50
    assert cluster.migration.bandwidth.assignment_method == types.MigrationBandwidthAssignmentMethod.AUTO
    assert cluster.cpu.architecture == types.Architecture.X86_64
    assert cluster.switch_type == types.SwitchType.LEGACY
    assert (cluster.virt_service, cluster.gluster_service) == (True, False)
    assert cluster.threads_as_cores is False and cluster.ha_reservation is False
    default_pool = next(p for p in system.mac_pools_service().list() if p.default_pool)
    assert cluster.mac_pool.id == default_pool.id
    # what was asked is kept
    assert cluster.cpu.type == "Intel Nehalem Family"


def test_cluster_levels_list_the_permits(system) -> None:  # type: ignore[no-untyped-def]
    # ovirt_role maps permit names to ids through a cluster level
    permits = {p.name: p.id for p in system.cluster_levels_service().level_service("4.3").get().permits}
    assert permits["login"] == "1300" and permits["create_vm"] == "1"
    role = system.roles_service().add(types.Role(
        name="starter", administrative=False,
        permits=[types.Permit(id=permits[n]) for n in ("login", "run_vm")]))
    read = system.roles_service().role_service(role.id).permits_service().list()
    assert sorted(p.name for p in read) == ["login", "run_vm"]


def test_the_directory_lists_users_and_groups_to_add(system) -> None:  # type: ignore[no-untyped-def]
    domain = next(d for d in system.domains_service().list() if d.name == "internal-authz")
    dsvc = system.domains_service().domain_service(domain.id)
    assert {"admin", "user", "jdoe", "asmith"} <= {u.name for u in dsvc.users_service().list()}
    assert {"ops", "developers"} <= {g.name for g in dsvc.groups_service().list()}
    user = system.users_service().add(types.User(
        user_name="jdoe@internal-authz", domain=types.Domain(name="internal-authz")))
    assert (user.principal, user.user_name) == ("jdoe", "jdoe@internal-authz")
    assert user.domain.id == domain.id
    group = system.groups_service().add(types.Group(
        name="ops", domain=types.Domain(name="internal-authz")))
    assert group.name == "ops" and group.domain.id == domain.id
    assert [u.principal for u in system.users_service().list(search="usrname=jdoe*")] == ["jdoe"]


def test_a_directory_user_with_a_permission_logs_in(sim: SimulatorHandle, system) -> None:  # type: ignore[no-untyped-def]
    user = system.users_service().add(types.User(
        user_name="jdoe@internal-authz", domain=types.Domain(name="internal-authz")))
    vm = system.vms_service().list(search="name=vm1")[0]
    system.vms_service().vm_service(vm.id).permissions_service().add(types.Permission(
        role=types.Role(name="UserRole"), user=types.User(id=user.id)))
    conn = sdk.Connection(url=sim.url, username="jdoe@internal", password="jdoe")
    try:
        assert [v.name for v in conn.system_service().vms_service().list()] == ["vm1"]
    finally:
        conn.close()


def test_removing_a_template_removes_its_disks(system) -> None:  # type: ignore[no-untyped-def]
    vms = system.vms_service()
    vm = vms.add(types.Vm(name="src", cluster=types.Cluster(name="Default"),
                          template=types.Template(name="Blank")))
    att = vms.vm_service(vm.id).disk_attachments_service().add(types.DiskAttachment(
        disk=types.Disk(name="srcdisk", provisioned_size=2**30, format=types.DiskFormat.COW,
                        storage_domains=[types.StorageDomain(name="data")]),
        interface=types.DiskInterface.VIRTIO, bootable=True, active=True))
    template = system.templates_service().add(types.Template(name="t1", vm=types.Vm(id=vm.id)))
    tsvc = system.templates_service().template_service(template.id)
    copies = [a.id for a in tsvc.disk_attachments_service().list()]
    assert len(copies) == 1 and copies[0] != att.id
    disks = system.disks_service()
    # the copy keeps the alias (as the engine's does) but is an image of its own
    assert disks.disk_service(copies[0]).get().name == "srcdisk"
    assert disks.disk_service(copies[0]).get().image_id != disks.disk_service(att.id).get().image_id
    tsvc.remove()
    assert [d.id for d in disks.list(search="name=srcdisk")] == [att.id]


def test_engine_options_by_cluster_level(system) -> None:  # type: ignore[no-untyped-def]
    # the hosted-engine role reads its CPU and machine types from these
    options = system.options_service()
    cpus = options.option_service("ServerCPUList").get(version="4.7")
    assert [v.version for v in cpus.values] == ["4.7"]
    names = [entry.split(":")[1] for entry in cpus.values[0].value.split("; ") if entry]
    levels = system.cluster_levels_service().level_service("4.7").get()
    assert names == [c.name for c in levels.cpu_types]
    machines = options.option_service("ClusterEmulatedMachines").get(version="4.7")
    assert machines.values[0].value.startswith("pc-q35-")
    assert len(options.option_service("ServerCPUList").get().values) == 6
    with pytest.raises(sdk.NotFoundError):
        options.option_service("NoSuchOption").get()


def test_iscsi_discovery_login_and_host_storage(system) -> None:  # type: ignore[no-untyped-def]
    hosts = system.hosts_service()
    host = hosts.host_service(hosts.list(search="name=host0")[0].id)
    portal = types.IscsiDetails(address="192.0.2.10")
    target = host.iscsi_discover(iscsi=portal)[0]
    found = host.discover_iscsi(iscsi=portal)
    assert [(d.address, d.port, d.target) for d in found] == [("192.0.2.10", 3260, target)]
    assert host.storage_service().list() == []  # no session yet
    with pytest.raises(sdk.Error, match="Failed to setup iSCSI subsystem"):
        host.iscsi_login(iscsi=types.IscsiDetails(address="192.0.2.10", target="iqn.other"))
    host.iscsi_login(iscsi=types.IscsiDetails(address="192.0.2.10", target=target))
    luns = host.storage_service().list()
    assert [lun.logical_units[0].size for lun in luns] == [50 * 2**30, 100 * 2**30, 200 * 2**30]
    assert {lun.logical_units[0].status for lun in luns} == {types.LunStatus.FREE}
    domain = system.storage_domains_service().add(types.StorageDomain(
        name="san1", type=types.StorageDomainType.DATA, host=types.Host(name="host0"),
        storage=types.HostStorage(type=types.StorageType.ISCSI, logical_units=[
            types.LogicalUnit(id=luns[1].id, address="192.0.2.10", port=3260, target=target)])))
    units = [lun.logical_units[0] for lun in host.storage_service().list()]
    assert [(u.status, u.storage_domain_id) for u in units] == [
        (types.LunStatus.FREE, None), (types.LunStatus.USED, domain.id),
        (types.LunStatus.FREE, None)]
    hosts.host_service(hosts.list(search="name=host2")[0].id).deactivate()
    with pytest.raises(sdk.Error, match="Host status must be Up"):
        hosts.host_service(hosts.list(search="name=host2")[0].id).iscsi_discover(iscsi=portal)


def test_sync_all_networks_of_a_host_and_a_cluster(sim: SimulatorHandle, system) -> None:  # type: ignore[no-untyped-def]
    hosts = system.hosts_service()
    host = hosts.host_service(hosts.list(search="name=host0")[0].id)
    host.sync_all_networks()
    assert [a.in_sync for a in host.network_attachments_service().list()] == [True]
    cluster = system.clusters_service().list(search="name=Default")[0]
    system.clusters_service().cluster_service(cluster.id).sync_all_networks()
    # a host that does not answer cannot be synchronised (the cluster skips it)
    assert httpx.post(f"{sim.base}/sim/hosts/host1", json={"responsive": False}).status_code == 200
    unreachable = hosts.host_service(hosts.list(search="name=host1")[0].id)
    assert unreachable.get().status != types.HostStatus.UP
    with pytest.raises(sdk.Error, match="Host status must be Up, Maintenance or NonOperational"):
        unreachable.sync_all_networks()
    system.clusters_service().cluster_service(cluster.id).sync_all_networks()


def test_a_groups_permission_is_its_members(sim: SimulatorHandle, system) -> None:  # type: ignore[no-untyped-def]
    def vms_seen_by(user: str) -> list[str] | None:
        try:
            conn = sdk.Connection(url=sim.url, username=f"{user}@internal", password=user)
            try:
                return sorted(v.name for v in conn.system_service().vms_service().list())
            finally:
                conn.close()
        except sdk.AuthError:
            return None

    assert vms_seen_by("asmith") is None  # in the directory, but no permission anywhere
    group = system.groups_service().add(types.Group(
        name="ops", domain=types.Domain(name="internal-authz")))
    vm = system.vms_service().list(search="name=vm2")[0]
    system.vms_service().vm_service(vm.id).permissions_service().add(types.Permission(
        role=types.Role(name="UserRole"), group=types.Group(id=group.id)))
    # asmith is a member of ops: the first login makes it an engine user with ops' rights
    assert vms_seen_by("asmith") == ["vm2"]
    assert [u.principal for u in system.users_service().list(search="usrname=asmith*")] == \
        ["asmith"]
    assert vms_seen_by("asmith") == ["vm2"]  # and again, as the same user
    # user is not in ops: only its own permission (UserRole on vm0)
    assert vms_seen_by("user") == ["vm0"]
    with httpx.Client(base_url=sim.base) as control:
        assert control.post("/sim/directory/groups", json={
            "name": "ops", "members": ["user"]}).status_code == 201
        assert control.post("/sim/directory/users", json={
            "name": "x", "members": ["user"]}).status_code == 400
    assert vms_seen_by("user") == ["vm0", "vm2"]


def test_cluster_policy_properties_and_upgrade_mode(system) -> None:  # type: ignore[no-untyped-def]
    clusters = system.clusters_service()
    added = clusters.add(types.Cluster(
        name="c2", data_center=types.DataCenter(name="Default"),
        cpu=types.Cpu(type="Intel Nehalem Family"),
        scheduling_policy=types.SchedulingPolicy(name="evenly_distributed")))
    props = {p.name: p.value for p in added.custom_scheduling_policy_properties}
    assert props == {"CpuOverCommitDurationMinutes": "2", "HighUtilization": "80"}
    cluster = clusters.cluster_service(added.id)
    cluster.update(types.Cluster(scheduling_policy=types.SchedulingPolicy(
        name="vm_evenly_distributed")))  # a new policy brings its own properties
    assert {p.name for p in cluster.get().custom_scheduling_policy_properties} == {
        "HighVmCount", "MigrationThreshold", "SpmVmGrace"}
    # the upgrade mode a rolling upgrade tool sets (Ansible's cluster_upgrade role)
    assert cluster.get().upgrade_in_progress is False
    cluster.upgrade(upgrade_action=types.ClusterUpgradeAction.START)
    cluster.upgrade(upgrade_action=types.ClusterUpgradeAction.UPDATE_PROGRESS,
                    upgrade_percent_complete=40)
    got = cluster.get()
    assert (got.upgrade_in_progress, got.upgrade_percent_complete) == (True, 40)
    with pytest.raises(sdk.Error, match="already being upgraded"):
        cluster.upgrade(upgrade_action=types.ClusterUpgradeAction.START)
    cluster.upgrade(upgrade_action=types.ClusterUpgradeAction.FINISH)
    assert cluster.get().upgrade_in_progress is False
    with pytest.raises(sdk.Error, match="not being upgraded"):
        cluster.upgrade(upgrade_action=types.ClusterUpgradeAction.FINISH)
