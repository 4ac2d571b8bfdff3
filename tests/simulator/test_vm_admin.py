"""Administrative VM actions through the official SDK: detach from a pool, hosted-engine
maintenance, MAC reordering, CPU/NUMA auto-pinning, logon, a cluster's emulated machine reset
and a console's websocket-proxy ticket — each with a refusal the engine makes."""

from __future__ import annotations

import base64
import json
from urllib.parse import unquote

import httpx
import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from ovirtsim.testing import SimulatorHandle


def _vm(conn: sdk.Connection, name: str) -> types.Vm:
    return conn.system_service().vms_service().list(search=f"name={name}")[0]


def _vm_service(conn: sdk.Connection, name: str):  # type: ignore[no-untyped-def]
    return conn.system_service().vms_service().vm_service(_vm(conn, name).id)


def _events(conn: sdk.Connection) -> list[types.Event]:
    return conn.system_service().events_service().list()


def _pool(conn: sdk.Connection, name: str, size: int) -> types.VmPool:
    return conn.system_service().vm_pools_service().add(types.VmPool(
        name=name, size=size, prestarted_vms=0, cluster=types.Cluster(name="Default"),
        template=types.Template(name="Blank")))


# ----- detach ------------------------------------------------------------------------------
def test_detach_takes_a_vm_out_of_its_pool(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    pool = _pool(sdk_connection, "desk", 2)
    vms = system.vms_service()
    vm = _vm(sdk_connection, "desk-1")
    assert vm.vm_pool.id == pool.id
    vms.vm_service(vm.id).detach()
    after = vms.vm_service(vm.id).get()
    assert after.vm_pool is None and after.name == "desk-1"      # the VM stays
    assert system.vm_pools_service().pool_service(pool.id).get().size == 1
    assert any(e.code == 308 and "desk-1 was removed from VM Pool desk" in e.description
               for e in _events(sdk_connection))
    jobs = [j.description for j in system.jobs_service().list()]
    assert "Detaching VM desk-1 from VM Pool desk" in jobs


def test_detaching_the_last_vm_removes_the_pool(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    pool = _pool(sdk_connection, "solo", 1)
    _vm_service(sdk_connection, "solo-1").detach()
    assert pool.id not in {p.id for p in system.vm_pools_service().list()}
    assert _vm(sdk_connection, "solo-1").vm_pool is None


def test_detach_refuses_a_vm_outside_any_pool(sdk_connection: sdk.Connection) -> None:
    with pytest.raises(sdk.Error) as err:
        _vm_service(sdk_connection, "vm1").detach()
    assert "Cannot detach VM from pool. VM is not attached to the VM-Pool." in str(err.value)
    assert err.value.code == 409


def test_detach_refuses_a_running_vm(sdk_connection: sdk.Connection) -> None:
    _pool(sdk_connection, "busy", 2)
    svc = _vm_service(sdk_connection, "busy-1")
    svc.start()
    with pytest.raises(sdk.Error) as err:
        svc.detach()
    assert "Cannot detach VM from VM-Pool. VM is running." in str(err.value)
    assert svc.get().vm_pool is not None


# ----- hosted-engine maintenance ------------------------------------------------------------
def _hosted_engine(sim: SimulatorHandle, conn: sdk.Connection) -> tuple[types.Vm, types.Host]:
    """vm1 (running) plays the hosted-engine VM; its host has hosted engine deployed."""
    vm = _vm(conn, "vm1")
    sim.update("vms", vm.id, origin="managed_hosted_engine")
    sim.update("hosts", vm.host.id, hosted_engine={"configured": True, "active": True,
                                                   "global_maintenance": False})
    return vm, conn.system_service().hosts_service().host_service(vm.host.id).get()


def test_maintenance_sets_global_ha_maintenance(sim: SimulatorHandle,
                                                sdk_connection: sdk.Connection) -> None:
    vm, host = _hosted_engine(sim, sdk_connection)
    svc = sdk_connection.system_service().vms_service().vm_service(vm.id)
    hosts = sdk_connection.system_service().hosts_service()
    svc.maintenance(maintenance_enabled=True)
    assert hosts.host_service(host.id).get().hosted_engine.global_maintenance is True
    assert any(e.code == 10450 and host.name in e.description
               for e in _events(sdk_connection))
    svc.maintenance(maintenance_enabled=False)
    assert hosts.host_service(host.id).get().hosted_engine.global_maintenance is False


def test_maintenance_needs_hosted_engine_on_the_host(sim: SimulatorHandle,
                                                     sdk_connection: sdk.Connection) -> None:
    vm, host = _hosted_engine(sim, sdk_connection)
    sim.update("hosts", host.id, hosted_engine={"configured": False})
    with pytest.raises(sdk.Error) as err:
        sdk_connection.system_service().vms_service().vm_service(vm.id).maintenance(
            maintenance_enabled=True)
    assert "[Cannot update VM Cluster. Hosted Engine is not configured on this host.]" in \
        str(err.value)


def test_maintenance_refuses_an_ordinary_vm(sim: SimulatorHandle, client: httpx.Client,
                                            sdk_connection: sdk.Connection) -> None:
    vm = _vm(sdk_connection, "vm1")
    with pytest.raises(sdk.Error) as err:
        sdk_connection.system_service().vms_service().vm_service(vm.id).maintenance(
            maintenance_enabled=True)
    assert "isn't the expected XML" in str(err.value)   # a bare text, not a fault
    r = client.post(f"/vms/{vm.id}/maintenance",
                    content="<action><maintenance_enabled>true</maintenance_enabled></action>",
                    headers={"Content-Type": "application/xml"})
    assert r.status_code == 400
    assert "only available for the VM containing the hosted engine" in r.text


def test_maintenance_requires_maintenance_enabled(sdk_connection: sdk.Connection) -> None:
    with pytest.raises(sdk.Error) as err:
        _vm_service(sdk_connection, "vm1").maintenance()
    assert "Action [maintenanceEnabled] required for maintenance" in str(err.value)


# ----- reorder MAC addresses ----------------------------------------------------------------
def test_reorder_mac_addresses_sorts_them_by_nic_name(sdk_connection: sdk.Connection) -> None:
    vm = _vm(sdk_connection, "vm2")
    assert vm.status == types.VmStatus.DOWN
    nics = sdk_connection.system_service().vms_service().vm_service(vm.id).nics_service()
    first = nics.list()[0]
    for name, mac in (("nic10", "56:6f:1a:2b:00:a1"), ("nic2", "56:6f:1a:2b:00:a0")):
        nics.add(types.Nic(name=name, mac=types.Mac(address=mac),
                           vnic_profile=first.vnic_profile))
    macs_before = sorted(n.mac.address for n in nics.list())
    _vm_service(sdk_connection, "vm2").reorder_mac_addresses()
    by_name = {n.name: n.mac.address for n in nics.list()}
    assert [by_name[n] for n in ("nic1", "nic2", "nic10")] == macs_before


def test_reorder_mac_addresses_refuses_an_unmanaged_vm(sim: SimulatorHandle,
                                                       sdk_connection: sdk.Connection) -> None:
    vm = _vm(sdk_connection, "vm2")
    sim.update("vms", vm.id, origin="external")
    with pytest.raises(sdk.Error) as err:
        _vm_service(sdk_connection, "vm2").reorder_mac_addresses()
    assert "This VM is not managed by the engine." in str(err.value)


# ----- auto pin CPU and NUMA nodes ------------------------------------------------------------
def test_auto_pin_sets_resize_and_pin_numa(sdk_connection: sdk.Connection) -> None:
    svc = _vm_service(sdk_connection, "vm2")
    svc.auto_pin_cpu_and_numa_nodes(optimize_cpu_settings=True)
    assert svc.get().cpu_pinning_policy == types.CpuPinningPolicy.RESIZE_AND_PIN_NUMA
    assert any(e.code == 35 and "vm2 configuration was updated" in e.description
               for e in _events(sdk_connection))


def test_auto_pin_refuses_without_optimizing(sdk_connection: sdk.Connection) -> None:
    svc = _vm_service(sdk_connection, "vm2")
    with pytest.raises(sdk.Error) as err:
        svc.auto_pin_cpu_and_numa_nodes(optimize_cpu_settings=False)
    assert "`Pin` CPU Pinning policy" in str(err.value)
    assert err.value.code == 400
    assert svc.get().cpu_pinning_policy != types.CpuPinningPolicy.RESIZE_AND_PIN_NUMA


# ----- logon ------------------------------------------------------------------------------
def test_logon_to_a_running_vm(sdk_connection: sdk.Connection) -> None:
    _vm_service(sdk_connection, "vm1").logon()
    jobs = [j.description for j in sdk_connection.system_service().jobs_service().list()]
    assert "Logging on to VM vm1" in jobs


def test_logon_fails_for_a_vm_that_is_down(sdk_connection: sdk.Connection) -> None:
    with pytest.raises(sdk.Error) as err:
        _vm_service(sdk_connection, "vm2").logon()
    assert 'Fault detail is "[]"' in str(err.value) and err.value.code == 400


# ----- cluster: reset emulated machine -----------------------------------------------------
def test_reset_emulated_machine_updates_the_cluster(sim: SimulatorHandle,
                                                    sdk_connection: sdk.Connection) -> None:
    clusters = sdk_connection.system_service().clusters_service()
    cluster = clusters.list(search="name=Default")[0]
    clusters.cluster_service(cluster.id).reset_emulated_machine()
    assert (sim.get("clusters", cluster.id) or {}).get("_detect_emulated_machine") is True
    assert any(e.code == 811 and "Host cluster Default was updated" in e.description
               for e in _events(sdk_connection))


def test_reset_emulated_machine_of_an_unknown_cluster(sdk_connection: sdk.Connection) -> None:
    clusters = sdk_connection.system_service().clusters_service()
    with pytest.raises(sdk.NotFoundError):
        clusters.cluster_service("00000000-0000-0000-0000-00000000dead") \
            .reset_emulated_machine()


# ----- graphics console: proxy ticket ------------------------------------------------------
def _console(conn: sdk.Connection, name: str):  # type: ignore[no-untyped-def]
    consoles = _vm_service(conn, name).graphics_consoles_service()
    return consoles.console_service(consoles.list()[0].id)


def test_proxy_ticket_of_a_running_vm(sdk_connection: sdk.Connection) -> None:
    ticket = _console(sdk_connection, "vm1").proxy_ticket()
    envelope = json.loads(base64.b64decode(ticket.value))
    target = json.loads(unquote(envelope["data"]))
    host = sdk_connection.system_service().hosts_service().host_service(
        _vm(sdk_connection, "vm1").host.id).get()
    assert target["host"] == host.address and target["ssl_target"] is True  # spice: TLS
    assert int(envelope["validTo"]) > int(envelope["validFrom"])


def test_proxy_ticket_needs_a_running_vm(sdk_connection: sdk.Connection) -> None:
    with pytest.raises(sdk.Error) as err:
        _console(sdk_connection, "vm2").proxy_ticket()
    assert "GraphicsConsoleCantBeObtained" in str(err.value)
