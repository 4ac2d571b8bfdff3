"""An outer deadline that bounds every request made inside it (a `--wait` and its polls).

Each request has its own deadline (`-T`, applied by the transport to every socket operation);
inside `with deadline(seconds):` on the same thread, a request ends at whichever comes first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_current = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Everything sent on this thread inside the block shares one deadline of `seconds`."""
    previous = getattr(_current, "at", None)
    at = time.monotonic() + seconds
    _current.at = at if previous is None else min(previous, at)
    try:
        yield _current.at
    finally:
        _current.at = previous


def current() -> float | None:
    """The running outer deadline on this thread (a `time.monotonic()` instant), if any."""
    return getattr(_current, "at", None)
