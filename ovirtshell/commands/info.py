"""info: versions of the shell, the engine and its API model, and the URL."""

from __future__ import annotations

import platform

from ovirtshell import __version__
from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="info",
    summary="show shell, engine and API model versions",
    usage="info",
    description="Shows the shell's version, the engine's product and version, the size of its API model and the URL.",
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    data: dict[str, object] = {"shell_version": __version__, "python_version": platform.python_version()}
    connection = shell.connection
    if connection is not None:
        model = connection.index.model
        data.update(
            engine=connection.product,
            engine_version=connection.version,
            url=connection.url,
            model_types=len(model.types),
            model_services=len(model.services),
        )
    else:
        data["url"] = "(not connected)"
    return Result(data=data, kind="info")
