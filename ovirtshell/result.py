"""What a command hands back to be rendered: data or a message, and its exit status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ovirtshell.status import ExitStatus


@dataclass
class Result:
    status: ExitStatus = ExitStatus.OK
    data: Any = None  # one object (dict), a collection (list of dicts), or None
    kind: str | None = None  # command-line type name of the object(s), e.g. "vm"
    message: str | None = None  # a line for the user on stdout, e.g. "accepted."
    xml: bytes | None = None  # the engine's own representation, for -o xml
    error: str | None = None  # one-line error for stderr when status is not OK
    fields: tuple[str, ...] | None = None  # columns chosen with --fields
    columns: tuple[str, ...] | None = None  # the human formats' default columns (not json/xml)
    show_all: bool = False  # list --show-all: every field of each element
    format: str | None = None  # this command's -o/--output, over the session's setting
    details: dict[str, Any] | None = None  # the error's fields for JSON (http_status, reason, …)

    @property
    def ok(self) -> bool:
        return self.status == ExitStatus.OK
