"""The official Python SDK (ovirtsdk4) works against the simulator unchanged."""

from __future__ import annotations

import time

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from ovirtsim.testing import SimulatorHandle, run_simulator


def test_connect_and_system(sdk_connection: sdk.Connection) -> None:
    assert sdk_connection.test(raise_exception=True)
    api = sdk_connection.system_service().get()
    assert api.product_info.name == "oVirt Engine"
    assert api.product_info.vendor == "ovirt.org"
    assert api.product_info.version.major == 4
    assert api.product_info.version.minor == 6
    assert api.summary.vms.total == 5
    assert api.special_objects.blank_template.id == "00000000-0000-0000-0000-000000000000"


def test_list_and_search_vms(sdk_connection: sdk.Connection) -> None:
    vms_service = sdk_connection.system_service().vms_service()
    names = sorted(vm.name for vm in vms_service.list())
    assert names == ["vm0", "vm1", "vm2", "vm3", "vm4"]
    found = vms_service.list(search="name=vm*")
    assert len(found) == 5
    up = vms_service.list(search="status=up")
    assert sorted(v.name for v in up) == ["vm0", "vm1", "vm3"]
    assert all(v.status == types.VmStatus.UP for v in up)
    one = vms_service.list(search="name=vm2")
    assert [v.name for v in one] == ["vm2"]
    assert one[0].cluster.id
    assert vms_service.list(max=2).__len__() == 2


def test_vm_add_get_update_remove(sdk_connection: sdk.Connection) -> None:
    vms_service = sdk_connection.system_service().vms_service()
    vm = vms_service.add(types.Vm(
        name="web1",
        cluster=types.Cluster(name="Default"),
        template=types.Template(name="Blank"),
    ))
    assert vm.id and vm.name == "web1"
    assert vm.status == types.VmStatus.DOWN
    vm_service = vms_service.vm_service(vm.id)
    got = vm_service.get()
    assert got.name == "web1"
    assert got.template.id == "00000000-0000-0000-0000-000000000000"
    updated = vm_service.update(types.Vm(
        memory=2 * 2**30,
        cpu=types.Cpu(topology=types.CpuTopology(cores=2, sockets=2, threads=1)),
    ))
    assert updated.memory == 2 * 2**30
    assert updated.cpu.topology.cores == 2 and updated.cpu.topology.sockets == 2
    again = vm_service.get()
    assert again.memory == 2 * 2**30 and again.name == "web1"
    vm_service.remove()
    with pytest.raises(sdk.NotFoundError):
        vm_service.get()


def test_add_nic_with_profile(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    profile = next(p for p in system.vnic_profiles_service().list() if p.name == "ovirtmgmt")
    vm = system.vms_service().list(search="name=vm2")[0]
    nics_service = system.vms_service().vm_service(vm.id).nics_service()
    nic = nics_service.add(types.Nic(name="nic2", vnic_profile=types.VnicProfile(id=profile.id)))
    assert nic.name == "nic2" and nic.vnic_profile.id == profile.id
    assert nic.mac.address
    names = sorted(n.name for n in nics_service.list())
    assert names == ["nic1", "nic2"]


def test_duplicate_name_is_conflict(sdk_connection: sdk.Connection) -> None:
    vms_service = sdk_connection.system_service().vms_service()
    with pytest.raises(sdk.Error) as err:
        vms_service.add(types.Vm(name="vm0", cluster=types.Cluster(name="Default"),
                                 template=types.Template(name="Blank")))
    assert err.value.code == 409
    assert "The VM name is already in use" in str(err.value)


def test_start_reaches_up_through_intermediate_states() -> None:
    with run_simulator(seed="demo", time_scale=0.5) as handle:
        conn = sdk.Connection(url=handle.url, username=handle.username,
                              password=handle.password, insecure=True)
        try:
            vms_service = conn.system_service().vms_service()
            vm = vms_service.list(search="name=vm2")[0]
            assert vm.status == types.VmStatus.DOWN
            vm_service = vms_service.vm_service(vm.id)
            vm_service.start()
            seen = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status = vm_service.get().status
                if not seen or seen[-1] != status:
                    seen.append(status)
                if status == types.VmStatus.UP:
                    break
                time.sleep(0.05)
            assert seen[-1] == types.VmStatus.UP
            assert types.VmStatus.WAIT_FOR_LAUNCH in seen or types.VmStatus.POWERING_UP in seen
            running = vm_service.get()
            assert running.host is not None
            with pytest.raises(sdk.Error) as err:
                vm_service.start()
            assert "[Cannot run VM. VM is running.]" in str(err.value)
        finally:
            conn.close()


def test_start_schedules_on_host_with_most_free_memory(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    hosts = {h.id: h.name for h in system.hosts_service().list()}
    vm = system.vms_service().list(search="name=vm2")[0]
    vm_service = system.vms_service().vm_service(vm.id)
    vm_service.start()
    started = vm_service.get()
    assert started.status == types.VmStatus.UP
    assert hosts[started.host.id] == "host0"  # 64 GiB, the most free memory


def test_events_and_jobs(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    before = system.events_service().list()
    assert before and all(e.id.isdigit() for e in before)
    vm = system.vms_service().list(search="name=vm4")[0]
    system.vms_service().vm_service(vm.id).start()
    after = system.events_service().list()
    assert len(after) > len(before)
    assert any("vm4" in (e.description or "") for e in after)
    jobs = system.jobs_service().list()
    assert any(j.description == "Launching VM vm4" and j.status == types.JobStatus.FINISHED
               for j in jobs)


def test_missing_id_raises_not_found(sdk_connection: sdk.Connection) -> None:
    vms_service = sdk_connection.system_service().vms_service()
    with pytest.raises(sdk.NotFoundError):
        vms_service.vm_service("11111111-2222-3333-4444-555555555555").get()


def test_wrong_password_raises_auth_error(sim: SimulatorHandle) -> None:
    conn = sdk.Connection(url=sim.url, username=sim.username, password="wrong", insecure=True)
    with pytest.raises(sdk.AuthError):
        conn.system_service().get()
    conn.close(logout=False)


def test_close_revokes_token(sim: SimulatorHandle) -> None:
    import httpx

    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password,
                          insecure=True)
    conn.system_service().get()
    token = conn.authenticate()
    assert httpx.get(sim.url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    conn.close()
    reused = httpx.get(sim.url, headers={"Authorization": f"Bearer {token}"})
    assert reused.status_code == 401


def test_follow_and_disk_attachments(sdk_connection: sdk.Connection) -> None:
    vms_service = sdk_connection.system_service().vms_service()
    vm = vms_service.list(search="name=vm0", follow="disk_attachments.disk,nics")[0]
    assert len(vm.nics) == 1 and vm.nics[0].name == "nic1"
    att = vm.disk_attachments[0]
    assert att.disk.name == "vm0_disk" and att.disk.provisioned_size > 0
    disk = sdk_connection.follow_link(att.disk)
    assert disk.status == types.DiskStatus.OK


def test_sdk_logs_in_again_after_token_expiry(sim: SimulatorHandle,
                                              sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    assert system.get().product_info.version.major == 4
    sim.expire_tokens()
    assert len(system.vms_service().list()) == 5  # the SDK re-authenticates once on 401


def test_reset_restores_seed(sim: SimulatorHandle, sdk_connection: sdk.Connection) -> None:
    vms_service = sdk_connection.system_service().vms_service()
    vms_service.add(types.Vm(name="tmp", cluster=types.Cluster(name="Default"),
                             template=types.Template(name="Blank")))
    assert len(vms_service.list()) == 6
    sim.reset()
    assert sorted(v.name for v in vms_service.list()) == ["vm0", "vm1", "vm2", "vm3", "vm4"]
