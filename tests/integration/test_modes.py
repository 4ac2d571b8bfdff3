"""-E, -f, stdin and positional commands all run through Shell.execute with the same results."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from lxml import etree

from ovirtshell.status import ExitStatus


def test_execute_splits_on_semicolons_outside_quotes(ovirt):
    run = ovirt("-E", "list vms --query 'name=vm0 or name=vm1' -o json; show vm vm2 -o json")
    assert run.status == ExitStatus.OK, run.err
    decoder = json.JSONDecoder()
    listed, end = decoder.raw_decode(run.out.lstrip())
    shown = json.loads(run.out.lstrip()[end:])
    assert sorted(v["name"] for v in listed) == ["vm0", "vm1"]
    assert shown["name"] == "vm2"


def test_semicolon_inside_quotes_is_not_a_separator(ovirt):
    run = ovirt("-E", "echo 'a;b'; echo c")
    assert run.out == "a;b\nc\n"


def test_script_file_with_comments_continuations_and_blank_lines(ovirt, tmp_path):
    script = tmp_path / "script.cli"
    script.write_text(
        "# inventory\n"
        "\n"
        "list hosts \\\n"
        "  --query status=up -o table   # only the running ones\n"
        "show vm vm0 --fields name,status\n"
    )
    run = ovirt("-f", str(script))
    assert run.status == ExitStatus.OK, run.err
    assert "host0" in run.out and "host2" in run.out
    assert "status: up" in run.out


def test_script_stops_at_the_first_failure_with_its_status(ovirt, tmp_path):
    script = tmp_path / "script.cli"
    script.write_text("echo one\nshow vm missing\necho two\n")
    run = ovirt("-f", str(script))
    assert run.status == ExitStatus.NOT_FOUND
    assert run.out == "one\n"


def test_continue_on_error_runs_everything_and_keeps_the_last_failure(ovirt, tmp_path):
    script = tmp_path / "script.cli"
    script.write_text("show vm missing\necho two\nlist nothings\necho three\n")
    run = ovirt("--continue-on-error", "-f", str(script))
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert run.out == "two\nthree\n"


def test_stdin_script(ovirt):
    run = ovirt(stdin="list vms --query name=vm3 -o csv --fields name,status\n")
    assert run.status == ExitStatus.OK, run.err
    assert run.out == "name,status\nvm3,up\n"


def test_missing_script_file_is_command_error(ovirt, tmp_path):
    run = ovirt("-f", str(tmp_path / "nope.cli"))
    assert run.status == ExitStatus.COMMAND_ERROR
    assert "cannot read" in run.err


def test_positional_words_are_one_command(ovirt):
    run = ovirt("show", "vm", "vm1", "--fields", "name")
    assert run.status == ExitStatus.OK, run.err
    assert "name: vm1" in run.out


def test_status_reports_the_previous_command(ovirt):
    run = ovirt("--continue-on-error", "-E", "show vm missing; status; status")
    assert run.out.splitlines() == ["last command status: 11 (NOT_FOUND)", "last command status: 0 (OK)"]


def test_pipe_and_redirections(ovirt, tmp_path):
    out_file = tmp_path / "vms.txt"
    # A pipeline takes the rest of its line (';' included), like the original shell.
    run = ovirt("-E", f"list hosts -o csv --fields name > {out_file}; echo more >> {out_file}\nlist vms | grep -c name")
    assert run.status == ExitStatus.OK, run.err
    assert run.out.strip() == "5"
    assert out_file.read_text() == "name\nhost0\nhost1\nhost2\nmore\n"


def test_failing_pipeline_is_command_error(ovirt):
    run = ovirt("-E", "list vms | grep no-such-thing")
    assert run.status == ExitStatus.COMMAND_ERROR
    assert "exited with status 1" in run.err


def test_shell_escape_and_echo_out(ovirt):
    run = ovirt("-E", "!echo hello\necho got $out")
    assert run.out == "hello\ngot hello\n"


def test_shell_escape_takes_the_rest_of_the_line(ovirt):
    run = ovirt("-E", "!echo a; echo b")
    assert run.out == "a\nb\n"


def test_xml_output_is_the_engines_document(ovirt):
    run = ovirt("-o", "xml", "-E", "show vm vm0")
    root = etree.fromstring(run.out.encode())
    assert root.tag == "vm" and root.findtext("name") == "vm0"
    assert root.get("href", "").endswith(root.get("id"))


def test_file_command_runs_a_script_inside_the_shell(ovirt, tmp_path):
    script = tmp_path / "inner.cli"
    script.write_text("echo inner\nshow vm missing\necho not-reached\n")
    run = ovirt("-E", f"file {script}; echo after")
    assert run.out == "inner\n"
    assert run.status == ExitStatus.NOT_FOUND
    run = ovirt("--continue-on-error", "-E", f"file {script}; echo after")
    assert run.out == "inner\nnot-reached\nafter\n"
    assert run.status == ExitStatus.NOT_FOUND


def test_help_works_offline(ovirt):
    run = ovirt("-E", "help; help list; help create vm; help action vm migrate", connect=False)
    assert run.status == ExitStatus.OK, run.err
    assert "COMMANDS" in run.out and "RETURN VALUES" in run.out
    assert "--cpu-topology-cores" in run.out
    assert "--host-id|name" in run.out


def test_command_help_flag(ovirt):
    run = ovirt("-E", "list --help", connect=False)
    assert run.status == ExitStatus.OK
    assert run.out.startswith("USAGE\n  list <types>")


def test_version_and_bad_flag():
    version = subprocess.run([sys.executable, "-m", "ovirtshell", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("ovirt-shell ")
    bad = subprocess.run([sys.executable, "-m", "ovirtshell", "--no-such-flag"], capture_output=True, text=True)
    assert bad.returncode == ExitStatus.SYNTAX_ERROR
    assert "Traceback" not in bad.stderr


def test_demo_starts_and_stops_its_own_engine(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for var in ("OVIRT_URL", "OVIRT_USERNAME", "OVIRT_PASSWORD", "OVIRT_CAFILE"):
        env.pop(var, None)
    proc = subprocess.run(
        [sys.executable, "-m", "ovirtshell", "--demo", "-E", "list vms -o csv --fields name; info -o json"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:6] == ["name", "vm0", "vm1", "vm2", "vm3", "vm4"]
    url = json.loads("\n".join(lines[6:]))["url"]
    port = int(url.split(":")[2].split("/")[0])
    with socket.socket() as probe:  # the engine went away with the shell
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_model_is_cached_between_one_shot_runs(ovirt, sim, tmp_path):
    sim.clear_requests()
    first = ovirt("-E", "list vms")
    second = ovirt("-E", "list vms")
    assert first.status == second.status == ExitStatus.OK
    fetched = [r for r in sim.requests() if r["path"].endswith("model.json")]
    assert len(fetched) == 1  # only the cold run downloaded it
    assert list((tmp_path / "cache").glob("model-*.pickle"))


def test_show_settings_works_offline(ovirt):
    run = ovirt("-E", "set pager off; show settings -o json", connect=False)
    assert run.status == ExitStatus.OK, run.err
    first, rest = run.out.split("\n", 1)
    assert first == "pager = off"
    assert json.loads(rest)["pager"] == "off"


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    """`ovirt-shell -E … | head -1`: no traceback, no error status, the script stops."""
    from ovirtsim.testing import run_simulator

    with run_simulator(seed="scale:300") as big:
        env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
               "OVIRT_URL": big.url, "OVIRT_USERNAME": big.username, "OVIRT_PASSWORD": big.password}
        shell = subprocess.Popen(
            [sys.executable, "-m", "ovirtshell", "-E", "list vms --show-all; !touch reached"],
            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        first = shell.stdout.readline()
        shell.stdout.close()  # the reader goes away with most of the output unread
        err = shell.stderr.read().decode()
        status = shell.wait(timeout=120)
    assert first == b"\n"
    assert status == ExitStatus.OK, err
    assert err == ""
    assert not (tmp_path / "reached").exists()
