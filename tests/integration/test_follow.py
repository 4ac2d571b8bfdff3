"""`list events --follow`: a real shell process sees the event of an action run beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ovirtshell.follow import parse_since, severity_filter
from ovirtshell.status import ExitStatus, UsageError


def _follower(sim, tmp_path: Path, line: str) -> subprocess.Popen:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "OVIRT_URL": sim.url, "OVIRT_USERNAME": sim.username, "OVIRT_PASSWORD": sim.password,
    }
    return subprocess.Popen([sys.executable, "-m", "ovirtshell", "-E", line], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _polling(sim, deadline: float) -> None:
    """Until the follower has asked for events after a known id."""
    while not any(r["method"] == "GET" and r["path"].endswith("/events") and "from" in str(r.get("query", ""))
                  for r in sim.requests()):
        assert time.monotonic() < deadline, "the follower never polled"
        time.sleep(0.05)


def _lines_until(process: subprocess.Popen, text: str, deadline: float) -> list[str]:
    lines: list[str] = []
    done = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if text in line:
                done.set()
                return

    threading.Thread(target=read, daemon=True).start()
    done.wait(max(0.0, deadline - time.monotonic()))
    return lines


def test_follow_sees_an_event_caused_by_a_parallel_action(sim, ovirt, tmp_path):
    sim.reset()
    sim.clear_requests()
    process = _follower(sim, tmp_path, "list events --follow --interval 0.1")
    try:
        deadline = time.monotonic() + 60
        _polling(sim, deadline)
        assert ovirt("-E", "action vm vm2 start --wait").status == ExitStatus.OK
        lines = _lines_until(process, "VM vm2", deadline)
        assert any("VM vm2" in line and "normal" in line for line in lines), lines
        assert not any("vm0 was created" in line for line in lines)  # only new events
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == ExitStatus.OK, process.stderr.read()
    finally:
        process.kill()
        process.wait()


def test_follow_since_id_with_severity_and_json_lines(sim, tmp_path):
    sim.reset()
    process = _follower(sim, tmp_path, "list events --follow --since 0 --severity normal -o json --interval 0.1")
    try:
        lines = _lines_until(process, '"VM vm4 was created', time.monotonic() + 60)
        assert lines and all(line.startswith("{") for line in lines), lines
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()


def test_since_forms():
    now = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
    assert parse_since("1234", now) == (1234, None)
    assert parse_since("10m", now) == (None, datetime(2026, 1, 31, 11, 50, tzinfo=timezone.utc))
    assert parse_since("2026-01-30T08:00+00:00", now)[1] == datetime(2026, 1, 30, 8, tzinfo=timezone.utc)
    with pytest.raises(UsageError, match="invalid --since"):
        parse_since("yesterday", now)


def test_severity_keeps_that_and_worse():
    keep = severity_filter("warning")
    assert [s for s in ("normal", "warning", "error", "alert") if keep({"severity": s})] == ["warning", "error", "alert"]
    with pytest.raises(UsageError, match="expected one of normal, warning, error, alert"):
        severity_filter("loud")


def test_follow_usage_errors(ovirt):
    run = ovirt("-E", "list vms --follow")
    assert run.status == ExitStatus.SYNTAX_ERROR and "follows events only" in run.err
    run = ovirt("-E", "list events --follow --interval 0")
    assert run.status == ExitStatus.SYNTAX_ERROR and "--interval" in run.err


def test_event_listing_default_columns(ovirt):
    run = ovirt("-E", "list events --max 1 -o table")
    assert run.out.split()[:4] == ["time", "severity", "code", "description"]
    assert '"custom_id"' in ovirt("-E", "list events --max 1 -o json").out  # json keeps everything
