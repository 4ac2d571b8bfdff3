"""Hostile and careless input against the simulator: documented statuses, one line, no
traceback, and nothing done that the user did not name (issue: the shell holds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ovirtshell.status import ExitStatus


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1, err
    return lines[0]


def _ids(ovirt, what: str) -> dict[str, str]:
    run = ovirt("-E", f"list {what} -o json")
    assert run.status == ExitStatus.OK, run.err
    return {item["name"]: item["id"] for item in json.loads(run.out)}


# 1. A name never becomes a URL path


def test_a_path_in_a_name_is_not_found_and_touches_nothing(ovirt):
    tags = _ids(ovirt, "tags")
    name, tag_id = next((n, i) for n, i in tags.items() if n != "root")
    run = ovirt("-E", f"delete vm ../tags/{tag_id} --yes")
    assert run.status == ExitStatus.NOT_FOUND, run.err
    one_line(run.err)
    assert name in _ids(ovirt, "tags")  # the tag is still there
    host_id = next(iter(_ids(ovirt, "hosts").values()))
    run = ovirt("-E", f"update vm ../hosts/{host_id} --comment changed")
    assert run.status == ExitStatus.NOT_FOUND
    shown = ovirt("-E", f"show host {host_id} -o json")
    assert json.loads(shown.out).get("comment") != "changed"
    assert ovirt("-E", "show vm ..").status == ExitStatus.NOT_FOUND
    assert ovirt("-E", "show vm %2e%2e").status == ExitStatus.NOT_FOUND


# 4. and 5. Input errors are SYNTAX_ERROR, one line, no traceback


@pytest.mark.parametrize(
    "args",
    [
        ("-T", "nan", "-E", "ping"),
        ("-T", "1e400", "-E", "ping"),
        ("-T", "-3", "-E", "ping"),
        ("--url", "http://[::1", "-E", "ping"),
        ("--url", "ftp://engine/api", "-E", "ping"),
        ("--url", "http://engine:99999/api", "-E", "ping"),
        ("--max-response-size", "lots", "-E", "ping"),
        ("-P", "http", "-E", "ping"),
    ],
)
def test_bad_outer_values_are_syntax_errors(ovirt, args):
    run = ovirt(*args)
    assert run.status == ExitStatus.SYNTAX_ERROR, run.err
    one_line(run.err)


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary\xff\xfe", b"a" * 100_000, b"pass\x1bword\n"])
def test_a_binary_or_endless_password_file_is_refused(ovirt, tmp_path: Path, content: bytes):
    secret = tmp_path / "secret"
    secret.write_bytes(content)
    run = ovirt("--password-file", str(secret), "-E", "ping")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "password file" in one_line(run.err)


def test_dev_zero_as_a_password_file_does_not_hang(ovirt):
    run = ovirt("--password-file", "/dev/zero", "-E", "ping")
    assert run.status == ExitStatus.SYNTAX_ERROR
    one_line(run.err)


@pytest.mark.parametrize(
    "line",
    [
        "update vm vm0 --comment 'a\x07b'",
        "show vm 'web\x07'",
        "list vms --query 'name=\x01'",
        "update vm vm0 --memory " + "9" * 5000,
        "show vm " + "x" * 70_000,
        "list vms --query 'name=" + "y" * 70_000 + "'",
    ],
    ids=["control-in-value", "control-in-name", "control-in-query", "5000-digits", "64k-name", "64k-query"],
)
def test_values_the_engine_cannot_carry_are_syntax_errors(ovirt, line: str):
    run = ovirt("-E", line)
    assert run.status == ExitStatus.SYNTAX_ERROR, run.err
    one_line(run.err)


def test_non_utf8_on_the_command_line_is_a_syntax_error(ovirt):
    word = b"vm\xff".decode("utf-8", "surrogateescape")  # how Python hands over such bytes
    run = ovirt("show", "vm", word)
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "UTF-8" in one_line(run.err)


def _process(sim, tmp_path: Path, *args: str, stdin: bytes = b"", stdout=subprocess.PIPE, extra=None):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(tmp_path),
           "OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password, **(extra or {})}
    return subprocess.run([sys.executable, "-m", "ovirtshell", *args], input=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, env=env, timeout=120)


def test_non_utf8_on_stdin_fails_its_line_only(sim, tmp_path: Path):
    script = b"echo one\nshow vm \xff\xfe\necho three\n"
    proc = _process(sim, tmp_path, "--continue-on-error", stdin=script)
    assert proc.returncode == ExitStatus.SYNTAX_ERROR
    assert proc.stdout.decode().splitlines() == ["one", "three"]
    err = proc.stderr.decode()
    assert "<stdin>:2:" in one_line(err) and "UTF-8" in err


def test_stdout_on_a_full_disk_is_one_line_and_a_command_error(sim, tmp_path: Path):
    with open("/dev/full", "wb") as full:
        proc = _process(sim, tmp_path, "-E", "list vms; echo more", stdout=full)
    assert proc.returncode == ExitStatus.COMMAND_ERROR
    assert "No space left on device" in one_line(proc.stderr.decode())


def test_a_control_byte_in_echo_under_xml_output_keeps_the_batch_going(ovirt):
    run = ovirt("-o", "xml", stdin="echo a\x07b\necho after\n")
    assert run.status == ExitStatus.OK, run.err
    assert "<message>a\\x07b</message>" in run.out and "<message>after</message>" in run.out


def test_large_integers_are_exact_or_refused():
    from ovirtshell.metadata.values import parse_size
    from ovirtshell.status import UsageError

    assert parse_size("memory", "1234567890123456789012345678901234567") == 1234567890123456789012345678901234567
    assert parse_size("memory", "3.5GiB") == 3758096384
    with pytest.raises(UsageError):
        parse_size("memory", "1" * 4001)


# 6. The engine's text never reaches the terminal raw


def test_control_and_bidi_characters_in_names_are_escaped_in_every_text_format(ovirt):
    hostile = "csi\u009b2J rlo\u202eevil del\u007f"
    assert ovirt("-E", f"update vm vm1 --comment '{hostile}'").status == ExitStatus.OK
    for fmt in ("text", "table", "csv"):
        run = ovirt("-E", f"show vm vm1 --fields name,comment -o {fmt}")
        assert run.status == ExitStatus.OK, run.err
        for raw in ("\u009b", "\u202e", "\u007f"):
            assert raw not in run.out, fmt
        assert "\\x9b2J" in run.out and "\\u202eevil" in run.out and "\\x7f" in run.out
    listed = ovirt("-E", "list vms --fields name,comment -o table")
    assert "\u202e" not in listed.out and "\\u202e" in listed.out
    as_json = ovirt("-E", "show vm vm1 -o json")
    assert "\u202e" not in as_json.out and json.loads(as_json.out)["comment"] == hostile
    as_xml = ovirt("-E", "show vm vm1 -o xml")
    assert "\u202e" not in as_xml.out and "&#x202e;" in as_xml.out
    from lxml import etree

    assert etree.fromstring(as_xml.out.encode()).findtext("comment") == hostile  # the same document


# 8. Console files never outlive their use

SLOW_VIEWER = """\
import shutil, sys, time
from pathlib import Path
out = Path({out!r})
time.sleep({before})
out.mkdir(exist_ok=True)
(out / "path").write_text(sys.argv[-1])
shutil.copy(sys.argv[-1], out / "copy.vv")
time.sleep({after})
"""


def _slow_viewer(tmp_path: Path, before: float = 0.0, after: float = 5.0) -> tuple[str, Path]:
    script = tmp_path / "slow_viewer.py"
    out = tmp_path / "seen"
    script.write_text(SLOW_VIEWER.format(out=str(out), before=before, after=after))
    return f"{sys.executable} {script}", out


def test_a_detached_console_file_is_gone_when_the_shell_returns(ovirt, tmp_path: Path):
    command, seen = _slow_viewer(tmp_path, after=10)
    run = ovirt("-E", f'console vm0 --detach --viewer "{command}"')
    assert run.status == ExitStatus.OK, run.err
    assert "password=" in (seen / "copy.vv").read_text()  # the viewer got it…
    assert not os.path.exists((seen / "path").read_text())  # …and it is gone already
    assert not os.path.exists(os.path.dirname((seen / "path").read_text()))


def test_a_killed_shell_leaves_no_console_file(sim, tmp_path: Path):
    import signal
    import time

    command, seen = _slow_viewer(tmp_path, before=30)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(tmp_path),
           "OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password}
    proc = subprocess.Popen([sys.executable, "-m", "ovirtshell", "-E", f'console vm0 --viewer "{command}"'],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("ovirt-console-*/console.vv")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert not list(tmp_path.glob("ovirt-console-*"))
    assert b"Traceback" not in proc.stderr.read()


def test_console_files_of_dead_shells_are_swept(ovirt, tmp_path: Path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / "ovirt-console-999999999-abc"
    stale.mkdir(mode=0o700)
    (stale / "console.vv").write_text("password=old")
    command, _ = _slow_viewer(tmp_path, after=0)
    assert ovirt("-E", f'console vm0 --viewer "{command}"').status == ExitStatus.OK
    assert not stale.exists()


# 9. Credentials in the URL are never echoed


def test_credentials_in_the_url_are_used_and_never_echoed(ovirt, sim):
    url = sim.url.replace("://", f"://{sim.username.replace('@', '%40')}:{sim.password}@")
    run = ovirt("--url", url, "-E", "ping; info -o json", connect=False)
    assert run.status == ExitStatus.OK, run.err
    assert f":{sim.password}@" not in run.out + run.err and "warning: a password in --url" in run.err
    dead = "http://admin:s3cr3t-pw@127.0.0.1:1/ovirt-engine/api"
    run = ovirt("--url", dead, "-E", "ping", connect=False)
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "s3cr3t-pw" not in run.out + run.err
    run = ovirt("--url", "ftp://admin:s3cr3t-pw@engine/", "-E", "ping", connect=False)
    assert run.status == ExitStatus.SYNTAX_ERROR and "s3cr3t-pw" not in run.err


# 10. The scripting contract


def test_a_per_command_json_output_gives_json_errors(ovirt):
    run = ovirt("-E", "show vm nosuch -o json")
    assert run.status == ExitStatus.NOT_FOUND
    error = json.loads(one_line(run.err))["error"]
    assert error["status"] == 11 and error["name"] == "NOT_FOUND" and "nosuch" in error["message"]


def test_a_remote_error_in_json_has_the_fault_fields(ovirt):
    run = ovirt("-o", "json", "-E", "action vm vm0 start")
    assert run.status == ExitStatus.REMOTE_ERROR
    error = json.loads(one_line(run.err))["error"]
    assert error["http_status"] == 409
    assert error["reason"] == "Operation Failed" and "running" in error["detail"]


@pytest.mark.parametrize("line", ["list vms --fields nosuch", "show vm vm0 --fields name,cpu-nosuch", "info --fields nosuch"])
def test_an_unknown_field_is_a_syntax_error(ovirt, line: str):
    run = ovirt("-E", line)
    assert run.status == ExitStatus.SYNTAX_ERROR, run.out
    assert "unknown field" in one_line(run.err)
    assert ovirt("-E", "list vms --fields name,cpu-topology-cores,cluster-id").status == ExitStatus.OK


def test_script_errors_carry_file_and_line(ovirt, tmp_path: Path):
    script = tmp_path / "job.ovirt"
    script.write_text("echo one\n# a comment\n\nshow vm nosuch\necho never\n")
    run = ovirt("-f", str(script))
    assert run.status == ExitStatus.NOT_FOUND
    assert one_line(run.err).startswith(f"error: {script}:4: ")
    as_json = ovirt("-o", "json", "-f", str(script))
    error = json.loads(one_line(as_json.err))["error"]
    assert error["file"] == str(script) and error["line"] == 4


def test_an_unclosed_quote_fails_its_line_only(ovirt, tmp_path: Path):
    script = tmp_path / "quotes.ovirt"
    script.write_text("echo one\necho 'open\necho \"multi\nline\"\necho four\n")
    run = ovirt("--continue-on-error", "-f", str(script))
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert run.out.splitlines() == ["one", "multi", "line", "four"]
    assert f"{script}:2: unterminated quote" in one_line(run.err)
    stopped = ovirt("-f", str(script))
    assert stopped.out.splitlines() == ["one"]


@pytest.mark.parametrize("line", ["action vm vm0 stop --timeout 10", "action vm vm0 stop --wait --timeout -5",
                                  "action vm vm0 stop --wait --timeout 0"])
def test_a_timeout_without_wait_or_negative_is_a_syntax_error(ovirt, line: str):
    run = ovirt("-E", line)
    assert run.status == ExitStatus.SYNTAX_ERROR, run.err
    assert "--timeout" in one_line(run.err)


def test_a_world_readable_rc_file_with_a_password_gets_a_warning(ovirt, tmp_path: Path):
    rc = tmp_path / "home" / ".ovirtshellrc"
    rc.parent.mkdir(exist_ok=True)
    rc.write_text("[ovirt-shell]\npassword = secret\n")
    rc.chmod(0o644)
    run = ovirt("-E", "echo hi")
    assert "warning:" in run.err and "chmod 600" in run.err and "secret" not in run.err
    rc.chmod(0o600)
    assert "warning" not in ovirt("-E", "echo hi").err
    profiles = tmp_path / "config" / "profiles.ini"
    profiles.parent.mkdir(exist_ok=True)
    profiles.write_text("[lab]\npassword = zq-secret-9\n")
    profiles.chmod(0o640)
    run = ovirt("--profile", "lab", "-E", "echo hi")
    assert "profiles.ini holds a password" in run.err and "zq-secret-9" not in run.err


# 11. The original's flags


def test_the_original_flags_are_accepted(ovirt, sim):
    base, port = sim.url.rsplit(":", 1)
    path = port.split("/", 1)[1]
    run = ovirt("-P", port.split("/")[0], "--url", f"{base}/{path}", "-r", "-E", "info -o json")
    assert run.status == ExitStatus.OK, run.err
    assert json.loads(run.out)["url"] == sim.url
    run = ovirt("-D", "-E", "ping")
    assert run.status == ExitStatus.OK and "verification is off" in run.err
    run = ovirt("--renew-session", "--dont-validate-cert-chain", "--port", "1", "-E", "ping")
    assert run.status == ExitStatus.OK  # the URL names its port: -P does not override it


# 12. ca needs no connection


def test_ca_does_not_connect_first(ovirt, tmp_path: Path):
    """OVIRT_URL names an https engine whose CA is not trusted yet: `ca` must not connect first."""
    from ovirtsim.testing import run_simulator

    target = tmp_path / "ca.pem"
    with run_simulator(tls=True) as engine:
        environ = {"OVIRT_URL": engine.url, "OVIRT_USERNAME": engine.username, "OVIRT_PASSWORD": engine.password}
        run = ovirt("ca", str(target), "--url", engine.url, environ=environ, connect=False)
        assert run.status == ExitStatus.OK, run.err
        again = ovirt("-E", "ca", environ=environ, connect=False)
        assert again.status == ExitStatus.OK and "SHA-256 fingerprint" in again.out
    assert target.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_the_wait_deadline_also_bounds_the_requests_made_while_waiting(ovirt, sim):
    """A poll that hangs past --timeout ends the wait at its deadline (TIMEOUT), not later."""
    sim.inject_fault(method="GET", path_regex=r"/(jobs|vms)/[0-9a-f-]{36}$", status=None, delay=3.0, count=None)
    try:
        run = ovirt("-E", "action vm vm2 start --wait --timeout 1")
    finally:
        sim.clear_faults()
    assert run.status == ExitStatus.TIMEOUT, run.err
    assert "timed out after 1 s" in one_line(run.err)


def test_the_file_command_names_file_and_line_and_survives_bad_bytes(ovirt, tmp_path: Path):
    inner = tmp_path / "inner.ovirt"
    inner.write_bytes(b"echo in\nshow vm \xff\n")
    run = ovirt("-E", f"file {inner}")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert run.out.splitlines() == ["in"]
    assert f"{inner}:2:" in one_line(run.err)


def test_start_up_errors_are_json_when_json_is_asked_for(ovirt):
    run = ovirt("-o", "json", "-T", "nan", "-E", "ping")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert json.loads(one_line(run.err))["error"]["name"] == "SYNTAX_ERROR"
    run = ovirt("-o", "json", "--url", "http://127.0.0.1:1/ovirt-engine/api", "-E", "ping")
    assert json.loads(one_line(run.err))["error"]["status"] == ExitStatus.COMMUNICATION_ERROR
