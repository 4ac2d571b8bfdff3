"""Every exit status of DESIGN §4.1, through the real entry point against the simulator."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from ovirtshell.status import ExitStatus


def test_ok_lists_the_demo_vms(ovirt):
    run = ovirt("-E", "list vms")
    assert run.status == ExitStatus.OK, run.err
    assert "name       : vm0" in run.out
    assert run.err == ""


def test_unknown_type_is_a_syntax_error_with_a_suggestion(ovirt):
    run = ovirt("-E", "list vmz")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert run.err.strip() == "error: unknown type 'vmz' (did you mean vms?)"


def test_unknown_option_is_a_syntax_error_never_ignored(ovirt):
    run = ovirt("-E", "create vm --name x --cluster-name Default --template-name Blank --memroy 1GiB")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "--memroy" in run.err and "--memory" in run.err


def test_bad_enum_value_lists_the_valid_ones(ovirt):
    run = ovirt("-E", "create vm --name x --cluster-name Default --template-name Blank --display-type rdp")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "spice" in run.err and "vnc" in run.err


def test_unknown_command_is_a_syntax_error(ovirt):
    run = ovirt("-E", "lsit vms")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "did you mean list" in run.err


def test_missing_vm_is_not_found(ovirt):
    run = ovirt("-E", "show vm no-such-vm")
    assert run.status == ExitStatus.NOT_FOUND
    assert run.err.strip() == "error: vm 'no-such-vm' not found"


def test_missing_parent_is_not_found(ovirt):
    run = ovirt("-E", "list nics --parent-vm-name no-such-vm")
    assert run.status == ExitStatus.NOT_FOUND


def test_engine_fault_is_remote_error_with_reason_and_detail(ovirt, sim):
    run = ovirt("-E", "delete vm vm0")  # vm0 is up in the demo seed: the engine refuses
    assert run.status == ExitStatus.REMOTE_ERROR
    assert "Cannot remove VM. VM is running." in run.err
    assert "409" in run.err


def test_injected_fault_is_remote_error(ovirt, sim):
    sim.inject_fault(method="POST", path_regex=r"/vms/[^/]+/start$", status=409,
                     detail="[Cannot run VM. Disk is locked.]", count=1)
    try:
        run = ovirt("-E", "action vm vm2 start")
    finally:
        sim.clear_faults()
    assert run.status == ExitStatus.REMOTE_ERROR
    assert "Disk is locked" in run.err


def test_not_connected_is_command_error(ovirt):
    run = ovirt("-E", "list vms", connect=False)
    assert run.status == ExitStatus.COMMAND_ERROR
    assert "connect" in run.err


def test_unreachable_engine_is_communication_error(ovirt):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = ovirt("-E", "list vms", environ={"OVIRT_URL": f"http://127.0.0.1:{port}/ovirt-engine/api"})
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert len(run.err.strip().splitlines()) == 1
    assert "Traceback" not in run.err


def test_wrong_password_is_authentication_error_without_the_password(ovirt):
    run = ovirt("-E", "list vms", environ={"OVIRT_PASSWORD": "wrong-secret-pw"})
    assert run.status == ExitStatus.AUTHENTICATION_ERROR
    assert "incorrect" in run.err
    assert "wrong-secret-pw" not in run.err + run.out


def test_ambiguous_name_is_command_error_listing_candidates(ovirt, sim):
    run = ovirt("-E", "create tag --name twin; create tag --name twin2")
    assert run.status == ExitStatus.OK, run.err
    twin2 = sim.find("tags", "twin2")
    sim.update("tags", twin2["id"], name="twin")  # engines allow duplicate names in places
    run = ovirt("-E", "show tag twin")
    assert run.status == ExitStatus.COMMAND_ERROR
    assert "ambiguous" in run.err and twin2["id"] in run.err


def test_wait_deadline_is_timeout(ovirt, sim):
    """The engine accepts the removal but the VM never goes away: --wait gives up with TIMEOUT."""
    sim.inject_fault(method="DELETE", path_regex=r"/vms/[^/]+$", status=200, count=None,
                     body="<action><status>complete</status></action>")
    try:
        run = ovirt("-E", "delete vm vm4 --wait --timeout 1")
    finally:
        sim.clear_faults()
    assert run.status == ExitStatus.TIMEOUT
    assert run.err.strip() == "error: timed out after 1 s waiting for vm vm4 (still present)"
    assert sim.find("vms", "vm4") is not None


def test_json_errors_on_stderr_carry_the_status_name(ovirt):
    run = ovirt("-o", "json", "-E", "show vm no-such-vm")
    assert run.status == ExitStatus.NOT_FOUND
    error = json.loads(run.err)["error"]
    assert error == {"status": 11, "name": "NOT_FOUND", "message": "vm 'no-such-vm' not found"}


def test_ctrl_c_is_interrupted(sim, tmp_path):
    """SIGINT during a command: the process exits INTERRUPTED (3), no traceback."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ovirtshell", "-E", "!sleep 30; list vms"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the shell has started the sleep
        out = subprocess.run(["pgrep", "-s", str(proc.pid), "sleep"], capture_output=True, text=True)
        if out.stdout.strip():
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitStatus.INTERRUPTED, err
    assert "Traceback" not in err
    assert "vm0" not in out  # the script stopped at the interrupted command


@pytest.mark.parametrize("verb", ["clear", "disconnect", "exit", "info", "ping", "refresh", "status", "summary"])
def test_commands_without_arguments_refuse_them(ovirt, verb):
    run = ovirt("-E", f"{verb} now; echo not-reached")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert run.err.strip() == f"error: {verb} takes no arguments"
    assert "not-reached" not in run.out
