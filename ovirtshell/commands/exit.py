"""exit: log out and leave the shell."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="exit",
    summary="log out and leave the shell",
    usage="exit",
    description="Logs out of the engine and leaves the shell (also Ctrl-D). In a script it ends the script.",
    aliases=("quit",),
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    shell.exiting = True
    return Result()
