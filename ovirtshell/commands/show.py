"""show: one object, by id or name."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.language import Command
from ovirtshell.locate import find, query_params, target
from ovirtshell.result import Result
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="show",
    summary="show one object with all its fields",
    usage="show <type> <id|name> [parent options] [model options] [--fields F,G]",
    description=(
        "Shows one object, found by id or by name. A name that matches several objects is an "
        "error that lists them with their ids. Objects under a parent need the parent options, "
        "e.g. show nic nic1 --parent-vm-name web1. The engine's read parameters (such as --follow "
        "LINKS or --all_content true) come from its model: see help show <type>."
    ),
    options=(OptionDoc("fields", "the fields to show, comma-separated", "F,G"),),
    examples=("show vm web1", "show vm web1 -o json", "show nic nic1 --parent-vm-name web1", "show host host0 --fields name,status"),
    typed=True,
)


def offline_for(command: Command) -> bool:
    """`show settings` is the shell's own and works while disconnected."""
    return command.args == ("settings",) and not command.options


def run(shell, command: Command) -> Result:
    if offline_for(command):
        from ovirtshell.commands import set as settings

        return settings.listing(shell)
    t = target(shell, command, "show", nargs=1)
    if not t.args:
        raise UsageError(f"show needs the {t.resource.name}'s id or name: show {t.resource.name} <id|name>")
    found = find(shell, t.resource, t.collection, t.args[0])
    params = {k: v for k, v in t.request.query.items() if v is not None}
    if params:  # get() options such as follow or all_content: read it again with them
        from ovirtshell.api.codec import decode

        xml = t.connection.client.get(found.path, query_params(params))
        found.data, found.xml = decode(t.connection.index.model, t.resource.item_type, xml), xml
    if (shell.current_format or shell.settings.output) in ("text", "table"):
        from ovirtshell.readable import name_references

        found.data = name_references(shell, found.data)  # cluster-name beside cluster-id
    return Result(data=found.data, kind=t.resource.name, xml=found.xml)
