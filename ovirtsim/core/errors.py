"""Faults the simulator raises; the app turns them into the engine's wire format."""

from __future__ import annotations


class Fault(Exception):
    """An engine fault: HTTP status, reason and detail (detail may be None).

    ``in_action`` asks for the action-shaped reply
    (``<action><fault/><status>failed</status></action>``) instead of a bare ``<fault>``.
    """

    def __init__(
        self, status: int, reason: str | None, detail: str | None = None, in_action: bool = False
    ) -> None:
        super().__init__(f"{status} {reason}: {detail}")
        self.status = status
        self.reason = reason
        self.detail = detail
        self.in_action = in_action


class NotFound(Fault):
    """404 with an empty body, as the engine answers for unknown paths and ids."""

    def __init__(self) -> None:
        super().__init__(404, None, None)


class MethodNotAllowed(Fault):
    """405: the service exists but lacks this HTTP method."""

    def __init__(self) -> None:
        super().__init__(405, None, None)


def incomplete(type_label: str, fields: str, method: str = "add") -> Fault:
    """400 'Incomplete parameters' with the engine's `{Type} [{fields}] required for {m}`."""
    return Fault(400, "Incomplete parameters", f"{type_label} [{fields}] required for {method}")


def conflict(action: str, type_label: str, why: str, in_action: bool = False) -> Fault:
    """409 'Operation Failed' with a backend message `[Cannot {action} {Type}. {why}]`."""
    return Fault(409, "Operation Failed", f"[Cannot {action} {type_label}. {why}]", in_action)


def camel(name: str) -> str:
    """vm_type -> VmType, as Java names appear in engine messages."""
    return "".join(part.capitalize() for part in name.split("_"))
