"""--curl prints the request as a curl command instead of sending it; run by bash with an SSO
token in $OVIRT_TOKEN, curl (a client nobody here wrote) makes the same change."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from ovirtshell.status import ExitStatus


def sso_token(sim) -> str:
    reply = httpx.post(f"{sim.base}/ovirt-engine/sso/oauth/token", headers={"Accept": "application/json"}, data={
        "grant_type": "password", "scope": "ovirt-app-api", "username": sim.username, "password": sim.password})
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def run_in_bash(script: str, token: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OVIRT_TOKEN": token}
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60)


def test_the_printed_command_makes_the_change(ovirt, sim) -> None:
    sim.reset()
    sim.clear_requests()
    printed = ovirt("-E", "create vm --name bycurl --cluster-name Default --template-name Blank --memory 2GiB --curl")
    assert printed.status == ExitStatus.OK, printed.err
    assert sim.find("vms", "bycurl") is None  # nothing was sent but lookups
    api = [r["method"] for r in sim.requests() if "/ovirt-engine/api" in r["path"]]
    assert api and set(api) == {"GET"}
    token = sso_token(sim)
    assert token not in printed.out and "$OVIRT_TOKEN" in printed.out
    done = run_in_bash(printed.out, token)
    assert done.returncode == 0, done.stderr
    assert "<name>bycurl</name>" in done.stdout
    vm = sim.find("vms", "bycurl")
    assert vm is not None and int(vm["memory"]) == 2 * 1024**3
    start = ovirt("-E", "action vm bycurl start --curl")
    assert run_in_bash(start.out, token).returncode == 0
    assert sim.find("vms", "bycurl")["status"] != "down"


def test_secrets_stay_masked_and_bulk_is_refused(ovirt, sim, tmp_path: Path) -> None:
    secret = tmp_path / "root.pw"
    secret.write_text("S3cret-Root\n")
    sim.update("hosts", sim.find("hosts", "host2")["id"], status="maintenance")
    printed = ovirt("-E", f"action host host2 install --root_password-file {secret} --curl")
    assert printed.status == ExitStatus.OK, printed.err
    assert "S3cret-Root" not in printed.out and "<root_password>********</root_password>" in printed.out
    bulk = ovirt("-E", 'action vms --query "status=down" start --curl')
    assert bulk.status == ExitStatus.SYNTAX_ERROR and "--curl prints one request" in bulk.err
