"""create, update, delete and action through the shell, read back with the official SDK."""

from __future__ import annotations

import json

import ovirtsdk4 as sdk
import pytest

from ovirtshell.status import ExitStatus


@pytest.fixture(scope="module")
def api(sim):
    connection = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    yield connection.system_service()
    connection.close()


def _vm(api, name: str):
    found = api.vms_service().list(search=f"name={name}")
    assert len(found) == 1, found
    return found[0]


def test_create_vm_has_exactly_the_values_given(ovirt, api):
    run = ovirt(
        "-E",
        "create vm --name shell-web1 --cluster-name Default --template-name Blank "
        "--cpu-topology-cores 2 --cpu-topology-sockets 1 --memory 2GiB "
        "--custom_properties '{name=sap_agent,value=true}' --custom_properties name=other,value=a\\,b "
        "--os-boot-devices hd,cdrom --os-type rhel_8x64 --high_availability-enabled true "
        "--display-type vnc --description 'made by the shell'",
    )
    assert run.status == ExitStatus.OK, run.err
    vm = _vm(api, "shell-web1")
    assert vm.cpu.topology.cores == 2 and vm.cpu.topology.sockets == 1
    assert vm.memory == 2 * 1024**3
    assert vm.description == "made by the shell"
    assert [d.value for d in vm.os.boot.devices] == ["hd", "cdrom"]
    assert vm.os.type == "rhel_8x64"
    assert vm.high_availability.enabled is True
    assert vm.display.type == sdk.types.DisplayType.VNC
    assert {(p.name, p.value) for p in vm.custom_properties} == {("sap_agent", "true"), ("other", "a,b")}
    cluster = api.clusters_service().list(search="name=Default")[0]
    assert vm.cluster.id == cluster.id
    assert vm.template.id == "00000000-0000-0000-0000-000000000000"


def test_update_changes_only_the_fields_given(ovirt, api):
    before = _vm(api, "vm2")
    run = ovirt("-E", "update vm vm2 --memory 3GiB --comment updated-by-shell")
    assert run.status == ExitStatus.OK, run.err
    after = _vm(api, "vm2")
    assert after.memory == 3 * 1024**3 and after.comment == "updated-by-shell"
    assert after.cpu.topology.cores == before.cpu.topology.cores
    assert after.description == before.description


def test_create_nic_under_a_vm_by_profile_name(ovirt, api):
    run = ovirt("-E", "create nic --parent-vm-name vm3 --name shell-nic --vnic_profile-name ovirtmgmt --interface e1000")
    assert run.status == ExitStatus.OK, run.err
    vm = _vm(api, "vm3")
    nics = api.vms_service().vm_service(vm.id).nics_service().list()
    nic = next(n for n in nics if n.name == "shell-nic")
    profile = api.vnic_profiles_service().list()
    assert nic.vnic_profile.id == next(p.id for p in profile if p.name == "ovirtmgmt")
    assert nic.interface == sdk.types.NicInterface.E1000


def test_create_snapshot_and_delete_it(ovirt, api):
    run = ovirt("-o", "json", "-E", "create snapshot --parent-vm-name vm1 --description before-upgrade --wait")
    assert run.status == ExitStatus.OK, run.err
    snapshot = json.loads(run.out)
    assert snapshot["description"] == "before-upgrade"
    assert snapshot["snapshot_status"] == "ok"  # --wait returned after locked -> ok
    vm = _vm(api, "vm1")
    ids = [s.id for s in api.vms_service().vm_service(vm.id).snapshots_service().list()]
    assert snapshot["id"] in ids
    run = ovirt("-E", f"delete snapshot {snapshot['id']} --parent-vm-name vm1 --wait")
    assert run.status == ExitStatus.OK, run.err
    ids = [s.id for s in api.vms_service().vm_service(vm.id).snapshots_service().list()]
    assert snapshot["id"] not in ids


def test_actions_take_effect(ovirt, api):
    assert ovirt("-E", "action vm vm4 start --wait").status == ExitStatus.OK
    vm = _vm(api, "vm4")
    assert vm.status == sdk.types.VmStatus.UP
    host2 = api.hosts_service().list(search="name=host2")[0]
    target = "host1" if vm.host.id == host2.id else "host2"
    run = ovirt("-E", f"action vm vm4 migrate --host-name {target} --wait")
    assert run.status == ExitStatus.OK, run.err
    moved = _vm(api, "vm4")
    assert api.hosts_service().host_service(moved.host.id).get().name == target
    run = ovirt("-o", "json", "-E", "action vm vm4 ticket")
    assert run.status == ExitStatus.OK, run.err
    assert json.loads(run.out)["ticket"]["value"]
    assert ovirt("-E", "action vm vm4 stop --wait").status == ExitStatus.OK
    assert _vm(api, "vm4").status == sdk.types.VmStatus.DOWN


def test_host_maintenance_round_trip(ovirt, api):
    run = ovirt("-E", "action host host2 deactivate --wait; show host host2 --fields status")
    assert run.status == ExitStatus.OK, run.err
    assert run.out.strip().endswith("status: maintenance")
    run = ovirt("-E", "action host host2 activate --wait")
    assert run.status == ExitStatus.OK, run.err
    assert api.hosts_service().list(search="name=host2")[0].status == sdk.types.HostStatus.UP


def test_delete_vm_and_add_remove_spellings(ovirt, api):
    assert ovirt("-E", "add vm --name shell-tmp --cluster-name Default --template-name Blank").status == 0
    run = ovirt("-E", "remove vm shell-tmp --wait")
    assert run.status == ExitStatus.OK, run.err
    assert run.out.strip() == "vm shell-tmp deleted"
    assert api.vms_service().list(search="name=shell-tmp") == []


def test_missing_required_inputs_are_a_syntax_error_before_sending(ovirt, api):
    run = ovirt("-E", "create vm --name lonely")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert run.err.startswith(
        "error: create vm: missing required options, one of: --cluster-id|name, --template-id|name (from scratch); or "
    )
    assert api.vms_service().list(search="name=lonely") == []
    run = ovirt("-E", "create vm --name lonely --cluster-name Default --template-name Blank --dry-run")
    assert run.status == ExitStatus.OK, run.err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("create vm --name x --memory lots", "--memory"),
        ("create vm --name x --high_availability-enabled maybe", "true or false"),
        ("create vm --name x --os-boot-devices floppy", "cdrom"),
        ("create vm --name x --custom_properties colour=red", "name"),
        ("create vm --name x --name y", "--name"),
        ("create vm --nmae x", "--name"),
        ("update vm", "id or name"),
        ("action vm vm0 fly", "start"),
        ("action vm vm0", "migrate"),
        ("create nic --name x", "--parent-vm-name"),
        ("list vms 'unterminated", "unterminated quote"),
        ("show vm vm0 extra", "unexpected argument"),
        ("create cdrom --name x", "cdrom"),
    ],
)
def test_syntax_errors(ovirt, line, message):
    run = ovirt("-E", line)
    assert run.status == ExitStatus.SYNTAX_ERROR, (run.status, run.err)
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_reference_by_ambiguous_name_lists_the_candidates(ovirt, sim, api):
    other = next(t for t in api.templates_service().list() if t.name != "Blank")
    sim.update("templates", other.id, name="Blank")  # two templates named Blank (e.g. two DCs)
    try:
        run = ovirt("-E", "create vm --name twin-tmpl --cluster-name Default --template-name Blank")
    finally:
        sim.update("templates", other.id, name=other.name)
    assert run.status == ExitStatus.COMMAND_ERROR
    assert "ambiguous" in run.err and other.id in run.err
    assert "00000000-0000-0000-0000-000000000000" in run.err
    assert api.vms_service().list(search="name=twin-tmpl") == []


def test_reference_to_a_missing_object_is_not_found(ovirt):
    run = ovirt("-E", "create vm --name orphan --cluster-name NoSuchCluster --template-name Blank")
    assert run.status == ExitStatus.NOT_FOUND
    assert run.err.strip() == "error: cluster 'NoSuchCluster' not found"
