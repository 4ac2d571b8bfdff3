"""Typed errors raised by the API layer; each is a ShellError carrying the exit status it maps to.

Messages are one line, meant for the user, and never contain a password or a token.
"""

from __future__ import annotations

from ovirtshell.status import ExitStatus, ShellError


class ApiError(ShellError):
    """Base of every error the client raises, so callers can catch the API layer as a whole."""


class CommunicationError(ApiError):
    """The engine could not be talked to: unreachable, TLS failure, timeout or malformed reply."""

    status = ExitStatus.COMMUNICATION_ERROR


class AuthenticationError(ApiError):
    """Bad credentials, or the session expired and logging in again failed."""

    status = ExitStatus.AUTHENTICATION_ERROR


class RemoteError(ApiError):
    """The engine answered with an error (usually a fault with a reason and a detail)."""

    status = ExitStatus.REMOTE_ERROR

    def __init__(
        self,
        reason: str | None,
        detail: str | None = None,
        http_status: int | None = None,
        message: str | None = None,
    ):
        self.reason = reason
        self.detail = detail
        self.http_status = http_status
        super().__init__(message or format_fault(reason, detail, http_status))


class NotFoundError(ApiError):
    """HTTP 404: the object, or one of its parents, does not exist (the engine sends no fault)."""

    status = ExitStatus.NOT_FOUND

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path
        self.http_status = 404


def format_fault(reason: str | None, detail: str | None, http_status: int | None) -> str:
    """'Operation Failed: [Cannot run VM. VM is running.] (HTTP 409)', whatever parts exist."""
    text = ": ".join(part for part in (reason, detail) if part)
    if not text:
        text = "the engine reported an error without a fault"
    if http_status is not None:
        text += f" (HTTP {http_status})"
    return " ".join(text.split())  # one line, even when the detail spans several


class DeadlineError(CommunicationError):
    """The engine did not answer completely within the request's deadline."""
