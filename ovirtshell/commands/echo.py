"""echo: print text; $out is what the last ! command printed."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="echo",
    summary="print a line of text",
    usage="echo [TEXT...]",
    description="Prints its arguments. $out stands for the output of the last ! (shell) command.",
    examples=("echo starting maintenance", "!date; echo $out"),
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    words = list(command.args) + [f"--{n}" + (f" {v}" if v is not None else "") for n, v in command.options]
    text = " ".join(words).replace("$out", shell.last_shell_output.rstrip("\n"))
    return Result(message=text)
