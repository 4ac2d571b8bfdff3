"""The ``ovirt-sim`` program: export lines, clean SIGTERM exit, state kept across restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ovirtsim.testing import DEFAULT_ADMIN_PASSWORD

from support import stop


@contextmanager
def simulator_process(*args: str) -> Iterator[tuple[subprocess.Popen, list[str]]]:
    """Start ``python -m ovirtsim`` and read its export lines."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovirtsim", "--listen", "127.0.0.1:0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for _ in range(3):
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"simulator exited early: {proc.stderr.read() if proc.stderr else ''}")
            lines.append(line.rstrip("\n"))
        if "--tls" in args:
            lines.append(proc.stdout.readline().rstrip("\n"))
        yield proc, lines
    finally:
        stop(proc)


def _env(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        assert line.startswith("export ")
        key, _, value = line[len("export "):].partition("=")
        out[key] = value
    return out


def test_prints_exports_and_exits_zero_on_sigterm(tmp_path: Path) -> None:
    with simulator_process("--data", str(tmp_path / "sim.db"), "--time-scale", "0") as (proc, lines):
        env = _env(lines)
        assert env["OVIRT_URL"].startswith("http://127.0.0.1:")
        assert env["OVIRT_URL"].endswith("/ovirt-engine/api")
        assert env["OVIRT_USERNAME"] == "admin@internal"
        assert env["OVIRT_PASSWORD"] == DEFAULT_ADMIN_PASSWORD
        resp = httpx.get(env["OVIRT_URL"], auth=(env["OVIRT_USERNAME"], env["OVIRT_PASSWORD"]))
        assert resp.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0


def test_sigint_exits_zero() -> None:
    with simulator_process("--seed", "empty") as (proc, lines):
        env = _env(lines)
        vms = httpx.get(env["OVIRT_URL"] + "/vms", auth=("admin@internal", env["OVIRT_PASSWORD"]))
        assert vms.status_code == 200 and "<vms/>" in vms.text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0


def test_restart_keeps_state(tmp_path: Path) -> None:
    data = str(tmp_path / "state.db")
    with simulator_process("--data", data, "--time-scale", "0") as (proc, lines):
        env = _env(lines)
        auth = ("admin@internal", env["OVIRT_PASSWORD"])
        before = httpx.get(env["OVIRT_URL"] + "/vms", auth=auth,
                           headers={"Accept": "application/json"}).json()
        created = httpx.post(env["OVIRT_URL"] + "/vms", auth=auth,
                             headers={"Content-Type": "application/xml",
                                      "Accept": "application/json"},
                             content="<vm><name>keeper</name><cluster><name>Default</name>"
                                     "</cluster><template><name>Blank</name></template></vm>")
        assert created.status_code == 201
        new_id = created.json()["id"]
        vm2 = next(v["id"] for v in before["vm"] if v["name"] == "vm2")
        httpx.post(env["OVIRT_URL"] + f"/vms/{vm2}/start", auth=auth, content="<action/>",
                   headers={"Content-Type": "application/xml"})
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    with simulator_process("--data", data, "--time-scale", "0") as (proc, lines):
        env = _env(lines)
        after = httpx.get(env["OVIRT_URL"] + "/vms", auth=("admin@internal", env["OVIRT_PASSWORD"]),
                          headers={"Accept": "application/json"}).json()
        ids = {v["name"]: v["id"] for v in after["vm"]}
        assert ids["keeper"] == new_id
        assert {v["name"]: v["id"] for v in before["vm"]}.items() <= ids.items()
        status = {v["name"]: v["status"] for v in after["vm"]}
        assert status["vm2"] == "up" and status["keeper"] == "down"


def test_same_seed_same_ids() -> None:
    ids = []
    for _ in range(2):
        with simulator_process("--seed", "demo") as (_proc, lines):
            env = _env(lines)
            vms = httpx.get(env["OVIRT_URL"] + "/vms", auth=("admin@internal", env["OVIRT_PASSWORD"]),
                            headers={"Accept": "application/json"}).json()
            ids.append(sorted((v["name"], v["id"]) for v in vms["vm"]))
    assert ids[0] == ids[1]


def test_tls_process_and_admin_password(tmp_path: Path) -> None:
    data = tmp_path / "tls.db"
    with simulator_process("--tls", "--data", str(data), "--admin-password", "s3cret") as (_p, lines):
        env = _env(lines)
        assert env["OVIRT_URL"].startswith("https://127.0.0.1:")
        assert env["OVIRT_PASSWORD"] == "s3cret"
        ca = Path(env["OVIRT_CAFILE"])
        assert ca.exists() and ca.parent.name == "tls.db.pki"
        first = ca.read_text()
    with simulator_process("--tls", "--data", str(data), "--admin-password", "s3cret") as (_p, lines):
        assert Path(_env(lines)["OVIRT_CAFILE"]).read_text() == first  # reused, not regenerated


@pytest.mark.parametrize("bad", [["--seed", "bogus"], ["--listen", "nonsense"]])
def test_bad_arguments(bad: list[str]) -> None:
    res = subprocess.run([sys.executable, "-m", "ovirtsim", *bad],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ})
    assert res.returncode != 0 and res.stderr
