"""The wait's trail of states, and the Waiter's messages, with an injected clock."""

from __future__ import annotations

import io

import pytest

from ovirtshell.status import Timeout
from ovirtshell.wait import Waiter
from ovirtshell.wait_display import StateTrail


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_trail_lists_each_state_once_and_the_elapsed_time():
    clock, out = Clock(), io.StringIO()
    trail = StateTrail(out, clock)
    states = iter(["wait_for_launch", "wait_for_launch", "powering_up", "up"])
    waiter = Waiter(timeout=60, interval=2.0, progress=trail, clock=clock, sleep=clock.sleep)
    waiter.settled(lambda: {"status": next(states)}, "vm web1")
    trail.finish(True)
    assert out.getvalue().endswith("\r\x1b[Kvm web1: wait_for_launch → powering_up → up (6.0 s)\n")


def test_a_failed_wait_leaves_no_trail_line():
    out = io.StringIO()
    trail = StateTrail(out, Clock())
    trail("vm web1", "powering_up")
    trail.finish(False)
    assert out.getvalue().endswith("\r\x1b[K")


def test_timeout_names_the_state_it_was_left_in():
    clock = Clock()
    waiter = Waiter(timeout=3, interval=1.0, clock=clock, sleep=clock.sleep)
    with pytest.raises(Timeout, match=r"timed out after 3 s waiting for vm web1 \(still powering_up\)"):
        waiter.settled(lambda: {"status": "powering_up"}, "vm web1")
    assert waiter.last_state == "powering_up"


def test_no_arrow_where_the_stream_cannot_write_it():
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    trail = StateTrail(out, Clock())
    trail("vm a", "down")
    trail("vm a", "up")
    assert trail.line() == "vm a: down -> up (0.0 s)"
