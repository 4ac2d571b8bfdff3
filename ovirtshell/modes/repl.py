"""The interactive mode: a prompt loop over Shell.execute."""

from __future__ import annotations

from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus


def prompt_text(shell: Shell) -> str:
    if shell.connected:
        state = f"connected@{shell.connection.host}" if shell.settings.extended_prompt else "connected"
    else:
        state = "disconnected"
    return f"[oVirt shell ({state})]# "


def run(shell: Shell) -> ExitStatus:
    """Ctrl-C clears the line, Ctrl-D or exit leaves; the exit status is the last command's."""
    from ovirtshell.repl.session import run_session

    return run_session(shell)
