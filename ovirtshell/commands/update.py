"""update: change some fields of an object (only the fields given are sent)."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.dryrun import dry_run
from ovirtshell.language import Command
from ovirtshell.locate import find, query_params, resolve_references, target
from ovirtshell.result import Result
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="update",
    summary="change an object",
    usage="update <type> <id|name> [parent options] [attribute options]",
    description=(
        "Changes the given fields of an object, found by id or name; only those fields are sent. "
        "See help update <type> for the options. --dry-run prints the request instead of sending it."
    ),
    options=(OptionDoc("dry-run", "print the method, URL and body instead of sending them"),),
    examples=("update vm web1 --memory 4GiB --description 'web server'", "update host host1 --comment rack-2"),
    typed=True,
)


def run(shell, command: Command) -> Result:
    from ovirtshell.api.codec import decode, encode

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
    if t.request.shell.get("dry-run"):
        return dry_run(t.connection.client, "PUT", found.path, query_params(t.request.query), body)
    xml = t.connection.client.put(found.path, body, params=query_params(t.request.query))
    return Result(data=decode(model, t.resource.item_type, xml), kind=t.resource.name, xml=xml)
