"""Run the official SDK's example scripts against ovirt-sim and count how many pass.

The scripts come from the ``examples/`` folder of the ``ovirt-engine-sdk-python`` sdist
(downloaded by hand: they are not part of this repository and CI has no network). Each
script runs against a fresh demo simulator (with TLS, so that the scripts verify the engine
with its CA as they would a real one), with its connection details substituted and the
objects the examples name created first, through the API, as an administrator would have
made them (see ``examples_world``; made at once, after which the script sees the engine's
usual delays, time scale 1). A script passes when it exits 0 within the time limit.
Scripts that need things outside any engine API (the imageio daemon, Glance, Python 2) are
listed as skipped.

Scripts built on the examples' ``helpers.common`` read ``~/.config/ovirt.conf``: each script
gets a home directory with that file (section ``engine``) and the arguments listed in
``ARGS``. A script that polls for ever (``FOREVER``) passes when it is still running without
an error after ``--forever-limit`` seconds.

    python bench/sdk_examples.py PATH/TO/ovirt-engine-sdk-python-4.6.3/examples [-v] [NAME...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import ovirtsdk4 as sdk
import ovirtsdk4.types as types

from ovirtsim.testing import DEFAULT_ADMIN_PASSWORD, run_simulator

OUTSIDE = re.compile(r"ovirt_imageio|imageio|glance|Glance|^\s*print [\"']", re.M)
GiB = 2**30

# The connection details written in the scripts, replaced by the simulator's.
CONN = [
    (re.compile(r"\b((?:API_URL|url)\s*=\s*)'https?://[^']*'"), r"\1OVIRT_URL"),
    (re.compile(r"\b((?:API_USER|username)\s*=\s*)'[^']*'"), r"\1'admin@internal'"),
    (re.compile(r"\b((?:API_PASSWORD|password)\s*=\s*)'[^']*'(?=,?\s*$)", re.M),
     rf"\1'{DEFAULT_ADMIN_PASSWORD}'"),
    (re.compile(r"\b((?:API_CA_FILE|ca_file)\s*=\s*)(['\"])[^'\"]*\2"), r"\1OVIRT_CA"),
]

# Command lines of the scripts that take arguments (the ``-c engine`` ones read the
# configuration file). ``{name}`` is filled from ``Env.values``.
ARGS: dict[str, list[str]] = {
    "add_disks.py": ["-c", "engine", "--sd-name", "mydata", "--count", "2"],
    "delete_disks.py": ["-c", "engine", "--sd-name", "mydata"],
    "change_master.py": ["-c", "engine", "mydc", "mydata2"],
    "change_vm_cd.py": ["-c", "engine", "myvm"],
    "checkpoints.py": ["-c", "engine", "list", "{vm:myvm}"],
    "list_disk_snapshots.py": ["-c", "engine", "{disk:mydisk}"],
    "list_storage_domains.py": ["-c", "engine"],
    "reduce_disk.py": ["-c", "engine", "{disk:mydisk}"],
    "cancel_transfer.py": ["--engine-url", "{engine}", "--username", "admin@internal",
                           "--password-file", "{password_file}", "-c", "{ca}",
                           "{transfer:mydisk}"],
    "fix_dup_nic_macs.py": ["--url", "{url}", "--ca", "{ca}"],
}
# Scripts documented as working on what another example made: that one runs first.
AFTER = {"delete_disks.py": "add_disks.py"}
# Scripts that poll until interrupted.
FOREVER = {"poll_events.py"}
# Scripts reading the password from the terminal get it on stdin.
STDIN = {"fix_dup_nic_macs.py": DEFAULT_ADMIN_PASSWORD + "\n"}


def _top_level_adds(script: str, service: str, name: str) -> bool:
    """Whether the script itself adds ``name`` through a top-level ``service``."""
    if not re.search(rf"name\s*=\s*['\"]{re.escape(name)}['\"]", script):
        return False
    if re.search(rf"system_service(?:\(\))?\.(?:{service})\(\)\.add\(", script):
        return True
    bound = re.findall(rf"(\w+)\s*=\s*[\w.]*system_service(?:\(\))?\.(?:{service})\(\)\s*$",
                       script, re.M)
    return any(re.search(rf"\b{v}\.add\(", script) for v in bound)


def examples_world(sim, script: str, needs: set[str]) -> dict[str, str]:
    """The installation the examples are written for, made through the API: data center
    ``mydc`` with cluster ``mycluster`` and host ``myhost``; storage domains ``mydata``
    (master), ``mydata2``, ``bs-scsi-012`` and ``myexport`` attached to it, ``myiso`` not
    attached; network ``mynetwork``; VMs (SPICE display) ``myvm`` (disk ``mydisk``,
    snapshot ``mysnap``), ``myvm0`` (a disk) and ``myvm1``…``myvm3``; template ``mytemplate`` (from ``myvm0``,
    three versions); tag ``mytag`` on
    ``myvm0``, affinity label ``my_affinity_label``, an ipmilan fence agent on ``myhost``;
    in the directory (``/sim/directory``, standing for ``ovirt-aaa-jdbc-tool`` and an LDAP
    profile) users ``myuser`` and ``user2`` and group ``mygroup`` of ``internal-authz`` and
    ``myuser`` of ``mydomain-authz``, the users then added to the engine.

    What the script adds itself is left out; so are the attachments of storage domains
    when the script attaches them. ``myvm`` runs when the script looks it up and stops it
    or asks for a console ticket (without starting it); a paused upload of ``mydisk``
    exists when the arguments name it (``needs``); an OVA the script imports was
    exported from ``myvm0`` (or a template of it) to ``myhost``; an export domain the
    script imports from holds ``myoldvm``, exported and since removed. Returns the values
    ``ARGS`` may refer to."""

    conn = sdk.Connection(url=sim.url, username="admin@internal",
                          password=DEFAULT_ADMIN_PASSWORD, ca_file=sim.ca_file)
    system = conn.system_service()
    values: dict[str, str] = {}

    def adds(service: str, name: str) -> bool:
        return _top_level_adds(script, service, name)

    dcs, clusters, hosts = (system.data_centers_service(), system.clusters_service(),
                            system.hosts_service())
    sds, vms, templates = (system.storage_domains_service(), system.vms_service(),
                           system.templates_service())
    dc = cluster = host = None
    if not adds("data_centers_service", "mydc"):
        dc = dcs.add(types.DataCenter(name="mydc", local=False))
    if dc and not adds("clusters_service", "mycluster"):
        cluster = clusters.add(types.Cluster(
            name="mycluster", data_center=types.DataCenter(id=dc.id),
            cpu=types.Cpu(architecture=types.Architecture.X86_64,
                          type="Intel Conroe Family")))
    if cluster and not adds("hosts_service", "myhost"):
        host = hosts.add(types.Host(name="myhost", address="myhost.example.com",
                                    root_password="x", cluster=types.Cluster(id=cluster.id)))
    attaches = re.search(r"\.storage_domains_service\(\)\s*$", script, re.M) and \
        re.search(r"attached_sds_service\.add\(", script)
    domains = [("mydata", types.StorageDomainType.DATA), ("mydata2", types.StorageDomainType.DATA),
               ("myexport", types.StorageDomainType.EXPORT),
               ("myiso", types.StorageDomainType.ISO)]
    made = {}
    for name, kind in domains if host else ():
        if adds("storage_domains_service", name):
            continue
        made[name] = sds.add(types.StorageDomain(
            name=name, type=kind, host=types.Host(id=host.id),
            storage=types.HostStorage(type=types.StorageType.NFS,
                                      address="nfs.example.com", path=f"/exports/{name}")))
    if host and not adds("storage_domains_service", "bs-scsi-012"):
        made["bs-scsi-012"] = sds.add(types.StorageDomain(
            name="bs-scsi-012", type=types.StorageDomainType.DATA,
            host=types.Host(id=host.id),
            storage=types.HostStorage(type=types.StorageType.ISCSI, logical_units=[
                types.LogicalUnit(id="36001405e396b3d9c9a54284a51685f9a",
                                  address="iscsi.example.com", port=3260,
                                  target="iqn.2014-07.org.ovirt:storage")])))
    attached = dcs.data_center_service(dc.id).storage_domains_service() if dc else None
    for name, sd in made.items():
        if attached is None or name == "myiso" or (attaches and name in script):
            continue
        attached.add(types.StorageDomain(id=sd.id))
    if dc and not adds("networks_service", "mynetwork"):
        system.networks_service().add(types.Network(
            name="mynetwork", data_center=types.DataCenter(id=dc.id)))
    with httpx.Client(base_url=sim.base, verify=sim.ca_file) as control:
        for kind, name, domain in (("users", "myuser", "internal-authz"),
                                   ("users", "user2", "internal-authz"),
                                   ("users", "myuser", "mydomain-authz"),
                                   ("groups", "mygroup", "internal-authz")):
            control.post(f"/sim/directory/{kind}", json={"name": name, "domain": domain}
                         ).raise_for_status()
    for principal in ("myuser@internal-authz", "user2@internal-authz", "myuser@mydomain-authz"):
        if not adds("users_service", principal.split("@")[0]):
            system.users_service().add(types.User(
                user_name=principal, domain=types.Domain(name=principal.split("@")[1])))
    mytag = not adds("tags_service", "mytag")
    if mytag:
        system.tags_service().add(types.Tag(name="mytag"))
    if not adds("affinity_labels_service", "my_affinity_label"):
        system.affinity_labels_service().add(types.AffinityLabel(name="my_affinity_label"))
    if host and not re.search(r"fence_agents_service\.add\(", script):
        hosts.host_service(host.id).fence_agents_service().add(types.Agent(
            address="myhost-ipmi.example.com", type="ipmilan", username="admin",
            password="x", order=1))
    if cluster:
        for name in ("myvm", "myvm0", "myvm1", "myvm2", "myvm3", "myagent"):
            if adds("vms_service|external_vm_imports_service", name):
                continue
            vm = vms.add(types.Vm(name=name, cluster=types.Cluster(id=cluster.id),
                                  template=types.Template(name="Blank"), memory=1 * GiB,
                                  display=types.Display(type=types.DisplayType.SPICE)))
            values[f"vm:{name}"] = vm.id
    myvm = vms.list(search="name=myvm")
    if myvm and "mydata" in made and not (
            re.search(r"disk(_attachment)?s_service\.add\(", script)
            and re.search(r"name\s*=\s*['\"]mydisk['\"]", script)):
        att = vms.vm_service(myvm[0].id).disk_attachments_service().add(types.DiskAttachment(
            disk=types.Disk(name="mydisk", format=types.DiskFormat.COW,
                            provisioned_size=10 * GiB,
                            storage_domains=[types.StorageDomain(id=made["mydata"].id)]),
            interface=types.DiskInterface.VIRTIO, bootable=True, active=True))
        values["disk:mydisk"] = att.disk.id
    source = vms.list(search="name=myvm0")
    if source and "mydata" in made:
        vms.vm_service(source[0].id).disk_attachments_service().add(types.DiskAttachment(
            disk=types.Disk(name="myvm0_disk", format=types.DiskFormat.COW,
                            provisioned_size=10 * GiB,
                            storage_domains=[types.StorageDomain(id=made["mydata"].id)]),
            interface=types.DiskInterface.VIRTIO, bootable=True, active=True))
    if source and not adds("templates_service|external_template_imports_service", "mytemplate"):
        base = templates.add(types.Template(name="mytemplate", vm=types.Vm(id=source[0].id)))
        for number in (2, 3):
            templates.add(types.Template(
                name="mytemplate", vm=types.Vm(id=source[0].id),
                version=types.TemplateVersion(base_template=types.Template(id=base.id),
                                              version_name=f"v{number}")))
    if myvm and not re.search(r"snapshots_service\.add\(", script):
        vms.vm_service(myvm[0].id).snapshots_service().add(
            types.Snapshot(description="mysnap", persist_memorystate=False))
    myvm0 = vms.list(search="name=myvm0")
    if myvm0 and mytag and not (re.search(r"vm_service\.tags_service\(\)", script)
                                and re.search(r"tags_service\.add\(", script)):
        vms.vm_service(myvm0[0].id).tags_service().add(types.Tag(name="mytag"))
    if myvm and re.search(r"name=myvm['\"]", script) and \
            re.search(r"\.(stop|shutdown|ticket)\(", script) and not re.search(r"\.start\(", script):
        vms.vm_service(myvm[0].id).start()
    ova = re.search(r"url='ova://(/.*)/([^/']+)'", script)
    if ova and host and source:  # an OVA the script imports, exported earlier from myvm0
        directory, filename = ova.groups()
        if "ExternalTemplateImport" in script:
            tpl = templates.add(types.Template(name="myovatemplate",
                                               vm=types.Vm(id=source[0].id)))
            templates.template_service(tpl.id).export_to_path_on_host(
                host=types.Host(id=host.id), directory=directory, filename=filename)
        else:
            vms.vm_service(source[0].id).export_to_path_on_host(
                host=types.Host(id=host.id), directory=directory, filename=filename)
    if "myexport" in made and re.search(r"import_\(", script) and "export_sd" in script:
        old = vms.add(types.Vm(name="myoldvm", cluster=types.Cluster(id=cluster.id),
                               template=types.Template(name="Blank"), memory=1 * GiB))
        vms.vm_service(old.id).export(exclusive=True, storage_domain=types.StorageDomain(
            id=made["myexport"].id))
        vms.vm_service(old.id).remove()  # exported earlier, since removed from the engine
    if "transfer:mydisk" in needs and "disk:mydisk" in values:
        transfers = system.image_transfers_service()
        transfer = transfers.add(types.ImageTransfer(
            disk=types.Disk(id=values["disk:mydisk"]), direction=types.ImageTransferDirection.UPLOAD))
        transfers.image_transfer_service(transfer.id).pause()
        values["transfer:mydisk"] = transfer.id
    conn.close()
    return values


class Env:
    """One script's surroundings: its work directory, home (with ``ovirt.conf``), values."""

    def __init__(self, workdir: Path, sim, values: dict[str, str]) -> None:
        self.workdir = workdir
        self.home = workdir / "home"
        (self.home / ".config").mkdir(parents=True, exist_ok=True)
        engine = sim.url.removesuffix("/ovirt-engine/api")
        pwfile = self.home / "password"
        pwfile.write_text(DEFAULT_ADMIN_PASSWORD + "\n")
        (self.home / ".config" / "ovirt.conf").write_text(
            f"[engine]\nengine_url = {engine}\nusername = admin@internal\n"
            f"password = {DEFAULT_ADMIN_PASSWORD}\ncafile = {sim.ca_file}\n")
        self.values = {**values, "engine": engine, "url": sim.url, "ca": sim.ca_file,
                       "password_file": str(pwfile)}

    def argv(self, name: str) -> list[str]:
        return [re.sub(r"\{([^}]+)\}", lambda m: self.values.get(m.group(1), m.group(0)), a)
                for a in ARGS.get(name, [])]


def prepare(script: Path, workdir: Path, sim) -> Path:
    text = script.read_text()
    for pattern, repl in CONN:
        text = pattern.sub(repl, text)
    target = workdir / script.name
    target.write_text(f"OVIRT_URL = {sim.url!r}\nOVIRT_CA = {sim.ca_file!r}\n" + text)
    return target


def execute(target: Path, env: Env, timeout: float, forever: bool) -> tuple[bool, str]:
    proc = subprocess.Popen([sys.executable, str(target), *env.argv(target.name)],
                            cwd=env.workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HOME": str(env.home)})
    try:
        _, err = proc.communicate(STDIN.get(target.name, ""), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        if forever and "Traceback" not in err:
            return True, f"still running without error after {timeout:.0f} s"
        return False, "timeout"
    last = (err.strip().splitlines() or [""])[-1]
    return proc.returncode == 0, last


def run_one(script: Path, workdir: Path, timeout: float, forever_limit: float = 15
            ) -> tuple[bool, str]:
    with run_simulator(seed="demo", time_scale=1.0, tls=True) as sim:
        # The world is made at once; the script then sees the engine's delays.
        scheduler = sim.state.scheduler
        scheduler.time_scale = 0.0
        first = AFTER.get(script.name)
        needs = {m for a in ARGS.get(script.name, []) for m in re.findall(r"\{([^}]+)\}", a)}
        try:
            values = examples_world(sim, script.read_text() + (
                (script.parent / first).read_text() if first else ""), needs)
        except (sdk.Error, httpx.HTTPError) as e:
            return False, f"prelude: {e}"
        scheduler.time_scale = 1.0
        env = Env(workdir, sim, values)
        if first:
            ok, why = execute(prepare(script.parent / first, workdir, sim), env, timeout, False)
            if not ok:
                return False, f"{first} (run first): {why}"
        forever = script.name in FOREVER
        return execute(prepare(script, workdir, sim), env,
                       forever_limit if forever else timeout, forever)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("examples", type=Path)
    ap.add_argument("names", nargs="*", help="run only these scripts (file names or stems)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--forever-limit", type=float, default=15)
    args = ap.parse_intermixed_args()
    wanted = {n.removesuffix(".py") for n in args.names}
    scripts = sorted(p for p in args.examples.glob("*.py")
                     if not wanted or p.stem in wanted)
    passed, failed, skipped = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        if (args.examples / "helpers").is_dir():  # the examples' own helper package
            shutil.copytree(args.examples / "helpers", Path(tmp) / "helpers")
        for script in scripts:
            if OUTSIDE.search(script.read_text()):
                skipped.append(script.name)
                continue
            ok, why = run_one(script, Path(tmp), args.timeout, args.forever_limit)
            (passed if ok else failed).append((script.name, why))
            if args.verbose:
                print(("PASS " if ok else "FAIL ") + script.name + (f": {why}" if why else ""))
    runnable = len(passed) + len(failed)
    print(f"{len(passed)} of {runnable} runnable examples pass "
          f"({len(skipped)} skipped: imageio, Glance or Python 2)")
    for name, why in passed:
        if name in FOREVER:
            print(f"  passed: {name}: {why}")
    for name, why in failed:
        print(f"  failed: {name}: {why[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
