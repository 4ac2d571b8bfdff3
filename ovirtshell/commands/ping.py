"""ping: check that the engine answers with this session."""

from __future__ import annotations

import time

from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="ping",
    summary="check that the engine can be reached",
    usage="ping",
    description="Reads the API root with the current session and reports the round-trip time.",
    local=True,
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    connection = shell.require_connection()
    start = time.monotonic()
    connection.client.api_root()
    elapsed = (time.monotonic() - start) * 1000
    return Result(message=f"success: {connection.url} answered in {elapsed:.0f} ms")
