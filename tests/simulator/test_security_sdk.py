"""The authorization gate seen through the official SDK (ovirtsdk4) as user@internal, who
holds UserRole on vm0 only: what it cannot see is 404 (NotFoundError), what it sees but may
not do is 403 (AuthError), as the engine answers."""

from __future__ import annotations

from collections.abc import Iterator

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from ovirtsim.testing import SimulatorHandle


@pytest.fixture
def admin(sim: SimulatorHandle) -> Iterator[sdk.Connection]:
    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    yield conn
    conn.close()


@pytest.fixture
def user(sim: SimulatorHandle) -> Iterator[sdk.Connection]:
    conn = sdk.Connection(url=sim.url, username="user@internal", password="user")
    yield conn
    conn.close()


def _vm(conn: sdk.Connection, name: str) -> sdk.services.VmService:
    vms = conn.system_service().vms_service()
    vid = vms.list(search=f"name={name}")[0].id
    return vms.vm_service(vid)


def _ids(admin: sdk.Connection) -> dict[str, str]:
    return {v.name: v.id for v in admin.system_service().vms_service().list()}


def test_a_user_sees_only_its_vm_and_what_is_about_it(admin: sdk.Connection,
                                                     user: sdk.Connection) -> None:
    system = user.system_service()
    assert [v.name for v in system.vms_service().list()] == ["vm0"]
    assert [u.user_name for u in system.users_service().list()] == ["user@internal-authz"]
    assert system.permissions_service().list() == []  # the system's permissions: the admin's
    vm0 = _ids(admin)["vm0"]
    events = system.events_service().list()
    assert events, "a user sees the events of its own VM"
    assert all(e.vm is not None and e.vm.id == vm0 for e in events)
    assert len(admin.system_service().events_service().list()) > len(events)


def test_actions_and_sub_collections_of_invisible_objects_are_not_found(
        admin: sdk.Connection, user: sdk.Connection) -> None:
    ids = _ids(admin)
    vms = user.system_service().vms_service()
    for name in ("vm1", "vm2", "vm4"):
        vm = vms.vm_service(ids[name])
        for call in (vm.get, vm.start, vm.stop, vm.suspend, lambda vm=vm: vm.nics_service().list(),
                     lambda vm=vm: vm.disk_attachments_service().list(),
                     lambda vm=vm: vm.permissions_service().list(),
                     lambda vm=vm: vm.snapshots_service().add(types.Snapshot(description="s")),
                     lambda vm=vm: vm.nics_service().add(types.Nic(name="nic9"))):
            with pytest.raises(sdk.NotFoundError):
                call()
    hosts = admin.system_service().hosts_service().list()
    host = user.system_service().hosts_service().host_service(hosts[0].id)
    with pytest.raises(sdk.NotFoundError):
        host.deactivate()
    assert admin.system_service().vms_service().vm_service(ids["vm4"]).get().status == \
        types.VmStatus.DOWN
    assert len(admin.system_service().vms_service().vm_service(ids["vm1"])
               .nics_service().list()) == 1


def test_what_userrole_does_not_permit_on_a_visible_vm_is_forbidden(user: sdk.Connection) -> None:
    vm0 = _vm(user, "vm0")
    assert vm0.nics_service().list() and vm0.disk_attachments_service().list()
    with pytest.raises(sdk.AuthError):
        vm0.update(types.Vm(description="mine now"))
    with pytest.raises(sdk.AuthError):
        vm0.nics_service().add(types.Nic(name="nic9"))
    with pytest.raises(sdk.AuthError):
        vm0.remove()


def test_a_superuser_self_grant_is_refused(admin: sdk.Connection, user: sdk.Connection) -> None:
    me = user.system_service().get().authenticated_user.id
    perms = _vm(user, "vm0").permissions_service()
    with pytest.raises(sdk.AuthError):
        perms.add(types.Permission(role=types.Role(name="SuperUser"), user=types.User(id=me)))
    with pytest.raises(sdk.AuthError):
        user.system_service().permissions_service().add(
            types.Permission(role=types.Role(name="SuperUser"), user=types.User(id=me)))
    assert [v.name for v in user.system_service().vms_service().list()] == ["vm0"]
    held = admin.system_service().users_service().user_service(me).permissions_service().list()
    su = next(r.id for r in admin.system_service().roles_service().list()
              if r.name == "SuperUser")
    assert all(p.role.id != su for p in held)


def test_a_custom_roles_permits_decide(admin: sdk.Connection, user: sdk.Connection) -> None:
    roles = admin.system_service().roles_service()
    starter = roles.add(types.Role(name="sdk-starter", administrative=False, permits=[
        types.Permit(id="22"), types.Permit(id="1300")]))  # run_vm, login
    assert {p.name for p in roles.role_service(starter.id).permits_service().list()} == \
        {"run_vm", "login"}
    me = user.system_service().get().authenticated_user.id
    vm2 = _vm(admin, "vm2")
    vm2.permissions_service().add(types.Permission(role=types.Role(id=starter.id),
                                                   user=types.User(id=me)))
    mine = user.system_service().vms_service().vm_service(vm2.get().id)
    assert mine.get().name == "vm2"
    mine.start()
    with pytest.raises(sdk.AuthError):
        mine.stop()
    with pytest.raises(sdk.AuthError):
        mine.update(types.Vm(description="x"))
    assert vm2.get().status in (types.VmStatus.UP, types.VmStatus.POWERING_UP,
                                types.VmStatus.WAIT_FOR_LAUNCH)
    # holding a role on vm2 does not let the user grant it (no manipulate_permissions)
    with pytest.raises(sdk.AuthError):
        mine.permissions_service().add(types.Permission(role=types.Role(id=starter.id),
                                                        user=types.User(id=me)))


def test_every_predefined_role_lists_its_engine_permits(admin: sdk.Connection) -> None:
    roles = admin.system_service().roles_service()
    predefined = [r for r in roles.list() if not r.mutable]
    assert len(predefined) == 37
    admin_only = {p.name for p in roles.role_service(
        next(r.id for r in predefined if r.name == "SuperUser")).permits_service().list()
        if p.administrative}
    for role in predefined:
        permits = roles.role_service(role.id).permits_service().list()
        names = {p.name for p in permits}
        assert "login" in names, role.name
        if not role.administrative:
            assert not names & admin_only, (role.name, names & admin_only)
    by_name = {r.name: r.id for r in predefined}
    # the engine's ids, which some clients use instead of names
    assert (by_name["SuperUser"], by_name["UserVmManager"], by_name["GlusterAdmin"]) == (
        "00000000-0000-0000-0000-000000000001", "def00006-0000-0000-0000-def000000006",
        "def0000b-0000-0000-0000-def00000000b")

    def names(role: str) -> set[str]:
        return {p.name for p in roles.role_service(by_name[role]).permits_service().list()}
    assert names("VmCreator") == {"create_vm", "create_disk", "login"}
    assert names("QuotaConsumer") == {"consume_quota", "login"}
    assert {"create_gluster_volume", "delete_gluster_volume"} <= names("GlusterAdmin")
    assert "manipulate_permissions" in names("TemplateOwner")
