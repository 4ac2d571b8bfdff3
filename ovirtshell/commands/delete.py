"""delete (also remove): remove an object; asks first in the interactive shell."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from ovirtshell import bulk
from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.dryrun import dry_run
from ovirtshell.language import Command
from ovirtshell.locate import find, query_params, target
from ovirtshell.result import Result
from ovirtshell.retry import retries, retrying
from ovirtshell.status import CommandError, UsageError
from ovirtshell.wait import follow_up, make_waiter

if TYPE_CHECKING:
    from ovirtshell.locate import Target

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
        "and refuses without --yes in every mode: try --dry-run first. Snapshot retention works "
        "the same way: delete snapshots --parent-vm-name VM --older-than 30d removes the VM's "
        "regular snapshots taken before then, --keep N always keeps the newest N (either alone, or "
        "both). --dry-run prints the request instead of sending it (and asks nothing)."
    ),
    options=(
        OptionDoc("yes", "do not ask for confirmation"),
        OptionDoc("wait", "return when the object is gone"),
        OptionDoc("timeout", "how long --wait may take, in seconds (default 600)", "SECONDS"),
        OptionDoc("dry-run", "print the method and URL instead of sending them (bulk: list the objects)"),
        OptionDoc("query", "bulk: act on every object this engine search finds (plural type)", "QUERY"),
        OptionDoc("parallel", "bulk: how many objects at a time (default 4)", "N"),
        OptionDoc("older-than", "snapshots: remove those taken before an age (30d, 12h) or a time "
                  "(2026-01-31)", "AGE|TIME"),
        OptionDoc("keep", "snapshots: always keep the newest N", "N"),
        OptionDoc("retry", "send again while the engine says the object is locked (409), up to N "
                  "times, waiting 2 s, 4 s, … 30 s", "N"),
        OptionDoc("curl", "print a curl command that sends the request (credentials from "
                  "$OVIRT_TOKEN, secrets masked) instead of sending it"),
    ),
    examples=(
        "delete vm web1",
        "delete vm web1 --yes --wait",
        "delete nic nic2 --parent-vm-name web1",
        'delete vms --query "name=test-*" --dry-run',
        'delete vms --query "name=test-*" --yes',
        "delete snapshots --parent-vm-name web1 --older-than 30d --keep 3 --dry-run",
    ),
    aliases=("remove",),
    typed=True,
)


def run(shell, command: Command) -> Result:
    from ovirtshell.api.codec import decode_action

    if any(name in RETENTION for name, _ in command.options):
        return run_retention(shell, command)
    if bulk.requested(command):
        return run_bulk(shell, command)
    t = target(shell, command, "delete", nargs=1)
    if not t.args:
        raise UsageError(f"delete needs the {t.resource.name}'s id or name: delete {t.resource.name} <id|name>")
    if not t.resource.can_remove:
        raise UsageError(f"{t.resource.name} objects cannot be removed")
    found = find(shell, t.resource, t.collection, t.args[0])
    label = f"{t.resource.name} {found.data.get('name') or found.data.get('id')}"
    if t.request.shell.get("dry-run") or t.request.shell.get("curl"):
        return dry_run(t.connection.client, "DELETE", found.path, query_params(t.request.query), curl=bool(t.request.shell.get("curl")))
    if shell.interactive and shell.settings.confirm and not t.request.shell.get("yes") and shell.ask_confirm:
        if not shell.ask_confirm(f"delete {label}?"):
            raise CommandError("not deleted: confirmation refused")
    waiter = make_waiter(shell, t.request.shell)
    params = query_params(t.request.query)
    xml = retrying(retries(t.request.shell), lambda: t.connection.client.delete(found.path, params=params))
    reply = decode_action(t.connection.index.model, xml) if xml else {}
    shell.changed(t.resource.name)
    if waiter is not None:
        follow_up(shell, t, found.path, reply, label, waiter, removed=True)
    return Result(message=f"{label} deleted" if waiter else f"{label}: removal accepted")


# -- bulk: delete <types> --query QUERY --yes ---------------------------------------------------


def run_bulk(shell, command: Command) -> Result:
    """Remove every object the search finds; refused without --yes (see ovirtshell.bulk)."""
    rest, own = bulk.begin(shell, command)
    return _remove_all(shell, rest, own, None)


def _remove_all(
    shell, rest: Command, own: dict[str, str | None], choose: Callable[[Target], tuple[list[dict], str]] | None
) -> Result:
    """The bulk removal of what the query finds, or of what `choose(target)` picks."""
    from ovirtshell.wait import Waiter, follow_up, waiter_timeout

    t = target(shell, rest, "delete")
    if not t.resource.can_remove:
        raise UsageError(f"{t.resource.name} objects cannot be removed")
    params = query_params(t.request.query)
    wait = bool(t.request.shell.get("wait"))
    count = retries(t.request.shell)

    def apply(path: str, data: dict) -> str:
        from ovirtshell.api.codec import decode_action

        xml = retrying(count, lambda: t.connection.client.delete(path, params=params))
        if not wait:
            return "removal accepted"
        reply = decode_action(t.connection.index.model, xml) if xml else {}
        follow_up(shell, t, path, reply, f"{t.resource.name} {data.get('name')}", Waiter(timeout=waiter_timeout(t.request.shell)), removed=True)
        return "deleted"

    chosen = choose(t) if choose is not None else None
    try:
        return bulk.execute(shell, rest, bulk.Plan("delete", t, apply, destructive=True), own, chosen)
    finally:
        shell.changed(t.resource.name)


# -- snapshot retention: delete snapshots --parent-vm-name VM --older-than 30d --keep 3 --------

RETENTION = ("older-than", "keep")


def run_retention(shell, command: Command) -> Result:
    """A VM's regular snapshots past their retention, removed as a bulk operation."""
    rest, own = bulk.begin(shell, command)
    rest, policy = rest.split_off(RETENTION)
    if "query" in own:
        raise UsageError("--older-than and --keep choose snapshots by age; they do not combine with --query")
    cutoff = older_than(policy.get("older-than")) if "older-than" in policy else None
    keep = _count(policy.get("keep")) if "keep" in policy else None

    def choose(t: Target) -> tuple[list[dict], str]:
        from ovirtshell.locate import read_collection

        if t.resource.name != "snapshot" or t.via is not None:
            raise UsageError("--older-than and --keep apply to a VM's snapshots: "
                             "delete snapshots --parent-vm-name VM --older-than 30d")
        snapshots = list(read_collection(t.connection, t.collection, "snapshot", None, json=True))
        words = " and ".join(w for w in (
            f"older than {policy['older-than']}" if cutoff else "",
            f"beyond the newest {keep}" if keep is not None else "") if w)
        return expired(snapshots, cutoff, keep), f"{words} (regular snapshots only)"

    return _remove_all(shell, rest, own, choose)


def older_than(text: str | None) -> datetime:
    """`--older-than` as a moment: an age (30d, 12h, 90m) back from now, or a time."""
    from ovirtshell.follow import parse_since

    try:
        event_id, moment = parse_since(text or "")
    except UsageError:
        event_id, moment = None, None
    if moment is None or event_id is not None:
        raise UsageError(f"invalid --older-than {text!r}: expected an age such as 30d or 12h, or a time such as 2026-01-31")
    return moment


def _count(text: str | None) -> int:
    if text is None or not text.isdigit():
        raise UsageError(f"invalid --keep {text!r}: expected how many of the newest snapshots to keep (0 or more)")
    return int(text)


def expired(snapshots: list[dict], cutoff: datetime | None, keep: int | None) -> list[dict]:
    """The regular snapshots to remove, oldest first: all but the newest `keep`, of those taken
    before `cutoff`. The VM's active image, previews and undated snapshots are never chosen."""
    dated = [(taken, s) for s in snapshots if s.get("snapshot_type") == "regular"
             for taken in [_taken(s)] if taken is not None]
    dated.sort(key=lambda pair: pair[0], reverse=True)
    if keep is not None:
        dated = dated[keep:]
    if cutoff is not None:
        dated = [(taken, s) for taken, s in dated if taken < cutoff]
    return [s for _, s in reversed(dated)]


def _taken(snapshot: dict) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(snapshot.get("date")))
    except ValueError:
        return None
    return moment if moment.tzinfo else None
