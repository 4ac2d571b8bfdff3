"""-E "cmd; cmd": the commands of one string, split on ';' outside quotes."""

from __future__ import annotations

from ovirtshell.modes.batch import run_script
from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus


def run(shell: Shell, commands: str) -> ExitStatus:
    return run_script(shell, commands)
