"""Run the official SDK's example scripts against ovirt-sim and count how many pass.

The scripts come from the ``examples/`` folder of the ``ovirt-engine-sdk-python`` sdist
(downloaded by hand: they are not part of this repository and CI has no network). Each
script runs against a fresh demo simulator, with its connection details substituted and the
objects the examples name (``myvm``, ``mydc``, ``mycluster``, ...) created first. A script
passes when it exits 0 within the time limit. Scripts that need things outside any engine
API (the imageio daemon, Glance, Python 2) are listed as skipped.

    python bench/sdk_examples.py PATH/TO/ovirt-engine-sdk-python-4.6.3/examples [-v]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import ovirtsdk4 as sdk
import ovirtsdk4.types as types

from ovirtsim.testing import DEFAULT_ADMIN_PASSWORD, run_simulator

OUTSIDE = re.compile(r"ovirt_imageio|imageio|glance|Glance|^\s*print [\"']", re.M)
CONN = [
    (re.compile(r"url\s*=\s*'[^']*'"), "url=OVIRT_URL"),
    (re.compile(r"username\s*=\s*'[^']*'"), "username='admin@internal'"),
    (re.compile(r"password\s*=\s*'[^']*'"), f"password='{DEFAULT_ADMIN_PASSWORD}'"),
    (re.compile(r"ca_file\s*=\s*'[^']*'"), "insecure=True"),
    (re.compile(r'ca_file\s*=\s*"[^"]*"'), "insecure=True"),
]


def named_objects(url: str, script: str) -> None:
    """The objects the examples refer to by name, except those the script adds itself."""
    conn = sdk.Connection(url=url, username="admin@internal", password=DEFAULT_ADMIN_PASSWORD)
    system = conn.system_service()

    def wanted(name: str, service: str) -> bool:
        adds = re.search(rf"{service}\w*\.add\(", script) is not None
        return not (adds and re.search(rf"name\s*=\s*['\"]{name}['\"]", script))

    if wanted("mydc", "(data_centers|dcs)_service"):
        system.data_centers_service().add(types.DataCenter(name="mydc", local=False))
    if wanted("mycluster", "clusters_service"):
        system.clusters_service().add(types.Cluster(
            name="mycluster", data_center=types.DataCenter(name="Default"),
            cpu=types.Cpu(type="Intel Nehalem Family")))
    for name, tpl in (("myvm", "centos9"), ("myvm0", "Blank")):
        if wanted(name, "vms_service"):
            system.vms_service().add(types.Vm(name=name, cluster=types.Cluster(name="Default"),
                                              template=types.Template(name=tpl)))
    if wanted("mytemplate", "templates_service"):
        system.templates_service().add(types.Template(name="mytemplate", vm=types.Vm(name="vm2")))
    if wanted("mynetwork", "networks_service") and wanted("mydc", "(data_centers|dcs)_service"):
        system.networks_service().add(types.Network(
            name="mynetwork", data_center=types.DataCenter(name="mydc")))
    if wanted("mytag", "tags_service"):
        system.tags_service().add(types.Tag(name="mytag"))
    if wanted("mylabel", "affinity_labels_service"):
        system.affinity_labels_service().add(types.AffinityLabel(name="mylabel"))
    if wanted("myhost", "hosts_service"):
        system.hosts_service().add(types.Host(name="myhost", address="myhost.example.com",
                                              root_password="x",
                                              cluster=types.Cluster(name="Default")))
    conn.close()


def run_one(script: Path, workdir: Path, timeout: float) -> tuple[bool, str]:
    text = script.read_text()
    for pattern, repl in CONN:
        text = pattern.sub(repl, text)
    with run_simulator(seed="demo", time_scale=0.0) as sim:
        named_objects(sim.url, text)
        target = workdir / script.name
        target.write_text(f"OVIRT_URL = {sim.url!r}\n" + text)
        try:
            proc = subprocess.run([sys.executable, str(target)], cwd=workdir, timeout=timeout,
                                  capture_output=True, text=True)
        except subprocess.TimeoutExpired:
            return False, "timeout"
    last = (proc.stderr.strip().splitlines() or [""])[-1]
    return proc.returncode == 0, last


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("examples", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()
    scripts = sorted(p for p in args.examples.glob("*.py"))
    passed, failed, skipped = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        if (args.examples / "helpers").is_dir():  # the examples' own helper package
            shutil.copytree(args.examples / "helpers", Path(tmp) / "helpers")
        for script in scripts:
            if OUTSIDE.search(script.read_text()):
                skipped.append(script.name)
                continue
            ok, why = run_one(script, Path(tmp), args.timeout)
            (passed if ok else failed).append((script.name, why))
            if args.verbose:
                print(("PASS " if ok else "FAIL ") + script.name + ("" if ok else f": {why}"))
    runnable = len(passed) + len(failed)
    print(f"{len(passed)} of {runnable} runnable examples pass "
          f"({len(skipped)} skipped: imageio, Glance or Python 2)")
    for name, why in failed:
        print(f"  failed: {name}: {why[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
