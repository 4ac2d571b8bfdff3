"""--wait: return only when an operation has really finished.

The engine answers many requests before the work is done (a new VM is image_locked, a started
VM passes through wait_for_launch and powering_up). Waiting follows the job the engine reports,
then the object's status until it leaves the transitional states, or the object's removal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ovirtshell.status import ExitStatus, ShellError, Timeout

# Status values (from the engine's status enums) that mean "still changing".
TRANSITIONAL = frozenset(
    {
        "image_locked",
        "locked",
        "wait_for_launch",
        "powering_up",
        "powering_down",
        "migrating",
        "reboot_in_progress",
        "saving_state",
        "restoring_state",
        "preparing_for_maintenance",
        "installing",
        "installing_os",
        "initializing",
        "activating",
        "detaching",
        "connecting",
        "unassigned",
        "contend",
        "started",
        "pending",
        "in_progress",
    }
)

DEFAULT_TIMEOUT = 600.0


def status_of(data: dict[str, Any]) -> str | None:
    status = data.get("status")
    if isinstance(status, dict):  # older representations nest it: status-state
        status = status.get("state")
    return status if isinstance(status, str) else None


@dataclass
class Waiter:
    """Polls with a deadline; the clock, sleep and progress sink are injected for tests."""

    timeout: float = DEFAULT_TIMEOUT
    interval: float = 0.5
    progress: Callable[[str], None] | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _deadline: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self._deadline = self.clock() + self.timeout

    def _tick(self, what: str, state: str) -> None:
        if self.progress:
            self.progress(f"waiting for {what}: {state}")
        if self.clock() >= self._deadline:
            raise Timeout(f"timed out after {self.timeout:g} s waiting for {what} (still {state})")
        self.sleep(self.interval)

    def job(self, read: Callable[[], dict[str, Any]], what: str) -> None:
        """Until the job ends; a failed job is a REMOTE_ERROR."""
        while True:
            job = read()
            state = status_of(job) or "unknown"
            if state in ("failed", "aborted"):
                raise ShellError(f"{what}: the engine's job {state}: {job.get('description', '')}".rstrip(": "), ExitStatus.REMOTE_ERROR)
            if state not in TRANSITIONAL:
                return
            self._tick(what, f"job {state}")

    def settled(self, read: Callable[[], dict[str, Any]], what: str, target: str | None = None) -> dict[str, Any]:
        """Until the object's status is no longer transitional (and is `target`, when given)."""
        while True:
            data = read()
            state = status_of(data)
            if state is None or (state not in TRANSITIONAL and (target is None or state == target)):
                return data
            self._tick(what, state)

    def gone(self, exists: Callable[[], bool], what: str) -> None:
        while exists():
            self._tick(what, "present")


def waiter_timeout(options: dict[str, Any]) -> float:
    """--timeout in seconds, else the default."""
    timeout = options.get("timeout")
    return DEFAULT_TIMEOUT if timeout is None else float(timeout)


def make_waiter(shell, options: dict[str, Any]) -> Waiter | None:
    """A Waiter when --wait was given; --timeout (seconds) bounds it."""
    if not options.get("wait"):
        return None
    seconds = waiter_timeout(options)
    progress = None
    if shell.env.stdout_isatty and shell.settings.output == "text":
        def progress(line: str) -> None:
            shell.env.stderr.write(f"\r\x1b[K{line}")
            shell.env.stderr.flush()
    return Waiter(timeout=seconds, progress=progress)


def follow_up(shell, target, path: str, reply: dict[str, Any], what: str, waiter: Waiter, *, removed: bool = False) -> dict[str, Any] | None:
    """Wait for the job named in `reply`, then for the object at `path` to settle or disappear."""
    from ovirtshell.api.codec import decode
    from ovirtshell.api.errors import NotFoundError

    connection = target.connection
    model = connection.index.model
    try:
        job = reply.get("job") if isinstance(reply, dict) else None
        if isinstance(job, dict) and job.get("id"):
            waiter.job(lambda: decode(model, "job", connection.client.get(f"/jobs/{job['id']}")), what)
        if removed:
            def exists() -> bool:
                try:
                    connection.client.get(path)
                except NotFoundError:
                    return False
                return True

            waiter.gone(exists, what)
            return None
        return waiter.settled(lambda: decode(model, target.resource.item_type, connection.client.get(path)), what)
    finally:
        if waiter.progress:
            shell.env.stderr.write("\r\x1b[K")
            shell.env.stderr.flush()
