"""Exit statuses: the contract scripts rely on (DESIGN §4.1)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    SYNTAX_ERROR = 1
    COMMAND_ERROR = 2
    INTERRUPTED = 3
    UNKNOWN_ERROR = 4
    COMMUNICATION_ERROR = 5
    AUTHENTICATION_ERROR = 6
    REMOTE_ERROR = 10
    NOT_FOUND = 11
    TIMEOUT = 12
    PARTIAL = 13


DESCRIPTIONS: dict[ExitStatus, str] = {
    ExitStatus.OK: "the command completed",
    ExitStatus.SYNTAX_ERROR: "bad command line: unknown command, type, option, or a value of the wrong kind",
    ExitStatus.COMMAND_ERROR: "cannot be done client-side: not connected, ambiguous name, refused confirmation, pipe failed",
    ExitStatus.INTERRUPTED: "interrupted with Ctrl-C",
    ExitStatus.UNKNOWN_ERROR: "an unexpected error (a bug); the traceback is shown with --debug",
    ExitStatus.COMMUNICATION_ERROR: "engine unreachable, TLS failure, timeout or malformed response",
    ExitStatus.AUTHENTICATION_ERROR: "bad credentials, or the session expired and logging in again failed",
    ExitStatus.REMOTE_ERROR: "the engine returned a fault; its reason and detail are printed",
    ExitStatus.NOT_FOUND: "the object, or its parent, does not exist",
    ExitStatus.TIMEOUT: "a --wait deadline passed before the operation finished",
    ExitStatus.PARTIAL: "a bulk operation (--query on a plural type) failed for some of its objects",
}


class ShellError(Exception):
    """An error with the exit status it maps to; its message is one line for the user."""

    status: ExitStatus = ExitStatus.UNKNOWN_ERROR

    def __init__(self, message: str, status: ExitStatus | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status


class UsageError(ShellError):
    """A bad command line: SYNTAX_ERROR."""

    status = ExitStatus.SYNTAX_ERROR


class CommandError(ShellError):
    status = ExitStatus.COMMAND_ERROR


class NotFound(ShellError):
    status = ExitStatus.NOT_FOUND


class Timeout(ShellError):
    status = ExitStatus.TIMEOUT


def status_table() -> list[tuple[int, str, str]]:
    """Rows for help pages, the man page and the README."""
    return [(int(s), s.name, DESCRIPTIONS[s]) for s in ExitStatus]
