"""status: the exit status of the previous command."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="status",
    summary="show the status of the last command",
    usage="status",
    description="Prints the exit status of the previous command, as a number and a name (see help for the table).",
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    last = shell.last_status
    if last is None:
        return Result(message="last command status: N/A")
    return Result(message=f"last command status: {int(last)} ({last.name})")
