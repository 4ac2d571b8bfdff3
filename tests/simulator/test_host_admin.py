"""Host administration through the official SDK: approve, enroll certificate, force select
SPM and copy host networks, each with its state change and the engine's refusals."""

from __future__ import annotations

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from ovirtsim.testing import SimulatorHandle


def _hosts(conn: sdk.Connection) -> sdk.services.HostsService:
    return conn.system_service().hosts_service()


def _host(conn: sdk.Connection, name: str) -> tuple[types.Host, sdk.services.HostService]:
    host = _hosts(conn).list(search=f"name={name}")[0]
    return host, _hosts(conn).host_service(host.id)


def _events(conn: sdk.Connection) -> list[types.Event]:
    return list(conn.system_service().events_service().list())


def test_approve_installs_a_pending_host_into_the_given_cluster(
        sdk_connection: sdk.Connection, sim: SimulatorHandle) -> None:
    system = sdk_connection.system_service()
    other = system.clusters_service().add(types.Cluster(
        name="other", data_center=types.DataCenter(name="Default"),
        cpu=types.Cpu(type="Intel Nehalem Family")))
    host, hs = _host(sdk_connection, "host2")
    sim.update("hosts", host.id, status="pending_approval")
    hs.approve(cluster=types.Cluster(id=other.id), activate=True)
    got = hs.get()
    assert got.status == types.HostStatus.UP
    assert got.cluster.id == other.id
    approved = [e for e in _events(sdk_connection) if e.code == 498]
    assert approved[0].description == ("Host host2 was successfully approved by user "
                                       "admin@internal-authz.")
    assert approved[0].host.id == host.id
    jobs = system.jobs_service().list()
    assert any(j.description == "Approving Host host2" and
               j.status == types.JobStatus.FINISHED for j in jobs)


def test_approve_without_activate_leaves_the_host_in_maintenance(
        sdk_connection: sdk.Connection, sim: SimulatorHandle) -> None:
    host, hs = _host(sdk_connection, "host1")
    sim.update("hosts", host.id, status="install_failed")
    hs.approve(activate=False)
    assert hs.get().status == types.HostStatus.MAINTENANCE


def test_approve_refuses_a_host_that_is_not_pending(sdk_connection: sdk.Connection) -> None:
    _, hs = _host(sdk_connection, "host1")
    with pytest.raises(sdk.Error, match="Host must be in \"Pending Approval\" or \"Install "
                       "Failed\" status in order to be approved") as err:
        hs.approve()
    assert err.value.code == 409
    assert hs.get().status == types.HostStatus.UP


def test_enroll_certificate_of_a_host_in_maintenance(sdk_connection: sdk.Connection) -> None:
    host, hs = _host(sdk_connection, "host2")
    hs.deactivate()
    assert hs.get().status == types.HostStatus.MAINTENANCE
    hs.enroll_certificate()
    assert hs.get().status == types.HostStatus.MAINTENANCE
    by_code = {e.code: e for e in _events(sdk_connection)}
    assert by_code[880].description == ("Enrolling certificate for host host2 was started "
                                        "(User: admin@internal-authz).")
    assert by_code[881].description == ("Enrolling certificate for host host2 was completed "
                                        "successfully (User: admin@internal-authz).")
    assert by_code[881].host.id == host.id


def test_enroll_certificate_refuses_an_up_host(sdk_connection: sdk.Connection) -> None:
    _, hs = _host(sdk_connection, "host1")
    with pytest.raises(sdk.Error, match=r"Cannot enroll certificate Host\. Please switch "
                       "Host to Maintenance mode first") as err:
        hs.enroll_certificate()
    assert err.value.code == 409


def test_force_select_spm_moves_the_role(sdk_connection: sdk.Connection) -> None:
    host0, hs0 = _host(sdk_connection, "host0")
    host1, hs1 = _host(sdk_connection, "host1")
    assert host0.spm.status == types.SpmStatus.SPM
    hs1.force_select_spm()
    assert hs1.get().spm.status == types.SpmStatus.SPM
    assert hs0.get().spm.status == types.SpmStatus.NONE
    descriptions = [(e.code, e.description) for e in _events(sdk_connection)]
    assert (159, "Host host1 was force selected by admin@internal-authz") in descriptions
    assert (204, "Storage Pool Manager runs on Host host1 (Address: host1.example.com), "
            "Data Center Default.") in descriptions


def test_force_select_spm_refusals(sdk_connection: sdk.Connection,
                                   sim: SimulatorHandle) -> None:
    _, hs0 = _host(sdk_connection, "host0")
    with pytest.raises(sdk.Error, match=r"Cannot force select SPM\. The Host host0 is "
                       "already SPM or contending"):
        hs0.force_select_spm()
    host2, hs2 = _host(sdk_connection, "host2")
    sim.update("hosts", host2.id, spm={"priority": -1, "status": "none"})
    with pytest.raises(sdk.Error, match="The SPM priority of Host host2 is set to 'never'"):
        hs2.force_select_spm()
    host1, hs1 = _host(sdk_connection, "host1")
    hs1.deactivate()
    with pytest.raises(sdk.Error, match=r"Cannot force select SPM\. The Host host1 is not "
                       "active") as err:
        hs1.force_select_spm()
    assert err.value.code == 409
    assert hs0.get().spm.status == types.SpmStatus.SPM


def _network(conn: sdk.Connection, name: str) -> types.Network:
    return conn.system_service().networks_service().add(types.Network(
        name=name, data_center=types.DataCenter(name="Default")))


def test_copy_host_networks_gives_the_target_the_source_layout(
        sdk_connection: sdk.Connection) -> None:
    blue, red = _network(sdk_connection, "blue"), _network(sdk_connection, "red")
    host1, hs1 = _host(sdk_connection, "host1")
    host2, hs2 = _host(sdk_connection, "host2")
    hs1.setup_networks(
        modified_bonds=[types.HostNic(name="bond0", bonding=types.Bonding(
            slaves=[types.HostNic(name="eth2"), types.HostNic(name="eth3")]))],
        modified_network_attachments=[
            types.NetworkAttachment(network=types.Network(id=blue.id),
                                    host_nic=types.HostNic(name="eth1")),
            types.NetworkAttachment(network=types.Network(id=red.id),
                                    host_nic=types.HostNic(name="bond0"))])
    hs2.copy_host_networks(source_host=types.Host(id=host1.id))

    nics = {n.id: n.name for n in hs2.nics_service().list()}
    assert "bond0" in nics.values()
    bond = next(n for n in hs2.nics_service().list() if n.name == "bond0")
    assert sorted(nics[s.id] for s in bond.bonding.slaves) == ["eth2", "eth3"]
    layout = {a.network.id: nics[a.host_nic.id]
              for a in hs2.network_attachments_service().list()}
    mgmt = sdk_connection.system_service().networks_service().list(
        search="name=ovirtmgmt")[0]
    assert layout == {mgmt.id: "eth0", blue.id: "eth1", red.id: "bond0"}
    events = [(e.code, e.description) for e in _events(sdk_connection)]
    assert (10928, "Successfully finished copying host network from host1 to "
            "host2.") in events


def test_copy_host_networks_refusals(sdk_connection: sdk.Connection,
                                     sim: SimulatorHandle) -> None:
    host1, _ = _host(sdk_connection, "host1")
    host2, hs2 = _host(sdk_connection, "host2")
    with sim.state.lock:
        nic = sim.state.store.find_by_name(f"hosts/{host2.id}/nics", "eth3")
        sim.state.store.delete(f"hosts/{host2.id}/nics", nic["id"])
    with pytest.raises(sdk.Error, match="Interface count of destination host has to be at "
                       "least as high as that of the source host") as err:
        hs2.copy_host_networks(source_host=types.Host(id=host1.id))
    assert err.value.code == 409

    other = sdk_connection.system_service().clusters_service().add(types.Cluster(
        name="other", data_center=types.DataCenter(name="Default"),
        cpu=types.Cpu(type="Intel Nehalem Family")))
    sim.update("hosts", host1.id, cluster={"id": other.id})
    _, hs0 = _host(sdk_connection, "host0")
    with pytest.raises(sdk.Error, match="must be in the same cluster"):
        hs0.copy_host_networks(source_host=types.Host(id=host1.id))
    with pytest.raises(sdk.Error, match=r"source_?[hH]ost|host\.id\|name"):
        hs0.copy_host_networks()
