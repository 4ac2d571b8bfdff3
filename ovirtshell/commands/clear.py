"""clear: clear the terminal screen."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="clear",
    summary="clear the screen",
    usage="clear",
    description="Clears the terminal screen; does nothing when the output is not a terminal.",
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    if shell.env.stdout_isatty:
        shell.env.stdout.write("\x1b[H\x1b[2J")
        shell.env.stdout.flush()
    return Result()
