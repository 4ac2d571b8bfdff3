"""-f FILE and piped stdin: run a script's commands in order, stopping at the first failure."""

from __future__ import annotations

from ovirtshell.language import split_commands
from ovirtshell.shell import Shell
from ovirtshell.status import CommandError, ExitStatus, ShellError


def run_script(shell: Shell, text: str) -> ExitStatus:
    """The status of the first failing command (or, with --continue-on-error, of the last one)."""
    try:
        lines = split_commands(text)
    except ShellError as exc:
        shell.env.stderr.write(f"error: {exc}\n")
        return exc.status
    failed = ExitStatus.OK
    for line in lines:
        result = shell.execute(line)
        if not result.ok:
            failed = result.status
            if not shell.settings.continue_on_error:
                break
        if shell.exiting:
            break
    return failed


def run_file(shell: Shell, path: str) -> ExitStatus:
    try:
        if path == "-":
            text = shell.env.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        error = CommandError(f"cannot read {path}: {exc.strerror}")
        shell.env.stderr.write(f"error: {error}\n")
        return error.status
    except UnicodeDecodeError:
        shell.env.stderr.write(f"error: {path} is not UTF-8 text\n")
        return ExitStatus.COMMAND_ERROR
    return run_script(shell, text)
