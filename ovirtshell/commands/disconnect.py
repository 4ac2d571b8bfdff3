"""disconnect: log out and drop the session."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result
from ovirtshell.status import CommandError

SPEC = CommandSpec(
    name="disconnect",
    summary="log out of the engine",
    usage="disconnect",
    description=(
        "Logs out (the SSO token is revoked, and the login kept between runs is deleted) and "
        "leaves the shell disconnected. Leaving the shell without disconnect keeps the login "
        "for the next run, unless the token_cache setting is false."
    ),
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    if not shell.connected:
        raise CommandError("not connected")
    url = shell.connection.url
    shell.disconnect()
    return Result(message=f"disconnected from {url}")
