"""history: the commands of this and earlier sessions."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.language import Command
from ovirtshell.result import Result
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="history",
    summary="show the command history",
    usage="history [N] [--last N] [--first N]",
    description=(
        "Lists the recorded commands, numbered. history N shows entry N. Lines holding a password "
        "and connect lines are never recorded."
    ),
    options=(
        OptionDoc("last", "the last N entries", "N"),
        OptionDoc("first", "the first N entries", "N"),
    ),
    offline=True,
    local=True,
)


def _count(value: str | None, name: str) -> int:
    try:
        number = int(value or "")
    except ValueError:
        raise UsageError(f"--{name} needs a positive number") from None
    if number <= 0:
        raise UsageError(f"--{name} needs a positive number")
    return number


def run(shell, command: Command) -> Result:
    entries = list(enumerate(shell.history, start=1))
    if command.args:
        if len(command.args) > 1 or not command.args[0].isdigit():
            raise UsageError("history takes one entry number")
        number = int(command.args[0])
        if not 1 <= number <= len(entries):
            raise UsageError(f"no history entry {number}")
        entries = [entries[number - 1]]
    for name, value in command.options:
        if name == "last":
            entries = entries[-_count(value, name):]
        elif name == "first":
            entries = entries[: _count(value, name)]
        else:
            raise UsageError(f"unknown option --{name} for history (use --last or --first)")
    if not entries:
        return Result()
    return Result(message="\n".join(f"[{n}] {line}" for n, line in entries))
