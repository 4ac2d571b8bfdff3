"""Bulk operations over a search: per-object lines, the summary, PARTIAL, --dry-run, --yes."""

from __future__ import annotations

import json

import pytest

from ovirtshell.status import ExitStatus


@pytest.fixture(autouse=True)
def fresh(sim):
    sim.reset()
    sim.clear_faults()
    yield
    sim.clear_faults()


def _status(sim, name: str) -> str:
    return sim.find("vms", name)["status"]


def test_bulk_start_with_one_injected_failure_is_partial(ovirt, sim):
    assert {_status(sim, "vm2"), _status(sim, "vm4")} == {"down"}
    vm4 = sim.find("vms", "vm4")["id"]
    sim.inject_fault(method="POST", path_regex=f"/vms/{vm4}/start$", status=409,
                     detail="[Cannot run VM. Low disk space.]", count=None)
    run = ovirt("-E", 'action vms --query "cluster=Default and status=down" start --wait')
    assert run.status == ExitStatus.PARTIAL == 13, run.err
    lines = run.out.splitlines()
    assert "vm vm2: start done (up)" in lines
    assert any(line.startswith("vm vm4: failed (REMOTE_ERROR):") and "Low disk space" in line for line in lines)
    assert "start: 1 of 2 vms succeeded, 1 failed (vm4)" in run.err
    assert _status(sim, "vm2") == "up" and _status(sim, "vm4") == "down"


def test_all_failing_the_same_way_gives_that_status(ovirt, sim):
    sim.inject_fault(method="POST", path_regex=r"/vms/[^/]+/start$", status=409, detail="[no]", count=None)
    run = ovirt("-E", 'action vms --query "status=down" start')
    assert run.status == ExitStatus.REMOTE_ERROR, run.err
    assert "0 of 2 vms succeeded, 2 failed" in run.err


def test_json_lists_per_object_results(ovirt, sim):
    vm4 = sim.find("vms", "vm4")["id"]
    sim.inject_fault(method="POST", path_regex=f"/vms/{vm4}/start$", status=409, detail="[busy]", count=None)
    run = ovirt("-E", 'action vms --query "status=down" start -o json')
    assert run.status == ExitStatus.PARTIAL
    results = json.loads(run.out)
    by_name = {r["name"]: r for r in results}
    assert by_name["vm2"]["ok"] is True and by_name["vm2"]["status"] == 0
    assert by_name["vm4"]["ok"] is False and by_name["vm4"]["status_name"] == "REMOTE_ERROR"
    assert "busy" in by_name["vm4"]["error"]
    assert json.loads(run.err.splitlines()[-1])["error"]["status"] == 13


def test_dry_run_lists_and_sends_nothing(ovirt, sim):
    sim.clear_requests()
    run = ovirt("-E", 'delete vms --query "name=vm*" --dry-run')
    assert run.status == ExitStatus.OK, run.err
    assert [line for line in run.out.splitlines() if line.startswith("would delete vm ")][0].startswith("would delete vm vm0 (")
    assert "dry run: delete 5 vms; nothing was sent" in run.out
    assert not [r for r in sim.requests() if r["method"] in ("POST", "PUT", "DELETE") and "/api/" in r["path"]]
    assert sim.find("vms", "vm0") is not None


def test_destructive_bulk_refuses_without_yes_naming_the_count(ovirt, sim):
    run = ovirt("-E", 'action vms --query "status=up" stop')
    assert run.status == ExitStatus.COMMAND_ERROR
    assert "refusing to stop 3 vms without --yes: vm0, vm1, vm3" in run.err
    assert _status(sim, "vm0") == "up"
    run = ovirt("-E", 'delete vms --query "name=vm3"')
    assert run.status == ExitStatus.COMMAND_ERROR and "without --yes" in run.err


def test_bulk_delete_with_yes_and_parallel(ovirt, sim):
    run = ovirt("-E", 'delete vms --query "status=down" --yes --parallel 1 --wait')
    assert run.status == ExitStatus.OK, run.err
    assert sorted(run.out.splitlines()[:2]) == ["vm vm2: deleted", "vm vm4: deleted"]
    assert sim.find("vms", "vm2") is None and sim.find("vms", "vm4") is None
    assert sim.find("vms", "vm0") is not None


def test_bulk_update_changes_every_match(ovirt, sim):
    run = ovirt("-E", 'update vms --query "name=vm1 or name=vm3" --memory 4GiB')
    assert run.status == ExitStatus.OK, run.err
    assert "update: 2 of 2 vms succeeded" in run.out
    assert sim.find("vms", "vm1")["memory"] == sim.find("vms", "vm3")["memory"] == 4 * 1024**3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('action vm --query "name=vm*" start', "write the type in the plural"),
        ('action vms --query "name=vm*" start --parallel 0', "--parallel needs a number"),
        ('action vms --query "name=vm*"', "usage: action vms --query QUERY <action>"),
    ],
)
def test_bulk_usage_errors(ovirt, line, message):
    run = ovirt("-E", line)
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert message in run.err


def test_no_match_is_ok_and_says_so(ovirt):
    run = ovirt("-E", 'action vms --query "name=nothing-here" start')
    assert run.status == ExitStatus.OK
    assert "start: no vms match 'name=nothing-here'" in run.out


def test_help_pages_show_bulk_operations_follow_and_partial(ovirt):
    action = ovirt("-E", "help action").out
    assert 'action vms --query "cluster=Default and status=down" start --wait' in action
    assert "--parallel" in action and "--dry-run" in action
    assert 'delete vms --query "name=test-*" --yes' in ovirt("-E", "help delete").out
    assert "--dry-run" in ovirt("-E", "help update").out
    listing = ovirt("-E", "help list").out
    assert "list events --follow --severity warning" in listing and "--since" in listing
    assert "13 PARTIAL" in " ".join(ovirt("-E", "help").out.split())
