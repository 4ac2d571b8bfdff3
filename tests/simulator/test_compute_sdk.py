"""oVirt's compute systems, driven through the official SDK: HA and fencing, pinning,
affinity, the scheduler's policies, pools, quotas and the monitoring figures."""

from __future__ import annotations

import time

import httpx
import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from ovirtsim.testing import SimulatorHandle, run_simulator


def _vm(conn: sdk.Connection, name: str) -> types.Vm:
    return conn.system_service().vms_service().list(search=f"name={name}")[0]


def _host(conn: sdk.Connection, name: str) -> types.Host:
    return conn.system_service().hosts_service().list(search=f"name={name}")[0]


def _enable_pm(conn: sdk.Connection, host: types.Host) -> None:
    hs = conn.system_service().hosts_service().host_service(host.id)
    hs.fence_agents_service().add(types.Agent(address=f"ipmi.{host.name}", type="ipmilan",
                                              username="root", password="secret", order=1))
    hs.update(types.Host(power_management=types.PowerManagement(enabled=True)))


def _make_ha(conn: sdk.Connection, name: str, priority: int = 1) -> types.Vm:
    vm = _vm(conn, name)
    conn.system_service().vms_service().vm_service(vm.id).update(types.Vm(
        high_availability=types.HighAvailability(enabled=True, priority=priority)))
    return vm


def test_fence_status_needs_power_management(sdk_connection: sdk.Connection) -> None:
    host = _host(sdk_connection, "host2")
    hs = sdk_connection.system_service().hosts_service().host_service(host.id)
    with pytest.raises(sdk.Error, match="Power Management is not enabled"):
        hs.fence(fence_type="status")
    _enable_pm(sdk_connection, host)
    assert hs.fence(fence_type="status").status == types.PowerManagementStatus.ON
    assert [a.address for a in hs.fence_agents_service().list()] == ["ipmi.host2"]


def test_ha_vm_of_stopped_host_restarts_elsewhere(sdk_connection: sdk.Connection) -> None:
    host = _host(sdk_connection, "host2")            # runs vm3
    _enable_pm(sdk_connection, host)
    vm3 = _make_ha(sdk_connection, "vm3")
    hs = sdk_connection.system_service().hosts_service().host_service(host.id)
    hs.fence(fence_type="stop")
    assert hs.get().status == types.HostStatus.DOWN
    assert hs.fence(fence_type="status").status == types.PowerManagementStatus.OFF
    vm = sdk_connection.system_service().vms_service().vm_service(vm3.id).get()
    assert vm.status == types.VmStatus.UP
    assert vm.host.id != host.id
    events = [e.description for e in sdk_connection.system_service().events_service().list()]
    assert any("Highly Available VM vm3 failed" in d for d in events)
    hs.fence(fence_type="start")
    assert hs.get().status == types.HostStatus.UP


def test_non_ha_vm_of_stopped_host_goes_down(sdk_connection: sdk.Connection) -> None:
    host = _host(sdk_connection, "host1")            # runs vm1
    _enable_pm(sdk_connection, host)
    hs = sdk_connection.system_service().hosts_service().host_service(host.id)
    hs.fence(fence_type="restart")
    assert hs.get().status == types.HostStatus.UP
    vm1 = _vm(sdk_connection, "vm1")
    assert vm1.status == types.VmStatus.DOWN and vm1.host is None


def test_ha_vm_of_non_responsive_host_restarts(sim: SimulatorHandle,
                                               sdk_connection: sdk.Connection) -> None:
    host = _host(sdk_connection, "host2")
    _enable_pm(sdk_connection, host)
    vm3 = _make_ha(sdk_connection, "vm3")
    r = httpx.post(f"{sim.base}/sim/hosts/host2", json={"responsive": False})
    assert r.status_code == 200
    vm = sdk_connection.system_service().vms_service().vm_service(vm3.id).get()
    assert vm.status == types.VmStatus.UP and vm.host.id != host.id
    events = [e.description for e in sdk_connection.system_service().events_service().list()]
    assert "Host host2 is non responsive." in events
    assert "Host host2 is rebooting." in events


def test_failed_fence_leaves_vms_unknown(sim: SimulatorHandle,
                                         sdk_connection: sdk.Connection) -> None:
    host = _host(sdk_connection, "host2")
    _enable_pm(sdk_connection, host)
    _make_ha(sdk_connection, "vm3")
    httpx.post(f"{sim.base}/sim/hosts/host2", json={"fence_fails": True, "responsive": False})
    assert _host(sdk_connection, "host2").status == types.HostStatus.NON_RESPONSIVE
    assert _vm(sdk_connection, "vm3").status == types.VmStatus.UNKNOWN
    hs = sdk_connection.system_service().hosts_service().host_service(host.id)
    with pytest.raises(sdk.Error, match="Fence operation failed"):
        hs.fence(fence_type="restart")
    hs.fence(fence_type="manual")                    # the admin confirms the reboot
    vm3 = _vm(sdk_connection, "vm3")
    assert vm3.status == types.VmStatus.UP and vm3.host.id != host.id
    httpx.post(f"{sim.base}/sim/hosts/host2", json={"responsive": True, "fence_fails": False})
    assert _host(sdk_connection, "host2").status == types.HostStatus.UP


def test_without_power_management_vms_stay_unknown(sim: SimulatorHandle,
                                                   sdk_connection: sdk.Connection) -> None:
    _make_ha(sdk_connection, "vm3")
    httpx.post(f"{sim.base}/sim/hosts/host2", json={"responsive": False})
    assert _vm(sdk_connection, "vm3").status == types.VmStatus.UNKNOWN
    httpx.post(f"{sim.base}/sim/hosts/host2", json={"responsive": True})
    assert _vm(sdk_connection, "vm3").status == types.VmStatus.UP
    assert _vm(sdk_connection, "vm3").host.id == _host(sdk_connection, "host2").id


def test_pinned_vm_blocks_maintenance_and_migration(sdk_connection: sdk.Connection) -> None:
    vm1 = _vm(sdk_connection, "vm1")
    vms = sdk_connection.system_service().vms_service()
    vms.vm_service(vm1.id).update(types.Vm(placement_policy=types.VmPlacementPolicy(
        affinity=types.VmAffinity.PINNED, hosts=[types.Host(id=vm1.host.id)])))
    with pytest.raises(sdk.Error, match="non-migratable VMs are: vm1"):
        sdk_connection.system_service().hosts_service().host_service(vm1.host.id).deactivate()
    with pytest.raises(sdk.Error, match="VM is non migratable"):
        vms.vm_service(vm1.id).migrate()
    assert _vm(sdk_connection, "vm1").host.id == vm1.host.id


def test_negative_enforcing_group_keeps_vms_apart(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    cluster = system.clusters_service().list(search="name=Default")[0]
    groups = system.clusters_service().cluster_service(cluster.id).affinity_groups_service()
    group = groups.add(types.AffinityGroup(name="apart", vms_rule=types.AffinityRule(
        enabled=True, positive=False, enforcing=True)))
    members = groups.group_service(group.id).vms_service()
    vm0, vm2, vm4 = (_vm(sdk_connection, n) for n in ("vm0", "vm2", "vm4"))
    for vm in (vm0, vm2, vm4):
        members.add(types.Vm(id=vm.id))
    assert sorted(v.name for v in members.list()) == ["vm0", "vm2", "vm4"]
    for vm in (vm2, vm4):
        system.vms_service().vm_service(vm.id).start()
    hosts = [_vm(sdk_connection, n).host.id for n in ("vm0", "vm2", "vm4")]
    assert len(set(hosts)) == 3
    # a fourth member has nowhere to go: the filter refuses every host
    vm1 = _vm(sdk_connection, "vm1")
    system.vms_service().vm_service(vm1.id).stop()
    members.add(types.Vm(id=vm1.id))
    with pytest.raises(sdk.Error, match="VmAffinityGroups"):
        system.vms_service().vm_service(vm1.id).start()
    members.vm_service(vm1.id).remove()
    assert sorted(v.name for v in members.list()) == ["vm0", "vm2", "vm4"]


def test_positive_group_brings_vms_together(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    cluster = system.clusters_service().list(search="name=Default")[0]
    groups = system.clusters_service().cluster_service(cluster.id).affinity_groups_service()
    vm0, vm2 = _vm(sdk_connection, "vm0"), _vm(sdk_connection, "vm2")
    groups.add(types.AffinityGroup(name="together", positive=True, enforcing=True,
                                   vms=[types.Vm(id=vm0.id), types.Vm(id=vm2.id)]))
    system.vms_service().vm_service(vm2.id).start()
    assert _vm(sdk_connection, "vm2").host.id == vm0.host.id


def test_affinity_label_ties_vm_to_hosts(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    label = system.affinity_labels_service().add(types.AffinityLabel(name="gpu"))
    ls = system.affinity_labels_service().label_service(label.id)
    host2 = _host(sdk_connection, "host2")
    vm2 = _vm(sdk_connection, "vm2")
    ls.hosts_service().add(types.Host(id=host2.id))
    system.vms_service().vm_service(vm2.id).affinity_labels_service().add(
        types.AffinityLabel(id=label.id))
    assert [v.name for v in ls.vms_service().list()] == ["vm2"]
    system.vms_service().vm_service(vm2.id).start()
    assert _vm(sdk_connection, "vm2").host.id == host2.id


def test_scheduling_policies_and_units_are_listed(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    policies = {p.name: p for p in system.scheduling_policies_service().list()}
    assert set(policies) == {"none", "evenly_distributed", "power_saving",
                             "vm_evenly_distributed", "cluster_maintenance"}
    ps = system.scheduling_policies_service().policy_service(policies["power_saving"].id)
    props = {p.name: p.value for p in ps.get().properties}
    assert props["LowUtilization"] == "20" and props["HighUtilization"] == "80"
    assert "Memory" in [f.name for f in ps.filters_service().list()]
    assert [w.name for w in ps.weights_service().list()][0] == "OptimalForPowerSaving"
    assert [b.name for b in ps.balances_service().list()] == ["OptimalForPowerSaving"]
    units = system.scheduling_policy_units_service().list()
    kinds = {u.type for u in units}
    assert kinds == {types.PolicyUnitType.FILTER, types.PolicyUnitType.WEIGHT,
                     types.PolicyUnitType.LOAD_BALANCING}


def _set_policy(conn: sdk.Connection, name: str) -> None:
    system = conn.system_service()
    pol = next(p for p in system.scheduling_policies_service().list() if p.name == name)
    cluster = system.clusters_service().list(search="name=Default")[0]
    system.clusters_service().cluster_service(cluster.id).update(
        types.Cluster(scheduling_policy=types.SchedulingPolicy(id=pol.id)))


def _running_hosts(conn: sdk.Connection) -> set[str]:
    return {v.host.id for v in conn.system_service().vms_service().list(search="status=up")}


def test_power_saving_consolidates(sdk_connection: sdk.Connection) -> None:
    assert len(_running_hosts(sdk_connection)) == 3     # vm0, vm1, vm3 on three hosts
    _set_policy(sdk_connection, "power_saving")
    assert len(_running_hosts(sdk_connection)) < 3
    events = [e.description for e in sdk_connection.system_service().events_service().list()]
    assert any(d.startswith("Migration completed") for d in events)


def test_power_saving_places_on_busy_host(sdk_connection: sdk.Connection) -> None:
    _set_policy(sdk_connection, "power_saving")
    busy = _running_hosts(sdk_connection)
    vm2 = _vm(sdk_connection, "vm2")
    sdk_connection.system_service().vms_service().vm_service(vm2.id).start()
    assert _vm(sdk_connection, "vm2").host.id in busy


def test_even_distribution_spreads_new_vms(sdk_connection: sdk.Connection) -> None:
    _set_policy(sdk_connection, "vm_evenly_distributed")
    vms = sdk_connection.system_service().vms_service()
    for n in ("vm2", "vm4"):
        vms.vm_service(_vm(sdk_connection, n).id).start()
    counts: dict[str, int] = {}
    for v in vms.list(search="status=up"):
        counts[v.host.id] = counts.get(v.host.id, 0) + 1
    assert sorted(counts.values()) == [1, 2, 2]


def _user_connection(sim: SimulatorHandle) -> sdk.Connection:
    return sdk.Connection(url=sim.url, username="user@internal", password="user",
                          insecure=True)


def test_pool_of_three_and_allocation(sim: SimulatorHandle,
                                      sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    pools = system.vm_pools_service()
    pool = pools.add(types.VmPool(name="desk", size=3, prestarted_vms=1,
                                  cluster=types.Cluster(name="Default"),
                                  template=types.Template(name="centos9")))
    members = [v for v in system.vms_service().list() if v.vm_pool and
               v.vm_pool.id == pool.id]
    assert sorted(v.name for v in members) == ["desk-1", "desk-2", "desk-3"]
    assert all(v.stateless for v in members)
    assert all(v.template.id == system.templates_service().list(
        search="name=centos9")[0].id for v in members)
    assert sum(v.status == types.VmStatus.UP for v in members) == 1     # prestarted
    user = system.users_service().list(search="usrname=user@internal-authz")[0]
    role = next(r for r in system.roles_service().list() if r.name == "UserRole")
    pools.pool_service(pool.id).permissions_service().add(
        types.Permission(role=types.Role(id=role.id), user=types.User(id=user.id)))
    conn = _user_connection(sim)
    try:
        conn.system_service().vm_pools_service().pool_service(pool.id).allocate_vm()
        perms = system.users_service().user_service(user.id).permissions_service().list()
        given = [p.vm.id for p in perms if p.vm and p.vm.id in {v.id for v in members}]
        assert len(given) == 1                               # one VM is now the user's
        seen = conn.system_service().vms_service().vm_service(given[0]).get()
        assert seen.name.startswith("desk-") and seen.status == types.VmStatus.UP
        with pytest.raises(sdk.Error, match="maximum number of VMs"):
            conn.system_service().vm_pools_service().pool_service(pool.id).allocate_vm()
    finally:
        conn.close()
    pools.pool_service(pool.id).update(types.VmPool(size=5))
    members = [v for v in system.vms_service().list() if v.vm_pool and
               v.vm_pool.id == pool.id]
    assert len(members) == 5


def test_allocation_needs_a_permission_on_the_pool(sim: SimulatorHandle,
                                                   sdk_connection: sdk.Connection) -> None:
    pool = sdk_connection.system_service().vm_pools_service().add(types.VmPool(
        name="locked", size=1, cluster=types.Cluster(name="Default"),
        template=types.Template(name="centos9")))
    conn = _user_connection(sim)
    try:
        with pytest.raises(sdk.Error):
            conn.system_service().vm_pools_service().pool_service(pool.id).allocate_vm()
    finally:
        conn.close()


def test_enforced_quota_refuses_a_vm_over_its_limit(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    dc = system.data_centers_service().list(search="name=Default")[0]
    dcs = system.data_centers_service().data_center_service(dc.id)
    quota = dcs.quotas_service().add(types.Quota(name="small"))
    qs = dcs.quotas_service().quota_service(quota.id)
    qs.quota_cluster_limits_service().add(types.QuotaClusterLimit(memory_limit=2.0,
                                                                  vcpu_limit=-1))
    vms = system.vms_service()
    vm2, vm4 = _vm(sdk_connection, "vm2"), _vm(sdk_connection, "vm4")   # 3 GiB and 1 GiB
    for vm in (vm2, vm4):
        vms.vm_service(vm.id).update(types.Vm(quota=types.Quota(id=quota.id)))
    dcs.update(types.DataCenter(quota_mode=types.QuotaModeType.ENABLED))
    with pytest.raises(sdk.Error, match="Quota small memory limit exceeded"):
        vms.vm_service(vm2.id).start()
    vms.vm_service(vm4.id).start()                                       # 1 GiB fits
    assert _vm(sdk_connection, "vm4").status == types.VmStatus.UP
    limit = qs.quota_cluster_limits_service().list()[0]
    assert limit.memory_usage == 1.0
    dcs.update(types.DataCenter(quota_mode=types.QuotaModeType.AUDIT))
    vms.vm_service(vm2.id).start()                                       # audit: allowed
    assert _vm(sdk_connection, "vm2").status == types.VmStatus.UP
    events = [e.description for e in system.events_service().list()]
    assert any("audit mode" in d for d in events)


def test_instance_type_applied_at_creation(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    names = [i.name for i in system.instance_types_service().list()]
    assert names == ["Tiny", "Small", "Medium", "Large", "XLarge"]
    vm = system.vms_service().add(types.Vm(name="sized", cluster=types.Cluster(name="Default"),
                                           template=types.Template(name="Blank"),
                                           instance_type=types.InstanceType(name="Medium")))
    assert vm.memory == 4 * 2**30
    assert vm.cpu.topology.sockets == 2
    assert vm.instance_type.id == system.instance_types_service().list()[2].id


def test_cluster_mac_pool_is_used(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    pool = system.mac_pools_service().add(types.MacPool(name="pool2", ranges=[
        types.Range(from_="02:00:00:00:10:00", to="02:00:00:00:10:ff")]))
    cluster = system.clusters_service().list(search="name=Default")[0]
    system.clusters_service().cluster_service(cluster.id).update(
        types.Cluster(mac_pool=types.MacPool(id=pool.id)))
    vm2 = _vm(sdk_connection, "vm2")
    nics = system.vms_service().vm_service(vm2.id).nics_service()
    a = nics.add(types.Nic(name="nic2"))
    b = nics.add(types.Nic(name="nic3"))
    assert a.mac.address == "02:00:00:00:10:00" and b.mac.address == "02:00:00:00:10:01"


def _host_stat(conn: sdk.Connection, host_id: str, name: str) -> float:
    hs = conn.system_service().hosts_service().host_service(host_id)
    stat = next(s for s in hs.statistics_service().list() if s.name == name)
    return stat.values[0].datum


def test_host_memory_follows_its_vms(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    host = _host(sdk_connection, "host2")                   # runs vm3 (4 GiB)
    used = _host_stat(sdk_connection, host.id, "memory.used")
    sched = host.max_scheduling_memory
    assert host.summary.active == 1
    vm2 = _vm(sdk_connection, "vm2")                        # 3 GiB
    system.vms_service().vm_service(vm2.id).start(vm=types.Vm(placement_policy=
        types.VmPlacementPolicy(hosts=[types.Host(id=host.id)])))
    assert _host_stat(sdk_connection, host.id, "memory.used") == used + 3 * 2**30
    assert _host_stat(sdk_connection, host.id, "cpu.current.user") > 0
    again = _host(sdk_connection, "host2")
    assert again.summary.active == 2 and again.max_scheduling_memory == sched - 3 * 2**30
    system.vms_service().vm_service(vm2.id).stop()
    assert _host_stat(sdk_connection, host.id, "memory.used") == used
    assert _host(sdk_connection, "host2").max_scheduling_memory == sched


def test_vm_nic_and_disk_statistics_follow_state(sdk_connection: sdk.Connection) -> None:
    vms = sdk_connection.system_service().vms_service()
    vm0 = vms.vm_service(_vm(sdk_connection, "vm0").id)
    nic = vm0.nics_service().list()[0]
    nic_stats = vm0.nics_service().nic_service(nic.id).statistics_service()
    rx = {s.name: s.values[0].datum for s in nic_stats.list()}
    assert rx["data.current.rx"] > 0
    disk_id = vm0.disk_attachments_service().list()[0].id
    disk_stats = sdk_connection.system_service().disks_service().disk_service(
        disk_id).statistics_service()
    assert {s.name: s.values[0].datum for s in disk_stats.list()}["data.current.read"] > 0
    vm0.stop()
    assert {s.name: s.values[0].datum for s in nic_stats.list()}["data.current.rx"] == 0
    assert {s.name: s.values[0].datum for s in disk_stats.list()}["data.current.read"] == 0


def test_console_ports_are_distinct_on_a_host(sdk_connection: sdk.Connection) -> None:
    vms = sdk_connection.system_service().vms_service()
    vm0 = _vm(sdk_connection, "vm0")
    vm2 = _vm(sdk_connection, "vm2")
    vms.vm_service(vm2.id).start(vm=types.Vm(placement_policy=types.VmPlacementPolicy(
        hosts=[types.Host(id=vm0.host.id)])))
    ports = set()
    for vm in (vm0, vm2):
        consoles = vms.vm_service(vm.id).graphics_consoles_service()
        console = consoles.list(current=True)[0]
        ports.add((console.port, console.tls_port))
    assert len(ports) == 2


def test_cluster_maintenance_starts_only_ha_vms(sdk_connection: sdk.Connection) -> None:
    _set_policy(sdk_connection, "cluster_maintenance")
    vms = sdk_connection.system_service().vms_service()
    with pytest.raises(sdk.Error, match="ClusterInMaintenance"):
        vms.vm_service(_vm(sdk_connection, "vm2").id).start()
    vm4 = _make_ha(sdk_connection, "vm4")
    vms.vm_service(vm4.id).start()
    assert _vm(sdk_connection, "vm4").status == types.VmStatus.UP


def test_balancer_runs_periodically_with_a_time_scale() -> None:
    with run_simulator(seed="demo", time_scale=0.01) as sim:    # a run every 0.3 s
        conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
        try:
            _set_policy(conn, "power_saving")
            for _ in range(600):                   # waits for the outcome; asserts no time
                if len(_running_hosts(conn)) < 3 and not conn.system_service().vms_service(
                        ).list(search="status=migrating"):
                    break
                time.sleep(0.05)
            assert len(_running_hosts(conn)) < 3
        finally:
            conn.close()
