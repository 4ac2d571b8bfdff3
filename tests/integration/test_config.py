"""Where settings come from: defaults < ~/.ovirtshellrc < profile < environment < flags < connect."""

from __future__ import annotations

import pytest

from ovirtshell.config import load_settings
from ovirtshell.status import CommandError, ExitStatus, UsageError


def _rc(home, body: str) -> None:
    (home / ".ovirtshellrc").write_text(body)


def test_precedence_defaults_rc_profile_env_flags(tmp_path):
    home, config = tmp_path / "home", tmp_path / "config"
    home.mkdir()
    config.mkdir()
    _rc(home, "[cli]\nautopage = False\n[ovirt-shell]\nurl = https://rc/ovirt-engine/api\nusername = rc@internal\ntimeout = 5\nca_file = None\n")
    (config / "profiles.ini").write_text("[lab]\nurl = https://lab/ovirt-engine/api\ninsecure = true\n")

    assert load_settings(home, config, {}, {}).url == "https://rc/ovirt-engine/api"
    rc = load_settings(home, config, {}, {})
    assert (rc.username, rc.timeout, rc.pager, rc.ca_file) == ("rc@internal", 5.0, False, None)

    lab = load_settings(home, config, {}, {}, profile="lab")
    assert (lab.url, lab.username, lab.insecure) == ("https://lab/ovirt-engine/api", "rc@internal", True)

    env = load_settings(home, config, {"OVIRT_URL": "https://env/ovirt-engine/api"}, {}, profile="lab")
    assert env.url == "https://env/ovirt-engine/api"

    flags = load_settings(home, config, {"OVIRT_URL": "https://env/x"}, {"url": "https://flag/x", "timeout": None})
    assert flags.url == "https://flag/x" and flags.timeout == 5.0


def test_profile_from_environment_and_unknown_profile(tmp_path):
    (tmp_path / "profiles.ini").write_text("[a]\nusername = a@internal\n")
    assert load_settings(tmp_path, tmp_path, {"OVIRT_PROFILE": "a"}, {}).username == "a@internal"
    with pytest.raises(CommandError, match="no profile 'b'"):
        load_settings(tmp_path, tmp_path, {}, {}, profile="b")


def test_bad_values_are_syntax_errors(tmp_path):
    _rc(tmp_path, "[ovirt-shell]\ntimeout = soon\n")
    with pytest.raises(UsageError, match="invalid number for timeout"):
        load_settings(tmp_path, tmp_path, {}, {})


def test_password_file_and_connect_override(ovirt, sim, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text(sim.password + "\n")
    run = ovirt("--password-file", str(secret), "-E", "ping", environ={"OVIRT_PASSWORD": "wrong"})
    assert run.status == ExitStatus.OK, run.err
    assert run.out.startswith("success:")


def test_connect_refuses_a_password_on_the_command_line(ovirt):
    run = ovirt("-E", "connect --url http://127.0.0.1:1/ovirt-engine/api --password hunter2", connect=False)
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "hunter2" not in run.err


def test_connect_command_and_disconnect(ovirt, sim, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text(sim.password)
    run = ovirt(
        "-E",
        f"connect --url {sim.url} --username {sim.username} --password-file {secret}; info; disconnect; list vms",
        connect=False,
    )
    assert run.status == ExitStatus.COMMAND_ERROR  # list after disconnect
    assert "connected to oVirt Engine 4.6" in run.out
    assert f"url           : {sim.url}" in run.out or sim.url in run.out
    assert f"disconnected from {sim.url}" in run.out


def test_missing_password_without_terminal_is_authentication_error(ovirt, sim):
    run = ovirt("-E", "list vms", environ={"OVIRT_PASSWORD": ""})
    assert run.status == ExitStatus.AUTHENTICATION_ERROR
    assert "OVIRT_PASSWORD" in run.err
