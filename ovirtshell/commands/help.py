"""help: the general page, a command's page, a type's options, an action's options."""

from __future__ import annotations

from ovirtshell import helptext
from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.language import Command
from ovirtshell.locate import _PARENT, parent_types
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
        "A type page starts with the REQUIRED OPTIONS (one block per input shape when there are "
        "several, e.g. a disk on a storage domain or from a LUN), then the options the engine "
        "documents for that operation; --all adds every other input the model accepts. A type "
        "that lives under a parent is shown in its first place unless a parent option names one. "
        "Built-in pages work while disconnected; type pages use the model of the last engine, or "
        "the bundled oVirt 4.6 model. Pages wrap to the terminal's width (or $COLUMNS)."
    ),
    options=(OptionDoc("all", "type pages: also every input the input details do not name"),),
    examples=("help", "help list", "help create vm", "help create vm --all", "help action vm migrate",
              "help create nic --parent-vm-name web1"),
    aliases=("?",),
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    specs = shell.registry.specs()
    everything = False
    for name, value in command.options:
        if name == "all" and value is None:
            everything = True
        elif not _PARENT.match(name):
            raise UsageError(f"help takes --all and parent options, not --{name}")
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
    page = helptext.type_page(index, verb, name, spec, tuple(parent_types(command)), action,
                              everything=everything, width=_width(shell))
    return Result(message=page.rstrip("\n"))


def _width(shell) -> int:
    """The terminal's width (or $COLUMNS when not on one), less a margin; at least 60."""
    columns, _ = shell.env.terminal_size()
    if not shell.env.stdout_isatty:
        raw = shell.env.environ.get("COLUMNS", "")
        columns = int(raw) if raw.isdigit() else columns
    return max(60, min(columns, 200) - 2)


def _index(shell):
    """The connected engine's model; offline, the newest cached one or the bundled 4.6 model."""
    if shell.connection is not None:
        return shell.connection.index
    from ovirtshell.metadata.loader import offline_index

    return offline_index(shell.env.cache_dir)
