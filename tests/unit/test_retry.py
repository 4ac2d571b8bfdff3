"""--retry: only the engine's "locked" refusals are sent again, with growing waits."""

from __future__ import annotations

import pytest

from ovirtshell.api.errors import RemoteError
from ovirtshell.retry import MAX_DELAY, locked, retries, retrying
from ovirtshell.status import UsageError

LOCKED = RemoteError("Operation Failed", "[Cannot run VM. VM is locked. Please try again in a few minutes.]", 409)
BUSY = RemoteError("Operation Failed", "[Related operation is currently in progress. Please try again later.]", 409)
NAME_TAKEN = RemoteError("Operation Failed", "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]", 409)
UNLOCKED_WORD = RemoteError("Operation Failed", "[Cannot start VM. The VM is unlocked but down.]", 409)
SERVER = RemoteError("Internal Server Error", "VM is locked", 500)


def test_which_refusals_are_retried() -> None:
    assert locked(LOCKED) and locked(BUSY)
    assert not locked(NAME_TAKEN) and not locked(UNLOCKED_WORD) and not locked(SERVER)


def test_locked_refusals_are_sent_again_with_doubling_waits() -> None:
    answers: list[object] = [LOCKED, BUSY, LOCKED, LOCKED, LOCKED, "done"]
    waits: list[float] = []

    def send() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    assert retrying(5, send, waits.append) == "done"
    assert waits == [2.0, 4.0, 8.0, 16.0, MAX_DELAY]


def test_the_last_refusal_or_another_error_is_raised_at_once() -> None:
    waits: list[float] = []
    sent = []

    def always_locked() -> None:
        sent.append(1)
        raise LOCKED

    with pytest.raises(RemoteError) as caught:
        retrying(2, always_locked, waits.append)
    assert caught.value is LOCKED and len(sent) == 3 and waits == [2.0, 4.0]

    def taken() -> None:
        sent.append(1)
        raise NAME_TAKEN

    sent.clear()
    with pytest.raises(RemoteError):
        retrying(3, taken, waits.append)
    assert len(sent) == 1
    assert retrying(0, lambda: "once", waits.append) == "once"


@pytest.mark.parametrize("value", ["0", "11", "-1", "x", ""])
def test_retry_counts(value: str) -> None:
    with pytest.raises(UsageError, match="--retry needs a number from 1 to 10"):
        retries({"retry": value})
    assert retries({}) == 0 and retries({"retry": "3"}) == 3 and retries({"retry": 10}) == 10
