"""Everyday inputs a real engine expects, through the shell, each read back with the official SDK:
list links and list attributes as options, inline definitions, required inputs checked before
sending, --dry-run, natural labels, the type's own status for --wait."""

from __future__ import annotations

import ovirtsdk4 as sdk
import pytest

from ovirtshell.status import ExitStatus


@pytest.fixture(scope="module")
def api(sim):
    connection = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    yield connection.system_service()
    connection.close()


def _one(service, name: str):
    found = [o for o in service.list() if o.name == name]
    assert len(found) == 1, found
    return found[0]


def _vm_id(api, name: str) -> str:
    return api.vms_service().list(search=f"name={name}")[0].id


def test_floating_disk_on_a_storage_domain_by_name(ovirt, api):
    run = ovirt("-E", "create disk --name shell-d1 --provisioned_size 1GiB --format cow --interface virtio "
                      "--storage_domains name=data --wait")  # fmt: skip
    assert run.status == ExitStatus.OK, run.err
    disk = _one(api.disks_service(), "shell-d1")
    assert disk.provisioned_size == 1024**3 and disk.format == sdk.types.DiskFormat.COW
    data = _one(api.storage_domains_service(), "data")
    assert [sd.id for sd in disk.storage_domains] == [data.id]


def test_new_disk_defined_inline_and_attached_to_a_vm(ovirt, api):
    run = ovirt("-E", "create diskattachment --parent-vm-name vm0 --disk-name shell-d2 --disk-provisioned_size 10GiB "
                      "--disk-format cow --disk-storage_domains name=data --interface virtio --bootable false "
                      "--pass_discard false")  # fmt: skip
    assert run.status == ExitStatus.OK, run.err
    disk = _one(api.disks_service(), "shell-d2")  # the name was sent, not looked up
    assert disk.provisioned_size == 10 * 1024**3
    attachments = api.vms_service().vm_service(_vm_id(api, "vm0")).disk_attachments_service().list()
    assert disk.id in {a.disk.id for a in attachments}
    # the original's idiom lists the VM's disks through its attachments
    listed = ovirt("-E", "list disks --parent-vm-name vm0 --fields name -o csv")
    assert listed.status == ExitStatus.OK, listed.err
    assert "shell-d2" in listed.out.split()
    # an attachment is addressed by its disk's name
    shown = ovirt("-E", "show diskattachment shell-d2 --parent-vm-name vm0 --fields id -o csv")
    assert shown.status == ExitStatus.OK, shown.err
    assert disk.id in shown.out


def test_nfs_storage_domain_with_its_storage_flattened(ovirt, api):
    run = ovirt("-E", "create storagedomain --name shell-nfs --type data --storage-type nfs "
                      "--storage-address 10.0.0.9 --storage-path /exports/shell --host-name host0")  # fmt: skip
    assert run.status == ExitStatus.OK, run.err
    domain = _one(api.storage_domains_service(), "shell-nfs")
    assert domain.type == sdk.types.StorageDomainType.DATA
    assert domain.storage.type == sdk.types.StorageType.NFS
    assert (domain.storage.address, domain.storage.path) == ("10.0.0.9", "/exports/shell")


def test_role_with_two_permits(ovirt, api):
    run = ovirt("-E", "create role --name shell-ops --permits id=1 --permits id=4")
    assert run.status == ExitStatus.OK, run.err
    role = _one(api.roles_service(), "shell-ops")
    permits = api.roles_service().role_service(role.id).permits_service().list()
    assert sorted(p.id for p in permits) == ["1", "4"]


def test_gluster_volume_with_two_bricks(ovirt, api):
    host = _one(api.hosts_service(), "host0").id
    cluster = _one(api.clusters_service(), "Default").id
    run = ovirt("-E", f"create glustervolume --parent-cluster-name Default --name shell-gv --volume_type distribute "
                      f"--bricks server_id={host},brick_dir=/b1 --bricks '{{\"server_id\":\"{host}\",\"brick_dir\":\"/b2\"}}'")  # fmt: skip
    assert run.status == ExitStatus.OK, run.err
    volumes = api.clusters_service().cluster_service(cluster).gluster_volumes_service()
    volume = _one(volumes, "shell-gv")
    bricks = volumes.volume_service(volume.id).gluster_bricks_service().list()
    assert sorted((b.server_id, b.brick_dir) for b in bricks) == [(host, "/b1"), (host, "/b2")]


def test_bond_of_two_nics_via_setupnetworks(ovirt, api):
    host = _one(api.hosts_service(), "host0").id
    before = len(api.events_service().list())
    for value in ("name=bond0,bonding.slaves.name=eth1,bonding.slaves.name=eth2",
                  '\'{"name":"bond0","bonding":{"slaves":[{"name":"eth1"},{"name":"eth2"}]}}\''):  # fmt: skip
        run = ovirt("-E", f"action host host0 setupnetworks --modified_bonds {value} --dry-run")
        assert run.status == ExitStatus.OK, run.err
        lines = run.out.splitlines()
        assert lines[0].startswith("POST http://127.0.0.1:") and lines[0].endswith(f"/hosts/{host}/setupnetworks")
        body = "".join(line.strip() for line in lines[1:])
        assert body == ("<action><modified_bonds><host_nic><name>bond0</name><bonding><slaves>"
                        "<host_nic><name>eth1</name></host_nic><host_nic><name>eth2</name></host_nic>"
                        "</slaves></bonding></host_nic></modified_bonds></action>")  # fmt: skip
    assert len(api.events_service().list()) == before  # nothing was sent that changes state
    run = ovirt("-E", "action host host0 setupnetworks "
                      "--modified_bonds 'name=bond0,bonding.slaves.name=eth2,bonding.slaves.name=eth3'")  # fmt: skip
    assert run.status == ExitStatus.OK, run.err
    nics = {n.id: n.name for n in api.hosts_service().host_service(host).nics_service().list()}
    [bond] = [n for n in api.hosts_service().host_service(host).nics_service().list() if n.name == "bond0"]
    assert sorted(nics[s.id] for s in bond.bonding.slaves) == ["eth2", "eth3"]


def test_dry_run_sends_nothing_for_every_writing_verb(ovirt, api):
    vm = _vm_id(api, "vm0")
    create = ovirt("-E", "create vm --name shell-dry --cluster-name Default --template-name Blank --clone --dry-run")
    assert create.status == ExitStatus.OK, create.err
    assert create.out.splitlines()[0].endswith("/ovirt-engine/api/vms?clone=true")
    assert "<name>shell-dry</name>" in create.out and "<cluster id=" in create.out
    assert api.vms_service().list(search="name=shell-dry") == []
    update = ovirt("-E", "update vm vm0 --description changed --dry-run")
    assert update.out.splitlines()[0].endswith(f"/vms/{vm}") and update.out.startswith("PUT ")
    delete = ovirt("-E", "delete vm vm0 --force --dry-run")
    assert delete.status == ExitStatus.OK and delete.out.strip().endswith(f"/vms/{vm}?force=true")
    stop = ovirt("-E", "action vm vm0 stop --dry-run --correlation_id dry-1")
    assert stop.out.splitlines()[0].endswith(f"/vms/{vm}/stop?correlation_id=dry-1")
    xml = ovirt("-o", "xml", "-E", "create role --name shell-dry --permits id=1 --dry-run")
    assert xml.status == ExitStatus.OK and "<role>" in xml.out and "POST" not in xml.out  # the body alone
    after = api.vms_service().vm_service(vm).get()
    assert after.description != "changed" and after.status == sdk.types.VmStatus.UP


def test_correlation_id_reaches_actions(ovirt, api):
    run = ovirt("-E", "action vm vm0 reboot --correlation_id shell-corr-7")
    assert run.status == ExitStatus.OK, run.err
    events = [e for e in api.events_service().list(max=50) if e.correlation_id == "shell-corr-7"]
    assert events


def test_missing_required_inputs_name_the_options(ovirt, api):
    run = ovirt("-E", "create role --name shell-empty")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert run.err.strip() == "error: create role: missing required options: --permits id=… (see help create role)"
    assert [r for r in api.roles_service().list() if r.name == "shell-empty"] == []
    run = ovirt("-E", "create glustervolume --parent-cluster-name Default --name x")
    assert "--volume_type, --bricks brick_dir=…,server_id=…" in run.err


def test_byte_units_only_on_byte_valued_integers(ovirt):
    run = ovirt("-E", "create vm --name x --cluster-name Default --template-name Blank --cpu-topology-sockets 1KiB")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "invalid value '1KiB' for --cpu-topology-sockets: expected an integer" in run.err


def test_help_needs_no_parent_and_takes_all(ovirt):
    run = ovirt("-E", "help create diskattachment", connect=False)
    assert run.status == ExitStatus.OK, run.err
    assert "REQUIRED OPTIONS" in run.out and "--parent-vm-name|identifier" in run.out
    wide = ovirt("-E", "help create vm", environ={"COLUMNS": "100"}, connect=False)
    assert len(wide.out.splitlines()) <= 115
    every = ovirt("-E", "help create vm --all", connect=False)
    assert "OTHER OPTIONS" in every.out and len(every.out.splitlines()) > 300


def test_wait_reads_the_snapshot_status(tmp_path):
    """A simulator whose snapshots stay locked a moment: --wait returns once snapshot_status is ok."""
    from ovirtshell.cli import main
    from ovirtsim.testing import run_simulator

    from support import make_env

    with run_simulator(seed="demo", time_scale=0.05) as slow:
        environ = {"OVIRT_URL": slow.url, "OVIRT_USERNAME": slow.username, "OVIRT_PASSWORD": slow.password}
        env = make_env(tmp_path, environ)
        status = main(["-E", "create snapshot --parent-vm-name vm0 --description shell-snap --wait "
                             "--fields snapshot_status -o csv"], env=env)  # fmt: skip
        assert status == ExitStatus.OK, env.stderr.getvalue()
        assert env.stdout.getvalue().split() == ["field,value", "snapshot_status,ok"]
        env = make_env(tmp_path, environ)  # and the snapshot is found by its description
        status = main(["-E", "show snapshot shell-snap --parent-vm-name vm0 --fields description -o csv"], env=env)
        assert status == ExitStatus.OK, env.stderr.getvalue()
        assert env.stdout.getvalue().split() == ["field,value", "description,shell-snap"]
