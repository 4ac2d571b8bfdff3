"""delete (also remove): remove an object; asks first in the interactive shell."""

from __future__ import annotations

from ovirtshell import bulk
from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.dryrun import dry_run
from ovirtshell.language import Command
from ovirtshell.locate import find, query_params, target
from ovirtshell.result import Result
from ovirtshell.status import CommandError, UsageError
from ovirtshell.wait import follow_up, make_waiter

SPEC = CommandSpec(
    name="delete",
    summary="remove an object",
    usage="delete <type> <id|name> [parent options] [model options] [--yes] [--wait [--timeout SECONDS]]",
    description=(
        "Removes an object, found by id or name. In the interactive shell it asks for confirmation "
        "(default no) unless --yes is given or set confirm off; -E, -f and piped scripts never ask. "
        "--wait returns only once the object is gone. The engine's own removal parameters (such as "
        "--force, --async, --detach_only) come from its model: see help delete <type>. With a "
        "plural type and --query it removes every object the search finds (a bulk operation), "
        "and refuses without --yes in every mode: try --dry-run first. --dry-run prints the "
        "request instead of sending it (and asks nothing)."
    ),
    options=(
        OptionDoc("yes", "do not ask for confirmation"),
        OptionDoc("wait", "return when the object is gone"),
        OptionDoc("timeout", "how long --wait may take, in seconds (default 600)", "SECONDS"),
        OptionDoc("dry-run", "print the method and URL instead of sending them (bulk: list the objects)"),
        OptionDoc("query", "bulk: act on every object this engine search finds (plural type)", "QUERY"),
        OptionDoc("parallel", "bulk: how many objects at a time (default 4)", "N"),
    ),
    examples=(
        "delete vm web1",
        "delete vm web1 --yes --wait",
        "delete nic nic2 --parent-vm-name web1",
        'delete vms --query "name=test-*" --dry-run',
        'delete vms --query "name=test-*" --yes',
    ),
    aliases=("remove",),
    typed=True,
)


def run(shell, command: Command) -> Result:
    from ovirtshell.api.codec import decode_action

    if bulk.requested(command):
        return run_bulk(shell, command)
    t = target(shell, command, "delete", nargs=1)
    if not t.args:
        raise UsageError(f"delete needs the {t.resource.name}'s id or name: delete {t.resource.name} <id|name>")
    if not t.resource.can_remove:
        raise UsageError(f"{t.resource.name} objects cannot be removed")
    found = find(shell, t.resource, t.collection, t.args[0])
    label = f"{t.resource.name} {found.data.get('name') or found.data.get('id')}"
    if t.request.shell.get("dry-run"):
        return dry_run(t.connection.client, "DELETE", found.path, query_params(t.request.query))
    if shell.interactive and shell.settings.confirm and not t.request.shell.get("yes") and shell.ask_confirm:
        if not shell.ask_confirm(f"delete {label}?"):
            raise CommandError("not deleted: confirmation refused")
    waiter = make_waiter(shell, t.request.shell)
    xml = t.connection.client.delete(found.path, params=query_params(t.request.query))
    reply = decode_action(t.connection.index.model, xml) if xml else {}
    shell.changed(t.resource.name)
    if waiter is not None:
        follow_up(shell, t, found.path, reply, label, waiter, removed=True)
    return Result(message=f"{label} deleted" if waiter else f"{label}: removal accepted")


# -- bulk: delete <types> --query QUERY --yes ---------------------------------------------------


def run_bulk(shell, command: Command) -> Result:
    """Remove every object the search finds; refused without --yes (see ovirtshell.bulk)."""
    from ovirtshell.wait import Waiter, follow_up, waiter_timeout

    rest, own = bulk.begin(shell, command)
    t = target(shell, rest, "delete")
    if not t.resource.can_remove:
        raise UsageError(f"{t.resource.name} objects cannot be removed")
    params = query_params(t.request.query)
    wait = bool(t.request.shell.get("wait"))

    def apply(path: str, data: dict) -> str:
        from ovirtshell.api.codec import decode_action

        xml = t.connection.client.delete(path, params=params)
        if not wait:
            return "removal accepted"
        reply = decode_action(t.connection.index.model, xml) if xml else {}
        follow_up(shell, t, path, reply, f"{t.resource.name} {data.get('name')}", Waiter(timeout=waiter_timeout(t.request.shell)), removed=True)
        return "deleted"

    try:
        return bulk.execute(shell, rest, bulk.Plan("delete", t, apply, destructive=True), own)
    finally:
        shell.changed(t.resource.name)
