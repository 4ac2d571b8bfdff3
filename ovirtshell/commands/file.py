"""file: run the commands of a script file inside the shell."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec
from ovirtshell.language import Command
from ovirtshell.modes.batch import run_script
from ovirtshell.result import Result
from ovirtshell.status import CommandError, UsageError

SPEC = CommandSpec(
    name="file",
    summary="run the commands in a file",
    usage="file SCRIPT",
    description=(
        "Runs each command of SCRIPT (comments, blank lines, ';' and '\\' continuation as in -f). "
        "It stops at the first failing command, unless the shell runs with --continue-on-error; "
        "its status is that command's."
    ),
    examples=("file maintenance.cli",),
    offline=True,
    local=True,
)

_MAX_DEPTH = 10


def run(shell, command: Command) -> Result:
    if len(command.args) != 1 or command.options:
        raise UsageError("file takes one script file name")
    path = command.args[0]
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:  # bad bytes fail their line
            text = handle.read()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    depth = getattr(shell, "_file_depth", 0)
    if depth >= _MAX_DEPTH:
        raise CommandError(f"file: scripts nested more than {_MAX_DEPTH} deep")
    shell._file_depth = depth + 1
    try:
        status = run_script(shell, text, path)
    finally:
        shell._file_depth = depth
    # The failing command already printed its error; only its status is passed on.
    return Result(status=status)
