"""Ansible's ``ovirt.ovirt`` modules against ``ovirt-sim`` started with its defaults.

The playbooks in ``playbooks/`` are run by the real ``ansible-playbook`` (the ``ansible``
package of the test extra ships the collection) against the real ``ovirt-sim`` program:
its own port, seed, time scale and admin password, the connection taken from its export
lines as a user would (``eval "$(ovirt-sim)"``). Each playbook asserts what it reads back;
the simulator's request log then shows, independently of Ansible, what was sent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import stop

PLAYBOOKS = Path(__file__).parent / "playbooks"
BIN = Path(sys.executable).parent


@pytest.fixture
def engine() -> Iterator[dict[str, str]]:
    """``ovirt-sim`` with its defaults (a free port only); yields its exported settings."""
    proc = subprocess.Popen([str(BIN / "ovirt-sim"), "--listen", "127.0.0.1:0",
                             "--exit-with-parent"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        exported = {}
        for _ in range(3):
            line = proc.stdout.readline()
            assert line.startswith("export "), f"ovirt-sim said {line!r}"
            key, _, value = line[len("export "):].strip().partition("=")
            exported[key] = value
        yield exported
    finally:
        stop(proc)


def play(name: str, engine: dict[str, str], workdir: Path) -> str:
    """Run one playbook verbosely; fail with its output unless every task passed."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(engine, HOME=str(workdir), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="False",
               ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"), PYTHONWARNINGS="ignore",
               LC_ALL="C.UTF-8")  # Ansible refuses to run without a UTF-8 locale
    done = subprocess.run([str(BIN / "ansible-playbook"), "-v", str(PLAYBOOKS / name)],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "failed=0" in output, output[-6000:]
    return output


def sent(engine: dict[str, str]) -> list[tuple[str, str, int]]:
    """The simulator's request log: (method, path below the API, status)."""
    base = engine["OVIRT_URL"].split("/ovirt-engine/")[0]
    log = httpx.get(f"{base}/sim/requests", timeout=30).json()
    return [(r["method"], r["path"].split("/ovirt-engine/api")[-1], r["status"]) for r in log]


def test_vm_lifecycle_with_the_default_password(engine: dict[str, str], tmp_path: Path) -> None:
    output = play("vm_lifecycle.yml", engine, tmp_path)
    # Ansible masks the password (no_log) wherever it occurs: the default one must not
    # occur in the engine's URL, or every module would be sent to a masked URL
    assert engine["OVIRT_PASSWORD"] not in output
    assert "/ovirt-engine/api" in output and "********" not in engine["OVIRT_URL"]
    log = sent(engine)
    created = [p for m, p, s in log if m == "POST" and p == "/vms" and s == 201]
    assert len(created) == 1
    vm = next(p.split("/")[2] for m, p, s in log if m == "POST" and p.endswith("/start"))
    assert ("POST", f"/vms/{vm}/start", 200) in log
    assert ("DELETE", f"/vms/{vm}", 200) in log
    assert not [entry for entry in log if entry[2] >= 500]


def test_compute_modules(engine: dict[str, str], tmp_path: Path) -> None:
    play("compute.yml", engine, tmp_path)
    log = sent(engine)
    writes = {(m, p.split("/")[1]) for m, p, s in log if m != "GET" and s < 300}
    for expected in [("POST", "vms"), ("POST", "disks"), ("PUT", "disks"), ("POST", "templates"),
                     ("POST", "networks"), ("POST", "clusters"), ("PUT", "clusters"),
                     ("POST", "affinitylabels"), ("DELETE", "templates"), ("DELETE", "vms"),
                     ("POST", "hosts")]:
        assert expected in writes
    assert not [entry for entry in log if entry[2] >= 500]


def test_directory_users_groups_permissions_roles(engine: dict[str, str],
                                                 tmp_path: Path) -> None:
    play("directory.yml", engine, tmp_path)
    log = sent(engine)
    for coll in ("users", "groups", "roles", "permissions"):
        assert ("POST", f"/{coll}", 201) in log or any(
            m == "POST" and p.endswith(f"/{coll}") and s == 201 for m, p, s in log)
    assert not [entry for entry in log if entry[2] >= 500]


def test_storage_domains_nfs_and_iscsi(engine: dict[str, str], tmp_path: Path) -> None:
    play("storage.yml", engine, tmp_path)
    log = sent(engine)
    host_actions = {p.rsplit("/", 1)[1] for m, p, s in log
                    if m == "POST" and p.startswith("/hosts/") and s == 200}
    assert "iscsilogin" in host_actions
    assert sum(1 for m, p, s in log if (m, p, s) == ("POST", "/storagedomains", 201)) == 2
    assert not [entry for entry in log if entry[2] >= 500]


def test_cluster_upgrade_role(engine: dict[str, str], tmp_path: Path) -> None:
    output = play("cluster_upgrade.yml", engine, tmp_path)
    assert "rescued=0" in output  # the role's own failure handler never ran
    log = sent(engine)
    posted = [p.split("/") for m, p, s in log if m == "POST" and s in (200, 201)]
    hosts = [p[3] for p in posted if p[1] == "hosts" and len(p) == 4]
    assert sorted(hosts) == ["upgrade"] * 3 + ["upgradecheck"] * 3  # each of the 3 hosts
    assert any(p[1] == "clusters" and p[-1] == "upgrade" for p in posted)  # its progress
    steps_ended = [p for p in posted if p[1] == "jobs" and "steps" in p and p[-1] == "end"]
    assert len(steps_ended) == 6  # prepare and upgrade, per host
    assert not [entry for entry in log if entry[2] >= 500]
