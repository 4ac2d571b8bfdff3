"""``--exit-with-parent``: stop the simulator when the process that started it is gone.

A child started by ``ovirt-shell --demo`` (or a test harness) must not outlive it, even when
the parent is killed with SIGKILL and cannot clean up. The parent's death shows as a change
of ``getppid()`` (the child is re-parented to init or a subreaper); the watchdog then sends
the process its own SIGTERM, so the shutdown is the ordinary clean one.
"""

from __future__ import annotations

import os
import signal
import threading

_POLL = 0.2
_GRACE = 10.0


def watch_parent(parent: int) -> threading.Thread:
    """Start the watchdog for ``parent`` (the ``getppid()`` taken first thing at start-up)."""

    def run() -> None:
        stop = threading.Event()
        while not stop.wait(_POLL):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                if not stop.wait(_GRACE):  # the clean shutdown is stuck: leave anyway
                    os._exit(1)

    thread = threading.Thread(target=run, name="ovirt-sim-parent-watch", daemon=True)
    thread.start()
    return thread
