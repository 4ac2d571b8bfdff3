"""Secret options (any model attribute or parameter named password or *_password): given from
a file or a prompt, refused on the command line, masked in --dry-run and --debug output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovirtshell.status import ExitStatus

SECRET = "Zq9-not-in-any-output"
SSH_JSON = "'" + json.dumps({"user": {"password": SECRET}}) + "'"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "root.secret"
    path.write_text(SECRET + "\n")
    path.chmod(0o600)
    return path


def _clean(run) -> None:
    assert SECRET not in run.out and SECRET not in run.err


def test_install_with_a_file_reaches_the_engine_and_masks_the_value(ovirt, sim, secret_file):
    sim.clear_requests()
    run = ovirt("--debug", "-E", f"action host host0 install --root_password-file {secret_file} --ssh-port 22")
    _clean(run)  # the simulator may not carry an install out: what matters is what was sent
    assert "<root_password>***</root_password>" in run.err  # sent, and masked in the debug log
    installs = [r for r in sim.requests() if r["method"] == "POST" and r["path"].endswith("/install")]
    assert len(installs) == 1


def test_literal_secret_is_refused_without_echo_and_sends_nothing(ovirt, sim):
    sim.clear_requests()
    for line in (
        f"action host host0 install --root_password {SECRET}",
        f"create host --name h-lit --address 10.9.9.9 --cluster-name Default --root_password={SECRET}",
        f"create host --name h-lit --address 10.9.9.9 --cluster-name Default --ssh-user-password {SECRET}",
        f"create user --user_name u@internal --domain-name internal-authz --password {SECRET}",
        "create host --name h-lit --address 10.9.9.9 --cluster-name Default --ssh " + SSH_JSON,
    ):
        run = ovirt("-E", line)
        assert run.status == ExitStatus.SYNTAX_ERROR, (line, run.err)
        _clean(run)
        assert "-file FILE" in run.err and len(run.err.strip().splitlines()) == 1
    assert not [r for r in sim.requests() if r["method"] == "POST" and "/api" in r["path"]]
    assert sim.find("hosts", "h-lit") is None


def test_prompt_form_needs_a_terminal(ovirt):
    run = ovirt("-E", "action host host0 install --root_password -")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "terminal" in run.err and "--root_password-file FILE" in run.err


def test_create_host_from_a_file_and_dry_run_masks_it(ovirt, sim, secret_file):
    run = ovirt("-E", f"create host --name h-sec --address 10.9.9.8 --cluster-name Default "
                      f"--root_password-file {secret_file} --dry-run")
    assert run.status == ExitStatus.OK, run.err
    _clean(run)
    assert "<root_password>********</root_password>" in run.out
    run = ovirt("-o", "xml", "-E", f"action host host0 install --root_password-file {secret_file} --dry-run")
    _clean(run)
    assert "<root_password>********</root_password>" in run.out
    run = ovirt("-E", f"create host --name h-sec --address 10.9.9.8 --cluster-name Default --root_password-file {secret_file}")
    assert run.status == ExitStatus.OK, run.err
    _clean(run)
    assert sim.find("hosts", "h-sec") is not None


def test_a_bad_secret_file_is_a_clear_error(ovirt, tmp_path):
    binary = tmp_path / "bin"
    binary.write_bytes(b"\x00\x01\x02\n")
    run = ovirt("-E", f"action host host0 install --root_password-file {binary}")
    assert run.status == ExitStatus.SYNTAX_ERROR and "control characters" in run.err
    run = ovirt("-E", f"action host host0 install --root_password-file {tmp_path / 'missing'}")
    assert run.status != ExitStatus.OK and "cannot read" in run.err


def test_help_shows_the_file_and_prompt_forms(ovirt):
    run = ovirt("-E", "help action host install", connect=True)
    assert "--root_password-file" in run.out and "--root_password - asks on a terminal" in run.out


LUNS = "--storage-logical_units"
ISCSI = "create storagedomain --name iscsi-s --type data --host-name host0 --storage-type iscsi"


def test_a_password_inside_a_list_option_comes_from_a_file_and_is_masked(ovirt, sim, secret_file):
    run = ovirt("-E", f"{ISCSI} {LUNS} 'id=36001,address=10.0.0.5,target=iqn.t,username=u,"
                      f"password-file={secret_file}' --dry-run")
    assert run.status == ExitStatus.OK, run.err
    _clean(run)
    assert "<password>********</password>" in run.out and "<username>u</username>" in run.out
    sim.clear_requests()
    run = ovirt("--debug", "-E", f"{ISCSI} {LUNS} 'id=36001,address=10.0.0.5,target=iqn.t,password-file={secret_file}'")
    _clean(run)
    assert "<password>***</password>" in run.err
    assert [r for r in sim.requests() if r["method"] == "POST" and r["path"].endswith("/storagedomains")]


def test_a_literal_password_inside_a_list_option_is_refused(ovirt, sim):
    sim.clear_requests()
    for value in (f"id=36001,password={SECRET}", json.dumps([{"id": "36001", "password": SECRET}])):
        run = ovirt("-E", f"{ISCSI} {LUNS} '{value}'")
        assert run.status == ExitStatus.SYNTAX_ERROR, (value, run.err)
        _clean(run)
        assert "password-file=FILE" in run.err and len(run.err.strip().splitlines()) == 1
    run = ovirt("-E", f"{ISCSI} {LUNS} 'id=36001,password=-'")
    assert run.status == ExitStatus.SYNTAX_ERROR and "terminal" in run.err
    assert not [r for r in sim.requests() if r["method"] == "POST" and "/api" in r["path"]]


def test_help_shows_the_file_form_of_a_list_field(ovirt):
    run = ovirt("-E", "help create storagedomain --all")
    assert "password-file=FILE or password=- (secret)" in run.out
