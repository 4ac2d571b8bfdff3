"""--retry against the simulator: a locked refusal is sent again and then succeeds; without
--retry, or for another refusal, the engine's error is the command's (REMOTE_ERROR)."""

from __future__ import annotations

from ovirtshell.status import ExitStatus

LOCKED = "[Cannot run VM. VM is locked. Please try again in a few minutes.]"


def starts(sim) -> list[dict]:
    return [r for r in sim.requests() if r["method"] == "POST" and r["path"].endswith("/start")]


def locked_starts(sim, count: int) -> None:
    """A fresh engine whose next `count` VM starts are refused as locked."""
    sim.reset()
    sim.clear_requests()
    sim.inject_fault(method="POST", path_regex=r"/vms/[^/]+/start$", detail=LOCKED, count=count)


def test_a_locked_refusal_is_retried_until_it_succeeds(ovirt, sim) -> None:
    locked_starts(sim, 1)
    run = ovirt("-E", "action vm vm2 start --retry 3")
    assert run.status == ExitStatus.OK, run.err
    assert [r["status"] for r in starts(sim)] == [409, 200]
    assert sim.find("vms", "vm2")["status"] in ("up", "powering_up", "wait_for_launch")


def test_without_retry_or_for_other_refusals_the_error_stands(ovirt, sim) -> None:
    locked_starts(sim, 1)
    run = ovirt("-E", "action vm vm2 start")
    assert run.status == ExitStatus.REMOTE_ERROR and "VM is locked" in run.err
    assert len(starts(sim)) == 1
    sim.inject_fault(method="POST", path_regex=r"/vms$", detail="[Cannot add VM. The VM name is already in use.]",
                     count=1)
    taken = ovirt("-E", "create vm --name vmx --cluster-name Default --template-name Blank --retry 3")
    assert taken.status == ExitStatus.REMOTE_ERROR and "already in use" in taken.err
    adds = [r["status"] for r in sim.requests() if r["method"] == "POST" and r["path"].endswith("/vms")]
    assert adds == [409]  # sent once: a name in use is not a lock


def test_bulk_actions_retry_each_object(ovirt, sim) -> None:
    locked_starts(sim, 2)
    run = ovirt("-E", 'action vms --query "status=down" start --retry 2')
    assert run.status == ExitStatus.OK, run.err
    assert [r["status"] for r in starts(sim)].count(409) == 2
    assert all(vm["status"] != "down" for vm in (sim.find("vms", "vm2"), sim.find("vms", "vm4")))
