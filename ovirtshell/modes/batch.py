"""-f FILE and piped stdin: run a script's commands in order, stopping at the first failure."""

from __future__ import annotations

from ovirtshell.language import script_commands
from ovirtshell.shell import Shell
from ovirtshell.status import CommandError, ExitStatus


def run_script(shell: Shell, text: str, source: str | None = None) -> ExitStatus:
    """The status of the first failing command (or, with --continue-on-error, of the last one).

    With a `source` (the file's name) errors carry `file:line`. A line that cannot be read (an
    open quote) fails alone: with --continue-on-error the rest of the script still runs.
    """
    failed = ExitStatus.OK
    for command in script_commands(text):
        where = (source, command.line) if source is not None else None
        result = shell.execute(command.text, where=where)
        if not result.ok:
            failed = result.status
            if not shell.settings.continue_on_error:
                break
        if shell.exiting:
            break
    return failed


def run_file(shell: Shell, path: str) -> ExitStatus:
    """Bytes that are not UTF-8 fail their own line (SYNTAX_ERROR), not the whole script."""
    try:
        if path == "-":
            stream = getattr(shell.env.stdin, "buffer", None)
            if stream is not None:
                text = stream.read().decode("utf-8", "surrogateescape")
            else:
                text = shell.env.stdin.read()
        else:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                text = handle.read()
    except OSError as exc:
        error = CommandError(f"cannot read {path}: {exc.strerror}")
        shell.env.stderr.write(f"error: {error}\n")
        return error.status
    return run_script(shell, text, "<stdin>" if path == "-" else path)
