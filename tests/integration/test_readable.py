"""Readable output: names beside ids, sizes with units (text and table only), empty listings,
the original shell's history, and where `capabilities` went."""

from __future__ import annotations

import json
from pathlib import Path

from ovirtshell.readable import size_text, with_units
from ovirtshell.repl.history import import_legacy, read_entries
from ovirtshell.status import ExitStatus

from support import make_env


def test_show_vm_names_its_host_cluster_and_template(ovirt):
    run = ovirt("-E", "show vm vm0")
    assert run.status == ExitStatus.OK, run.err
    lines = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip() for line in run.out.splitlines() if ":" in line}
    assert lines["cluster-name"] == "Default" and lines["host-name"] == "host0" and lines["template-name"] == "Blank"
    assert lines["cluster-id"]  # the id stays
    assert "name" not in json.loads(ovirt("-E", "show vm vm0 -o json").out)["cluster"]  # json: the engine's data


def test_each_named_object_is_read_once(ovirt, sim):
    vm = sim.find("vms", "vm0")
    assert vm["template"]["id"] == vm["original_template"]["id"]  # both are Blank
    sim.clear_requests()
    run = ovirt("-E", "show vm vm0")
    assert run.status == ExitStatus.OK, run.err
    reads = [r["path"] for r in sim.requests() if r["method"] == "GET" and "/templates/" in r["path"]]
    assert len(reads) == 1
    assert "original_template-name       : Blank" in run.out


def test_sizes_have_units_in_text_and_table_never_in_csv_or_json(ovirt):
    text = ovirt("-E", "show vm vm0 --fields memory,memory_policy-guaranteed").out
    assert "memory                  : 1 GiB" in text and "memory_policy-guaranteed: 1 GiB" in text
    table = ovirt("-E", "list disks -o table --fields name,provisioned_size").out
    assert "10 GiB" in table
    csv = ovirt("-E", "list disks -o csv --fields name,provisioned_size").out
    assert "10737418240" in csv and "GiB" not in csv
    assert json.loads(ovirt("-E", "show vm vm0 -o json").out)["memory"] == 1024**3


def test_size_text():
    assert [size_text(v) for v in (0, 512, 1024, 1536 * 1024**2, 3 * 1024**4)] == ["0 B", "512 B", "1 KiB", "1.5 GiB", "3 TiB"]
    assert with_units({"memory_policy": {"max": 2048, "ballooning": True}, "name": "x"}) == {
        "memory_policy": {"max": "2 KiB", "ballooning": True}, "name": "x"}
    assert with_units({"max": 5}) == {"max": 5}  # only inside memory_policy


def test_an_empty_listing_on_a_terminal_says_so(tmp_path: Path, sim):
    from ovirtshell.cli import main

    env = make_env(tmp_path, {"OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password}, tty=True)
    assert main(["-E", "list vms --query name=nothing-like-this"], env=env) == 0
    assert "no vm objects found" in env.stderr.getvalue()


def test_an_empty_listing_in_a_script_is_silent(ovirt):
    run = ovirt("-E", "list vms --query name=nothing-like-this")
    assert run.status == ExitStatus.OK and run.err == ""


def test_the_original_history_is_imported_once(tmp_path: Path):
    legacy = tmp_path / ".ovirtshellhistory"
    legacy.write_text("list vms\nconnect --url x --password hunter2\nshow vm web1\n")
    path = tmp_path / "data" / "history"
    assert import_legacy(legacy, path) == 2
    assert read_entries(path) == ["list vms", "show vm web1"]
    legacy.write_text("list hosts\n")
    assert import_legacy(legacy, path) == 0  # once only
    assert read_entries(path) == ["list vms", "show vm web1"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_capabilities_points_to_its_v4_equivalent(ovirt):
    run = ovirt("-E", "capabilities")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "list clusterlevels" in run.err
    assert ovirt("-E", "show clusterlevel 4.7").status == ExitStatus.OK
