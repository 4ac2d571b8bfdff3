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

from ovirtshell.status import ExitStatus, ShellError, Timeout, UsageError

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
MAX_WAIT = 31 * 24 * 3600  # a month: beyond it the clock arithmetic means nothing


def status_attribute(model, type_name: str | None) -> str:
    """The attribute that says a type's state: its own `<type>_status` where it has one (a
    snapshot's `snapshot_status`; its `status` is the VM's), else `status`."""
    type_ = model.types.get(type_name or "") if model is not None else None
    own = f"{type_name}_status"
    if type_ is not None and type_.member(own) is not None:
        return own
    return "status"


def status_of(data: dict[str, Any], attribute: str = "status") -> str | None:
    status = data.get(attribute)
    if isinstance(status, dict):  # older representations nest it: status-state
        status = status.get("state")
    return status if isinstance(status, str) else None


@dataclass
class Waiter:
    """Polls with a deadline; the clock, sleep and progress sink are injected for tests.

    `progress(what, state)` is told every state read (see wait_display); `last_state` is the
    latest, for the message when the wait is interrupted.
    """

    timeout: float = DEFAULT_TIMEOUT
    interval: float = 0.5
    progress: Callable[[str, str], None] | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    last_state: str | None = None
    _deadline: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self._deadline = self.clock() + self.timeout

    def _seen(self, what: str, state: str) -> None:
        self.last_state = state
        if self.progress:
            self.progress(what, state)

    def _tick(self, what: str, state: str) -> None:
        self._seen(what, state)
        if self.clock() >= self._deadline:
            raise Timeout(f"timed out after {self.timeout:g} s waiting for {what} (still {state})")
        self.sleep(self.interval)

    def job(self, read: Callable[[], dict[str, Any]], what: str, peek: Callable[[], str | None] | None = None) -> None:
        """Until the job ends; a failed job is a REMOTE_ERROR. `peek` reads the object's own
        state meanwhile, shown instead of the job's."""
        while True:
            job = read()
            state = status_of(job) or "unknown"
            if state in ("failed", "aborted"):
                raise ShellError(f"{what}: the engine's job {state}: {job.get('description', '')}".rstrip(": "), ExitStatus.REMOTE_ERROR)
            if state not in TRANSITIONAL:
                return
            self._tick(what, (peek() if peek else None) or f"job {state}")

    def settled(self, read: Callable[[], dict[str, Any]], what: str, target: str | None = None,
                attribute: str = "status") -> dict[str, Any]:
        """Until the object's status is no longer transitional (and is `target`, when given)."""
        while True:
            data = read()
            state = status_of(data, attribute)
            if state is None or (state not in TRANSITIONAL and (target is None or state == target)):
                if state is not None:
                    self._seen(what, state)
                return data
            self._tick(what, state)

    def gone(self, exists: Callable[[], bool], what: str) -> None:
        while exists():
            self._tick(what, "present")
        self._seen(what, "gone")


def waiter_timeout(options: dict[str, Any]) -> float:
    """--timeout in seconds, else the default."""
    timeout = options.get("timeout")
    return DEFAULT_TIMEOUT if timeout is None else float(timeout)


def make_waiter(shell, options: dict[str, Any]) -> Waiter | None:
    """A Waiter when --wait was given; --timeout (seconds) bounds it."""
    timeout = options.get("timeout")
    if not options.get("wait"):
        if timeout is not None:
            raise UsageError("--timeout bounds --wait: give --wait too (or leave --timeout out)")
        return None
    if timeout is not None and not 0 < float(timeout) <= MAX_WAIT:
        raise UsageError(f"--timeout must be a number of seconds from 1 to {MAX_WAIT}, not {timeout}")
    seconds = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    progress = None
    if shell.env.stdout_isatty and (getattr(shell, "current_format", None) or shell.settings.output) in ("text", "table"):
        from ovirtshell.wait_display import StateTrail

        progress = StateTrail(shell.env.stderr)
    return Waiter(timeout=seconds, progress=progress)


def follow_up(shell, target, path: str, reply: dict[str, Any], what: str, waiter: Waiter, *, removed: bool = False) -> dict[str, Any] | None:
    """Wait for the job named in `reply`, then for the object at `path` to settle or disappear."""
    from ovirtshell.api.deadline import deadline
    from ovirtshell.api.errors import DeadlineError

    try:
        # The command's deadline also bounds each request made while waiting; the grace lets
        # the last poll report the state the object is still in.
        with deadline(max(waiter._deadline - waiter.clock(), 0.0) + waiter.interval + 1.0):
            return _follow(shell, target, path, reply, what, waiter, removed=removed)
    except DeadlineError:
        if waiter.clock() < waiter._deadline:
            raise
        still = f" (still {waiter.last_state})" if waiter.last_state else ""
        raise Timeout(f"timed out after {waiter.timeout:g} s waiting for {what}{still}") from None


def _follow(shell, target, path: str, reply: dict[str, Any], what: str, waiter: Waiter, *, removed: bool) -> dict[str, Any] | None:
    from ovirtshell.api.codec import decode
    from ovirtshell.api.errors import NotFoundError

    connection = target.connection
    model = connection.index.model
    done = False
    try:
        job = reply.get("job") if isinstance(reply, dict) else None
        item_type = target.resource.item_type

        def peek() -> str | None:  # only for the display: scripts do not pay the extra reads
            try:
                return status_of(decode(model, item_type, connection.client.get(path)), status_attribute(model, item_type))
            except NotFoundError:
                return "gone"

        if isinstance(job, dict) and job.get("id"):
            waiter.job(lambda: decode(model, "job", connection.client.get(f"/jobs/{job['id']}")), what,
                       peek if waiter.progress else None)
        if removed:
            def exists() -> bool:
                try:
                    connection.client.get(path)
                except NotFoundError:
                    return False
                return True

            waiter.gone(exists, what)
            done = True
            return None
        data = waiter.settled(lambda: decode(model, item_type, connection.client.get(path)), what,
                              attribute=status_attribute(model, item_type))
        done = True
        return data
    except KeyboardInterrupt:
        where = f"it was {waiter.last_state}" if waiter.last_state else "its state was not read yet"
        raise ShellError(
            f"interrupted while waiting: the operation goes on in the engine; {what}: {where}",
            ExitStatus.INTERRUPTED,
        ) from None
    finally:
        finish = getattr(waiter.progress, "finish", None)
        if finish is not None:
            finish(done)
