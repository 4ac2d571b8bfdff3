"""set: shell settings (output format, colour, pager, confirmation, timeout, debug, viewer)."""

from __future__ import annotations

from dataclasses import replace

from ovirtshell.commands.spec import CommandSpec
from ovirtshell.config import OUTPUT_FORMATS
from ovirtshell.language import Command
from ovirtshell.result import Result
from ovirtshell.status import UsageError

# name -> (Settings field, help, completion values)
VARIABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "output": ("output", "output format", OUTPUT_FORMATS),
    "color": ("color", "colour on a terminal (auto follows the terminal and NO_COLOR)", ("on", "off", "auto")),
    "pager": ("pager", "page output taller than the screen through $PAGER", ("on", "off")),
    "confirm": ("confirm", "ask before delete in the interactive shell", ("on", "off")),
    "timeout": ("timeout", "request timeout in seconds (applies at the next connect)", ()),
    "debug": ("debug", "show HTTP exchanges (secrets masked) and tracebacks", ("on", "off")),
    "viewer": ("viewer", "the console viewer command (default remote-viewer)", ()),
    "continue_on_error": ("continue_on_error", "let scripts go on after a failing command", ("on", "off")),
}

SPEC = CommandSpec(
    name="set",
    summary="show or change shell settings",
    usage="set [NAME [VALUE]]",
    description="With no argument, lists the settings (also: show settings). set NAME VALUE changes one: "
    + "; ".join(f"{name}: {info[1]}" for name, info in VARIABLES.items())
    + ".",
    examples=("set output table", "set pager off", "set confirm off", "set"),
    offline=True,
    local=True,
)


def _value(settings, field: str) -> str:
    value = getattr(settings, field)
    if value is None:
        return "auto" if field == "color" else "-"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def listing(shell) -> Result:
    return Result(data={name: _value(shell.settings, info[0]) for name, info in VARIABLES.items()}, kind="settings")


def run(shell, command: Command) -> Result:
    if command.options:
        raise UsageError("set takes NAME VALUE, e.g. set output json")
    if not command.args:
        return listing(shell)
    name = command.args[0]
    if name not in VARIABLES:
        raise UsageError(f"unknown setting {name!r}: expected one of {', '.join(VARIABLES)}")
    if len(command.args) == 1:
        return Result(message=f"{name} = {_value(shell.settings, VARIABLES[name][0])}")
    if len(command.args) > 2:
        raise UsageError(f"set {name} takes one value")
    field, value = VARIABLES[name][0], command.args[1]
    if field == "color" and value == "auto":
        shell.settings = replace(shell.settings, color=None)
    else:
        shell.settings = shell.settings.merged({field: value})
    return Result(message=f"{name} = {_value(shell.settings, field)}")
