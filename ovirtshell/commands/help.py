"""help: the general page, a command's page, a type's options, an action's options."""

from __future__ import annotations

from ovirtshell import helptext
from ovirtshell.commands.spec import CommandSpec
from ovirtshell.language import Command
from ovirtshell.locate import parent_types
from ovirtshell.result import Result
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="help",
    summary="show help",
    usage="help [<command> [<type> [<action>]]]",
    description=(
        "Without arguments, lists the commands and the syntax. help <command> shows a command's "
        "page; help <command> <type> the options of that type for that command (derived from the "
        "engine's model); help action <type> <action> an action's options. Also <command> --help. "
        "Built-in pages work while disconnected; type pages use the model of the last engine, or "
        "the bundled oVirt 4.6 model."
    ),
    examples=("help", "help list", "help create vm", "help action vm migrate", "help create nic --parent-vm-name web1"),
    aliases=("?",),
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    specs = shell.registry.specs()
    if not command.args:
        return Result(message=helptext.general_page(specs, shell.connected).rstrip("\n"))
    module = shell.registry.get(command.args[0])
    if module is None:
        raise UsageError(f"no help for {command.args[0]!r}: not a command (see help)")
    spec: CommandSpec = module.SPEC
    if len(command.args) == 1 or not spec.typed:
        index = _index(shell) if spec.typed else None
        return Result(message=helptext.command_page(spec, index).rstrip("\n"))
    index = _index(shell)
    verb = spec.name
    name = index.resolve(command.args[1])
    if name is None or name not in index.type_names(verb):
        raise UsageError(f"no {verb} help for type {command.args[1]!r} (see help {verb})")
    action = None
    if verb == "action":
        words = command.args[2:]
        candidate = words[-1] if words else None  # help action vm migrate, or help action vm web1 migrate
        if candidate is not None:
            resource = index.resource(name, parent_types(command))
            try:
                action = index.action_method(resource, candidate).name
            except UsageError:
                if len(words) > 1:
                    raise
                action = None  # help action vm web1: the object, not an action
    page = helptext.type_page(index, verb, name, spec, tuple(parent_types(command)), action)
    return Result(message=page.rstrip("\n"))


def _index(shell):
    """The connected engine's model; offline, the newest cached one or the bundled 4.6 model."""
    if shell.connection is not None:
        return shell.connection.index
    from ovirtshell.metadata.loader import offline_index

    return offline_index(shell.env.cache_dir)
