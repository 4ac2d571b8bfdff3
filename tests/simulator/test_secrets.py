"""Secrets in ovirt-sim: the default password, hashing, the data file, what GET returns."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from lxml import etree

from ovirtsim.core.seed import DIRECTORY_USERS
from ovirtsim.testing import DEFAULT_ADMIN_PASSWORD, SimulatorHandle, run_simulator


def test_default_password_is_in_no_url_and_no_common_output(sim: SimulatorHandle) -> None:
    # Ansible's no_log masks every occurrence of the password in a module's result
    assert sim.password == DEFAULT_ADMIN_PASSWORD
    for text in (sim.url, "/ovirt-engine/api", "https://localhost:443", "127.0.0.1",
                 "admin@internal", "ovirt-sim", "ovirtsdk4"):
        assert DEFAULT_ADMIN_PASSWORD not in text
    api = httpx.get(sim.url + "/vms", auth=(sim.username, sim.password))
    assert api.status_code == 200
    assert DEFAULT_ADMIN_PASSWORD not in api.text


XML = {"Content-Type": "application/xml"}
JSON = {"Accept": "application/json"}
SECRET = "Qz7-not-to-be-returned"


def _id(root: bytes) -> str:
    return etree.fromstring(root).get("id")


def test_every_password_of_the_model_is_never_rendered(sim: SimulatorHandle) -> None:
    model = sim.sim.model
    secret_types = {t: [m for m in model.members(t).values() if m.secret] for t in model.types}
    secret_types = {t: ms for t, ms in secret_types.items() if ms}
    assert {"initialization", "agent", "storage_connection", "external_vm_import", "user",
            "host", "action"} <= secret_types.keys()
    codec = sim.sim.renderer.codec("/ovirt-engine/api")
    for type_name, members in secret_types.items():
        data = {m.name: SECRET for m in members} | {"id": "x", "name": "n"}
        parts: list[str] = []
        codec.xml_struct(parts, type_name, type_name, data)
        assert SECRET not in "".join(parts), type_name
        assert SECRET not in json.dumps(codec.json_struct(type_name, data)), type_name


def test_passwords_sent_are_neither_returned_nor_stored(tmp_path: Path) -> None:
    data = tmp_path / "sim.db"
    with run_simulator(data=str(data)) as sim, \
            httpx.Client(base_url=sim.url, auth=(sim.username, sim.password), headers=XML) as api:
        vm = api.post("/vms", content=(
            "<vm><name>secretive</name><cluster><name>Default</name></cluster>"
            "<template><name>Blank</name></template><initialization>"
            f"<host_name>h1</host_name><root_password>{SECRET}</root_password>"
            "</initialization></vm>"))
        assert vm.status_code == 201 and SECRET not in vm.text
        vid = _id(vm.content)
        got = api.get(f"/vms/{vid}")
        assert SECRET not in got.text and "<host_name>h1</host_name>" in got.text
        assert SECRET not in api.get(f"/vms/{vid}", headers=JSON).text
        host = etree.fromstring(api.get("/hosts").content)[0].get("id")
        agent = api.post(f"/hosts/{host}/fenceagents", content=(
            f"<agent><address>10.0.0.9</address><username>ipmi</username>"
            f"<password>{SECRET}</password></agent>"))
        assert agent.status_code == 201 and SECRET not in agent.text
        assert SECRET not in api.get(f"/hosts/{host}/fenceagents").text
        conn = api.post("/storageconnections", content=(
            "<storage_connection><type>iscsi</type><address>10.0.0.7</address>"
            "<port>3260</port><target>iqn.2026-01.sim:t</target><username>chap</username>"
            f"<password>{SECRET}</password></storage_connection>"))
        assert conn.status_code == 201, conn.text
        assert SECRET not in conn.text and SECRET not in api.get("/storageconnections").text
        install = api.post(f"/hosts/{host}/install",
                           content=f"<action><root_password>{SECRET}</root_password></action>")
        assert SECRET not in install.text
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert SECRET.encode() not in raw


def _files(data: Path) -> list[Path]:
    return [p for p in data.parent.iterdir() if p.name.startswith(data.name)]


def test_data_file_is_private_and_holds_only_hashes(tmp_path: Path) -> None:
    data = tmp_path / "state.db"
    old = os.umask(0o022)
    try:
        with run_simulator(data=str(data), admin_password=SECRET) as sim:
            assert httpx.get(sim.url, auth=(sim.username, SECRET)).status_code == 200
            assert httpx.get(sim.url, auth=(sim.username, SECRET + "x")).status_code == 401
            assert {p.name for p in _files(data)} >= {"state.db", "state.db-wal"}
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in _files(data)}
            assert set(modes.values()) == {0o600}, modes
            table = sim.sim.store.meta_get("passwords")
            assert set(table) == set(DIRECTORY_USERS)  # the directory's users, no others
            assert all(v.startswith("scrypt$") for v in table.values())
            salts = {v.split("$")[4] for v in table.values()}
            assert len(salts) == len(DIRECTORY_USERS)  # one salt per user
        raw = b"".join(p.read_bytes() for p in _files(data))
        assert SECRET.encode() not in raw
        assert b'"user": "user"' not in raw and b'"user":"user"' not in raw
    finally:
        os.umask(old)


def test_an_older_file_with_clear_passwords_is_hashed_and_narrowed(tmp_path: Path) -> None:
    data = tmp_path / "old.db"
    with run_simulator(data=str(data)):
        pass
    db = sqlite3.connect(data)
    db.execute("UPDATE meta SET value = ? WHERE key = 'passwords'",
               (json.dumps({"admin": "whatever", "user": SECRET}),))
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data.chmod(0o644)
    assert SECRET.encode() in data.read_bytes()
    with run_simulator(data=str(data)) as sim:
        assert stat.S_IMODE(data.stat().st_mode) == 0o600
        assert httpx.get(sim.url, auth=("user@internal", SECRET)).status_code == 200
        assert httpx.get(sim.url, auth=(sim.username, sim.password)).status_code == 200
        sim.sim.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() not in b"".join(p.read_bytes() for p in _files(data))


def test_the_admin_cannot_be_removed_nor_can_users_remove_themselves(sim: SimulatorHandle) -> None:
    with httpx.Client(base_url=sim.url, auth=(sim.username, sim.password)) as admin:
        users = {e.findtext("name"): e.get("id")
                 for e in etree.fromstring(admin.get("/users").content)}
        gone = admin.delete(f"/users/{users['admin']}")
        assert gone.status_code == 409
        assert "[Cannot remove User. User is currently logged in.]" in gone.text
        assert admin.get("/vms").status_code == 200
    me = httpx.delete(f"{sim.url}/users/{users['user']}", auth=("user@internal", "user"))
    assert me.status_code in (403, 404, 409)
    assert sim.get("users", users["user"]) is not None


def test_password_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ovirtsim.__main__ import admin_password, build_parser, main

    pw = tmp_path / "pw"
    pw.write_text(SECRET + "\nsecond line\n")
    parse = build_parser().parse_args
    assert admin_password(parse(["--admin-password-file", str(pw)]), {}) == SECRET
    assert admin_password(parse([]), {"OVIRT_SIM_ADMIN_PASSWORD": "from-env"}) == "from-env"
    assert admin_password(parse(["--admin-password", "flag"]),
                          {"OVIRT_SIM_ADMIN_PASSWORD": "from-env"}) == "flag"
    assert admin_password(parse([]), {}) == DEFAULT_ADMIN_PASSWORD
    with pytest.raises(SystemExit) as both:
        parse(["--admin-password", "x", "--admin-password-file", str(pw)])
    assert both.value.code == 2
    capsys.readouterr()
    for content in (b"", b"\n", b"\xff\xfe", b"a" * 5000):
        pw.write_bytes(content)
        assert main(["--listen", "127.0.0.1:0", "--admin-password-file", str(pw)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("ovirt-sim: the password file") and err.count("\n") == 1
    assert main(["--admin-password-file", str(tmp_path / "missing")]) == 1
    assert "cannot read the password file" in capsys.readouterr().err


def test_password_from_the_environment_in_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "OVIRT_SIM_ADMIN_PASSWORD": SECRET}
    proc = subprocess.Popen([sys.executable, "-m", "ovirtsim", "--listen", "127.0.0.1:0",
                             "--seed", "empty"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = dict(proc.stdout.readline().strip()[len("export "):].split("=", 1)
                     for _ in range(3))
        assert lines["OVIRT_PASSWORD"] == SECRET  # printed as ever, never in argv
        assert SECRET not in " ".join(proc.args)
        assert httpx.get(lines["OVIRT_URL"], auth=("admin@internal", SECRET)).status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=60) == 0


def _start(data: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "ovirtsim", "--listen", "127.0.0.1:0",
                             "--data", str(data), "--time-scale", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    exports = dict(proc.stdout.readline().strip()[len("export "):].split("=", 1)
                   for _ in range(3))
    return proc, exports["OVIRT_URL"]


def test_kill_9_during_concurrent_creates_leaves_only_whole_vms(tmp_path: Path) -> None:
    data = tmp_path / "crash.db"
    proc, url = _start(data)
    auth = ("admin@internal", DEFAULT_ADMIN_PASSWORD)
    acknowledged: list[str] = []
    enough = threading.Event()

    def create(worker: int) -> None:
        with httpx.Client(base_url=url, auth=auth, headers=XML, timeout=30) as api:
            for i in range(200):
                body = (f"<vm><name>crash-{worker}-{i}</name><cluster><name>Default</name>"
                        "</cluster><template><name>centos9</name></template></vm>")
                try:
                    r = api.post("/vms", content=body)
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 201:
                    acknowledged.append(_id(r.content))
                    if len(acknowledged) >= 16:
                        enough.set()

    workers = [threading.Thread(target=create, args=(w,)) for w in range(4)]
    try:
        for w in workers:
            w.start()
        assert enough.wait(120), "no VM was created"
        proc.send_signal(signal.SIGKILL)  # while the workers keep creating
        proc.wait()
        for w in workers:
            w.join(60)
    finally:
        if proc.poll() is None:
            proc.kill()
    proc, url = _start(data)
    try:
        with httpx.Client(base_url=url, auth=auth) as api:
            vms = {e.get("id"): e.findtext("name")
                   for e in etree.fromstring(api.get("/vms").content)}
            assert set(acknowledged) <= vms.keys()
            made = [vid for vid, name in vms.items() if name.startswith("crash-")]
            assert len(made) >= len(acknowledged)
            disks = {e.get("id") for e in etree.fromstring(api.get("/disks").content)}
            for vid in made:
                assert len(etree.fromstring(api.get(f"/vms/{vid}/nics").content)) == 1, vid
                attached = etree.fromstring(api.get(f"/vms/{vid}/diskattachments").content)
                assert len(attached) == 1, vid
                assert attached[0].find("disk").get("id") in disks
    finally:
        proc.terminate()
        proc.wait(60)
