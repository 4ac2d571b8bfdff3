"""refresh: reload the cached object names used by completion."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="refresh",
    summary="reload the object names completion offers",
    usage="refresh",
    description="Forgets the object names cached for completion; they are read again in the background.",
    local=True,
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    shell.changed("*")
    return Result(message="completion names will be reloaded")
