"""What a --wait shows on a terminal: the states it passes through and the time it took.

`vm web1: wait_for_launch → powering_up → up (6.2 s)` — redrawn in place while waiting,
left as the last line when done. Scripts (no terminal) get none of it: only the result.
Reading the states is `wait.Waiter`'s job; this module only shows what it is told.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

_CLEAR = "\r\x1b[K"


class StateTrail:
    """A progress sink for `Waiter`: call it with (what, state) at every poll."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.what = ""
        self.states: list[str] = []
        self.arrow = " → " if _can_encode(stream, "→") else " -> "

    def __call__(self, what: str, state: str) -> None:
        self.what = what
        if not self.states or self.states[-1] != state:
            self.states.append(state)
        self.stream.write(_CLEAR + self.line())
        self.stream.flush()

    def elapsed(self) -> float:
        return self.clock() - self.start

    def line(self) -> str:
        return f"{self.what}: {self.arrow.join(self.states)} ({self.elapsed():.1f} s)"

    def finish(self, done: bool) -> None:
        """Clear the live line; when the wait succeeded, leave the whole trail."""
        self.stream.write(_CLEAR + (self.line() + "\n" if done and self.states else ""))
        self.stream.flush()


def _can_encode(stream: TextIO, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
