"""Delayed state changes (VM start, host maintenance, disk locks) on a background thread.

Delays are multiplied by the time scale; with a scale of 0 every step runs at once, inline,
so tests see final states without waiting.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

log = logging.getLogger("ovirtsim")


class Scheduler:
    """Runs callbacks after scaled delays, each under the simulator's lock."""

    def __init__(self, time_scale: float, lock: threading.RLock,
                 transaction: Callable[[], AbstractContextManager] = nullcontext) -> None:
        self.time_scale = max(0.0, time_scale)
        self.lock = lock
        self.transaction = transaction
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.generations: dict[str, int] = {}

    def start(self) -> None:
        """Start the worker thread (only needed when the time scale is not 0)."""
        if self._thread is None and self.time_scale > 0:
            self._thread = threading.Thread(target=self._run, name="ovirt-sim-lifecycle",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the worker; pending steps are dropped."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def sequence(self, key: str, steps: list[tuple[float, Callable[[], None]]]) -> None:
        """Run steps after cumulative delays (seconds); a newer sequence for the same key
        cancels the rest of an older one (stop during start)."""
        gen = self.generations.get(key, 0) + 1
        self.generations[key] = gen
        total = 0.0
        for delay, fn in steps:
            total += delay

            def guarded(fn: Callable[[], None] = fn) -> None:
                if self.generations.get(key) == gen:
                    fn()

            self.after(total, guarded)

    def cancel(self, key: str) -> None:
        """Drop the pending steps of a key."""
        self.generations[key] = self.generations.get(key, 0) + 1

    def after(self, delay: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` after ``delay`` seconds times the time scale."""
        if self.time_scale <= 0:
            fn()
            return
        due = time.monotonic() + delay * self.time_scale
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._seq), fn))
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                if not self._heap:
                    self._cond.wait(0.5)
                    continue
                due, _, fn = self._heap[0]
                now = time.monotonic()
                if due > now:
                    self._cond.wait(min(due - now, 0.5))
                    continue
                heapq.heappop(self._heap)
            try:
                with self.lock, self.transaction():
                    fn()
            except Exception:  # a failed step must not kill the lifecycle thread
                log.exception("lifecycle step failed")
