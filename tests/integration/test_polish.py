"""Interactive polish against the simulator: parent hints, console on a down VM, running-VM names."""

from __future__ import annotations

from pathlib import Path

from ovirtshell.completer.engine import Context, analyse, candidates
from ovirtshell.completer.names import NameCache
from ovirtshell.config import Settings
from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus

from support import make_env


def test_a_parent_that_does_not_place_the_type_suggests_the_search(ovirt):
    run = ovirt("-E", "list vms --parent-cluster-name Default")
    assert run.status == ExitStatus.SYNTAX_ERROR
    assert "search: --query cluster=Default" in run.err
    run = ovirt("-E", "list vms --parent-host-name host0")
    assert "to list the vms of a host, search: --query host=host0" in run.err
    listed = ovirt("-E", "list vms --query cluster=Default --fields name -o csv")
    assert listed.status == ExitStatus.OK and "vm0" in listed.out


def test_console_on_a_down_vm_says_so_before_looking_for_a_viewer(ovirt):
    run = ovirt("-E", "console vm2 --viewer no-such-viewer-anywhere")
    assert run.status == ExitStatus.COMMAND_ERROR
    assert "vm vm2 is down: a console needs a running VM" in run.err
    assert "not found" not in run.err


def test_console_completion_offers_running_vms_only(sim, tmp_path: Path):
    shell = Shell(make_env(tmp_path, {}), Settings(url=sim.url, username=sim.username, password=sim.password),
                  interactive=True)
    shell.connect()
    try:
        names = NameCache(shell).attach()
        context = Context.from_shell(shell, names.lookup)
        slot = analyse("console ", context.specs)
        assert list(candidates(slot, context)) == []  # loading in the background
        assert names.wait(30)
        offered = [c.display for c in candidates(slot, context)]
        running = sorted(v["name"] for v in (sim.find("vms", f"vm{n}") for n in range(5)) if v["status"] == "up")
        assert offered == running and "vm2" not in offered
        candidates(analyse("show vm ", context.specs), context)  # every VM: a cache entry of its own
        assert names.wait(30)
        assert "vm2" in [c.display for c in candidates(analyse("show vm ", context.specs), context)]
    finally:
        shell.close()
