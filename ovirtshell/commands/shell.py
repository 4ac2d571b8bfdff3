"""! (shell): run a system command and print what it printed."""

from __future__ import annotations

import subprocess

from ovirtshell.commands.spec import CommandSpec
from ovirtshell.language import Command
from ovirtshell.result import Result
from ovirtshell.status import CommandError, UsageError

SPEC = CommandSpec(
    name="shell",
    summary="run a system command",
    usage="!COMMAND",
    description=(
        "Runs COMMAND with /bin/sh and prints its output; echo $out prints it again. "
        "A command that exits with a non-zero status is a COMMAND_ERROR."
    ),
    examples=("!ls -l", "!date"),
    aliases=("!",),
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    line = " ".join(command.args).strip()
    if not line:
        raise UsageError("! needs a command, e.g. !ls")
    proc = subprocess.run(["/bin/sh", "-c", line], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    shell.last_shell_output = proc.stdout
    if proc.stderr:
        shell.env.stderr.write(proc.stderr)
    if proc.returncode != 0:
        if proc.stdout:
            shell.env.stdout.write(proc.stdout)
        raise CommandError(f"command exited with status {proc.returncode}")
    return Result(message=proc.stdout.rstrip("\n")) if proc.stdout else Result()
