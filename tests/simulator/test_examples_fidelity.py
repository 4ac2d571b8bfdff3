"""Engine behaviours the SDK's example scripts rely on, read through the official SDK."""

from __future__ import annotations

import httpx
import ovirtsdk4 as sdk
import ovirtsdk4.types as types

from ovirtsim.testing import SimulatorHandle


def _host(system, name: str):  # type: ignore[no-untyped-def]
    [host] = system.hosts_service().list(search=f"name={name}")
    return system.hosts_service().host_service(host.id)


def test_upgrade_check_events(sdk_connection: sdk.Connection) -> None:
    """HOST_AVAILABLE_UPDATES_STARTED (884), the packages found (843), then
    HOST_AVAILABLE_UPDATES_FINISHED (885), all about the host: what upgrade_host.py
    waits for with ``host.name=`` searches."""
    system = sdk_connection.system_service()
    events = system.events_service()
    last = int(events.list(max=1)[0].id)
    _host(system, "host0").upgrade_check()
    found = events.list(from_=last, search="host.name=host0")
    codes = [e.code for e in sorted(found, key=lambda e: int(e.id))]
    assert codes == [884, 843, 885]
    texts = {e.code: e.description for e in found}
    assert texts[884] == "Started to check for available updates on host host0."
    assert texts[843] == "Host host0 has available updates: vdsm, vdsm-client."
    assert texts[885] == ("Check for available updates on host host0 was completed "
                          "successfully with message 'found updates for packages "
                          "vdsm, vdsm-client'.")
    assert _host(system, "host0").get().update_available is True


def test_iscsi_domain_from_volume_group_luns(sdk_connection: sdk.Connection) -> None:
    """The engine takes a block domain's LUNs from ``storage.logical_units`` or from
    ``storage.volume_group.logical_units`` (add_iscsi_data_storage_domain.py)."""
    sds = sdk_connection.system_service().storage_domains_service()
    lun = types.LogicalUnit(id="36001405e396b3d9c9a54284a51685f9a", address="192.168.201.3",
                            port=3260, target="iqn.2014-07.org.ovirt:storage")
    sd = sds.add(types.StorageDomain(
        name="vg1", type=types.StorageDomainType.DATA, host=types.Host(name="host0"),
        storage=types.HostStorage(type=types.StorageType.ISCSI, override_luns=True,
                                  volume_group=types.VolumeGroup(logical_units=[lun]))))
    assert sds.storage_domain_service(sd.id).get().status == types.StorageDomainStatus.UNATTACHED
    try:
        sds.add(types.StorageDomain(
            name="vg2", type=types.StorageDomainType.DATA, host=types.Host(name="host0"),
            storage=types.HostStorage(type=types.StorageType.ISCSI)))
    except sdk.Error as e:
        assert "storage.logical_units" in str(e) and e.code == 400
    else:
        raise AssertionError("a block domain without LUNs was added")


def test_new_data_center_cluster_and_host_get_the_management_network(
        sdk_connection: sdk.Connection) -> None:
    """A new data center has ``ovirtmgmt`` (and its vnic profile), a new cluster gets it
    with the management roles, and a new host reports its NICs with ``ovirtmgmt`` on eth0:
    what add_bond.py and the VMs of a new cluster build on."""
    system = sdk_connection.system_service()
    dc = system.data_centers_service().add(types.DataCenter(name="dc9", local=False))
    dc_nets = system.data_centers_service().data_center_service(dc.id).networks_service()
    [mgmt] = dc_nets.list()
    assert (mgmt.name, mgmt.description) == ("ovirtmgmt", "Management Network")
    profiles = system.networks_service().network_service(mgmt.id).vnic_profiles_service()
    assert [p.name for p in profiles.list()] == ["ovirtmgmt"]
    cluster = system.clusters_service().add(types.Cluster(
        name="cl9", data_center=types.DataCenter(name="dc9"),
        cpu=types.Cpu(type="Intel Conroe Family")))
    [attached] = system.clusters_service().cluster_service(cluster.id).networks_service().list()
    assert attached.id == mgmt.id and attached.required is True
    assert types.NetworkUsage.MANAGEMENT in attached.usages
    host = system.hosts_service().add(types.Host(
        name="h9", address="h9.example.com", root_password="x",
        cluster=types.Cluster(id=cluster.id)))
    host_service = system.hosts_service().host_service(host.id)
    nics = {n.name: n for n in host_service.nics_service().list()}
    assert sorted(nics) == ["eth0", "eth1", "eth2", "eth3"]
    assert nics["eth0"].network.id == mgmt.id
    [att] = host_service.network_attachments_service().list()
    assert att.network.id == mgmt.id and att.host_nic.id == nics["eth0"].id
    host_service.setup_networks(modified_bonds=[types.HostNic(
        name="bond0", bonding=types.Bonding(
            options=[types.Option(name="mode", value="1")],
            slaves=[types.HostNic(name="eth1"), types.HostNic(name="eth2")]))])
    assert "bond0" in {n.name for n in host_service.nics_service().list()}


def test_directory_entries_become_users_and_groups(sim: SimulatorHandle,
                                                   sdk_connection: sdk.Connection) -> None:
    """What the directory knows (added through ``/sim/directory``, as with the directory's
    own tools) the API adds; anything else is the engine's 'No such user/group' fault."""
    system = sdk_connection.system_service()
    users, groups = system.users_service(), system.groups_service()
    try:
        groups.add(types.Group(name="mygroup", domain=types.Domain(name="internal-authz")))
    except sdk.Error as e:
        assert "No such group: mygroup in domain internal-authz" in str(e)
    else:
        raise AssertionError("a group unknown to the directory was added")
    with httpx.Client(base_url=sim.base) as control:
        for kind, body in (("users", {"name": "myuser"}), ("groups", {"name": "mygroup"}),
                           ("users", {"name": "myuser", "domain": "mydomain-authz"})):
            assert control.post(f"/sim/directory/{kind}", json=body).status_code == 201
        listed = control.get("/sim/directory").json()
        assert "mygroup" in listed["internal-authz"]["groups"]
        assert listed["mydomain-authz"] == {"users": ["myuser"], "groups": []}
    assert "mydomain-authz" in {d.name for d in system.domains_service().list()}
    group = groups.add(types.Group(name="mygroup", domain=types.Domain(name="internal-authz")))
    assert group.domain is not None
    for principal, domain in (("myuser@internal-authz", "internal-authz"),
                              ("myuser@mydomain-authz", "mydomain-authz")):
        users.add(types.User(user_name=principal, domain=types.Domain(name=domain)))
    [mine] = users.list(search="usrname=myuser@mydomain-authz")
    assert (mine.name, mine.principal, mine.namespace) == ("myuser", "myuser", "*")
    assert len(users.list(search="name=myuser")) == 2
    try:
        users.add(types.User(user_name="other@mydomain-authz",
                             domain=types.Domain(name="mydomain-authz")))
    except sdk.Error as e:
        assert "No such user: other@mydomain-authz in domain mydomain-authz" in str(e)
    else:
        raise AssertionError("a user unknown to the directory was added")
