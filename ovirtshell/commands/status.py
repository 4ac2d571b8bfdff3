"""status: the exit status of the previous command."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec
from ovirtshell.language import Command
from ovirtshell.result import Result
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="status",
    summary="show the status of the last command",
    usage="status",
    description="Prints the exit status of the previous command, as a number and a name (see help for the table).",
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    if command.args or command.options:
        raise UsageError("status takes no arguments")
    last = shell.last_status
    if last is None:
        return Result(message="last command status: N/A")
    return Result(message=f"last command status: {int(last)} ({last.name})")
