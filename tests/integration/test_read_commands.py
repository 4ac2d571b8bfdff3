"""list, show, summary, info and ping against the simulator; colour and debug output rules."""

from __future__ import annotations

import json

from ovirtshell.cli import main
from ovirtshell.status import ExitStatus

from support import make_env


def _names(run) -> list[str]:
    return [item["name"] for item in json.loads(run.out)]


def test_query_max_and_case_sensitivity(ovirt):
    assert _names(ovirt("-o", "json", "-E", "list vms --query 'name=vm1 or name=vm2'")) == ["vm1", "vm2"]
    assert len(_names(ovirt("-o", "json", "-E", "list vms --max 2"))) == 2
    assert _names(ovirt("-o", "json", "-E", "list vms --query name=VM3")) == ["vm3"]
    assert _names(ovirt("-o", "json", "-E", "list vms --query name=VM3 --case-sensitive true")) == []
    assert _names(ovirt("-o", "json", "-E", "list vms --query name=VM3 --case_sensitive false")) == ["vm3"]


def test_query_on_a_collection_the_engine_cannot_search(ovirt):
    run = ovirt("-E", "list nics --parent-vm-name vm0 --query name=nic1")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "cannot search" in run.err


def test_kwargs_filters_on_the_client_with_nested_fields(ovirt):
    run = ovirt("-o", "json", "-E", 'list vms --kwargs "status=up;cpu-topology-cores=1"')
    assert run.status == ExitStatus.OK, run.err
    names = _names(run)
    assert names and all(n in ("vm0", "vm1", "vm3") for n in names)
    bad = ovirt("-E", 'list vms --kwargs "status"')
    assert bad.status == ExitStatus.SYNTAX_ERROR and "--kwargs" in bad.err


def test_show_all_and_default_text_blocks(ovirt):
    short = ovirt("-E", "list hosts")
    assert short.out.count("\nid         : ") == 3 and "address" not in short.out
    full = ovirt("-E", "list hosts --show-all")
    assert "address" in full.out and "status" in full.out


def test_follow_inlines_links(ovirt):
    run = ovirt("-o", "json", "-E", "show vm vm0 --follow nics")
    assert run.status == ExitStatus.OK, run.err
    assert [n["name"] for n in json.loads(run.out)["nics"]] == ["nic1"]


def test_show_by_id_and_fields(ovirt):
    vm = json.loads(ovirt("-o", "json", "-E", "show vm vm1").out)
    run = ovirt("-E", f"show vm {vm['id']} --fields name,cpu-topology-cores")
    assert run.out == "\nname              : vm1\ncpu-topology-cores: 1\n\n"


def test_summary_info_ping(ovirt, sim):
    summary = json.loads(ovirt("-o", "json", "-E", "summary").out)
    assert summary["hosts"]["total"] == 3 and summary["vms"]["total"] >= 5
    info = ovirt("-E", "info")
    assert "engine_version" in info.out and "4.6" in info.out and sim.url in info.out
    ping = ovirt("-E", "ping")
    assert ping.status == ExitStatus.OK and ping.out.startswith(f"success: {sim.url} answered in ")


def test_colour_only_on_a_terminal_and_never_with_no_color(sim, tmp_path):
    base = {"OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password, "PAGER": "cat"}
    piped = make_env(tmp_path, base)
    assert main(["-E", "show vm vm0 -o json"], env=piped) == 0
    assert "\x1b[" not in piped.stdout.getvalue()
    tty = make_env(tmp_path, base, tty=True)
    assert main(["-E", "show vm vm0 -o json"], env=tty) == 0
    assert "\x1b[" in tty.stdout.getvalue()
    no_color = make_env(tmp_path, {**base, "NO_COLOR": "1"}, tty=True)
    assert main(["-E", "show vm vm0 -o json"], env=no_color) == 0
    assert "\x1b[" not in no_color.stdout.getvalue()
    flag = make_env(tmp_path, base, tty=True)
    assert main(["--no-color", "-E", "show vm vm0 -o json"], env=flag) == 0
    assert "\x1b[" not in flag.stdout.getvalue()


def test_debug_shows_http_but_no_secrets(tmp_path):
    from ovirtsim.testing import run_simulator

    password = "Zq8-very-secret"
    with run_simulator(admin_password=password) as own:
        env = make_env(tmp_path, {"OVIRT_URL": own.url, "OVIRT_USERNAME": own.username, "OVIRT_PASSWORD": password})
        status = main(["-d", "-E", "show vm vm0"], env=env)
    err = env.stderr.getvalue()
    assert status == ExitStatus.OK
    assert "GET" in err and "/vms" in err
    assert password not in err
    assert "password=***" in err
    assert '"access_token":"***"' in err  # the token the engine issued is masked where it appears
    authorizations = [line for line in err.splitlines() if "Authorization:" in line]
    assert authorizations and all(line.endswith("Bearer ***") for line in authorizations)
