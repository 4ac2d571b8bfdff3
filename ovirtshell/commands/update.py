"""update: change some fields of an object (only the fields given are sent)."""

from __future__ import annotations

from ovirtshell import bulk
from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.dryrun import dry_run
from ovirtshell.language import Command
from ovirtshell.locate import find, query_params, resolve_references, target
from ovirtshell.result import Result
from ovirtshell.retry import retries, retrying
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="update",
    summary="change an object",
    usage="update <type> <id|name> [parent options] [attribute options]",
    description=(
        "Changes the given fields of an object, found by id or name; only those fields are sent. "
        "See help update <type> for the options. With a plural type and --query the same change "
        "goes to every object the search finds (a bulk operation); exit status 13 (PARTIAL) "
        "when some failed. --dry-run prints the request instead of sending it (in bulk: lists "
        "what would be done)."
    ),
    options=(
        OptionDoc("query", "bulk: act on every object this engine search finds (plural type)", "QUERY"),
        OptionDoc("parallel", "bulk: how many objects at a time (default 4)", "N"),
        OptionDoc("dry-run", "print the method, URL and body instead of sending them (bulk: list the objects)"),
        OptionDoc("retry", "send again while the engine says the object is locked (409), up to N "
                  "times, waiting 2 s, 4 s, … 30 s", "N"),
        OptionDoc("curl", "print a curl command that sends the request (credentials from "
                  "$OVIRT_TOKEN, secrets masked) instead of sending it"),
    ),
    examples=(
        "update vm web1 --memory 4GiB --description 'web server'",
        "update host host1 --comment rack-2",
        'update vms --query "cluster=Default" --memory 4GiB --dry-run',
    ),
    typed=True,
)


def run(shell, command: Command) -> Result:
    from ovirtshell.api.codec import decode, encode

    if bulk.requested(command):
        return run_bulk(shell, command)
    t = target(shell, command, "update", nargs=1)
    if not t.args:
        raise UsageError(f"update needs the {t.resource.name}'s id or name: update {t.resource.name} <id|name> --field value")
    if not t.resource.can_update:
        raise UsageError(f"{t.resource.name} objects cannot be updated")
    if not t.request.body:
        raise UsageError(f"nothing to update: give the fields to change (see help update {t.resource.name})")
    found = find(shell, t.resource, t.collection, t.args[0])
    model = t.connection.index.model
    body = encode(model, t.resource.item_type, resolve_references(shell, t, t.resource.item_type))
    if t.request.shell.get("dry-run") or t.request.shell.get("curl"):
        return dry_run(t.connection.client, "PUT", found.path, query_params(t.request.query), body, curl=bool(t.request.shell.get("curl")))
    params = query_params(t.request.query)
    xml = retrying(retries(t.request.shell), lambda: t.connection.client.put(found.path, body, params=params))
    return Result(data=decode(model, t.resource.item_type, xml), kind=t.resource.name, xml=xml)


# -- bulk: update <types> --query QUERY --field value -------------------------------------------


def run_bulk(shell, command: Command) -> Result:
    """The same change on every object the search finds (see ovirtshell.bulk)."""
    from ovirtshell.api.codec import encode

    rest, own = bulk.begin(shell, command)
    t = target(shell, rest, "update")
    if not t.resource.can_update:
        raise UsageError(f"{t.resource.name} objects cannot be updated")
    if not t.request.body:
        raise UsageError(f"nothing to update: give the fields to change (see help update {t.resource.name})")
    body = encode(t.connection.index.model, t.resource.item_type, resolve_references(shell, t, t.resource.item_type))
    params = query_params(t.request.query)
    count = retries(t.request.shell)

    def apply(path: str, data: dict) -> str:
        retrying(count, lambda: t.connection.client.put(path, body, params=params))
        return "updated"

    return bulk.execute(shell, rest, bulk.Plan("update", t, apply, destructive=False), own)
