"""`--retry N`: a writing request sent again while the engine says the object is locked.

The engine refuses work on an object another task holds (a VM being created, a disk being
copied, a snapshot in progress) with a 409 whose text says it is locked or that a related
operation is in progress, and asks to try again later. Such a refusal changed nothing, so
sending the same request again is safe; any other failure is reported at once. The waits
double from 2 s up to 30 s; Ctrl-C stops them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ovirtshell.api.errors import RemoteError
from ovirtshell.status import UsageError

T = TypeVar("T")

MAX_RETRIES = 10
FIRST_DELAY = 2.0
MAX_DELAY = 30.0
_LOCKED = re.compile(r"\block(ed)?\b|in progress", re.IGNORECASE)


def retries(options: Mapping[str, Any]) -> int:
    """How many times `--retry` allows a locked refusal to be tried again (0 without it)."""
    value = options.get("retry")
    if value is None:
        return 0
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if not 1 <= count <= MAX_RETRIES:
        raise UsageError(f"--retry needs a number from 1 to {MAX_RETRIES}, not {value!r}")
    return count


def locked(exc: RemoteError) -> bool:
    """Whether the engine refused because the object is busy (409, locked or in progress)."""
    return exc.http_status == 409 and _LOCKED.search(f"{exc.reason or ''} {exc.detail or ''}") is not None


def retrying(count: int, send: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """`send()`, and again up to `count` times while the engine answers that the object is
    locked; the last refusal is the command's error."""
    delay = FIRST_DELAY
    for attempt in range(count + 1):
        try:
            return send()
        except RemoteError as exc:
            if attempt == count or not locked(exc):
                raise
        sleep(delay)
        delay = min(delay * 2, MAX_DELAY)
    raise AssertionError("unreachable")  # the loop returns or raises
