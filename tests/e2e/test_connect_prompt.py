"""Connecting on a terminal: the password prompt names user and engine, is asked again after
a wrong password, and comes only after TLS has been checked."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from ovirtshell.status import ExitStatus

pytestmark = pytest.mark.e2e
_ESC = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
PROMPT = re.compile(rf"connected{_ESC}\){_ESC}\]#")


def _spawn(url: str, home: Path, *args: str) -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "xterm",
        "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"), "LANG": "C.UTF-8", "PROMPT_TOOLKIT_NO_CPR": "1",
        "OVIRT_URL": url, "OVIRT_USERNAME": "admin@internal",
    }
    return pexpect.spawn(sys.executable, ["-m", "ovirtshell", *args], env=env, encoding="utf-8",
                         timeout=60, dimensions=(24, 120))


@pytest.fixture(scope="module")
def tls_sim() -> Iterator[object]:
    from ovirtsim.testing import run_simulator

    with run_simulator(seed="empty", tls=True) as handle:
        yield handle


def test_a_wrong_password_is_asked_again_naming_user_and_engine(sim, tmp_path):
    child = _spawn(sim.url, tmp_path, "--no-color")
    child.expect_exact("Password for admin@internal at 127.0.0.1: ")
    child.sendline("wrong")
    child.expect_exact("Wrong password, try again (2 tries left). Password for admin@internal at 127.0.0.1: ")
    child.sendline(sim.password)
    child.expect(PROMPT)
    child.sendline(f"connect --url {sim.url}")  # the same engine: not an error
    child.expect_exact("already connected to")
    child.expect(PROMPT)
    child.sendline("status")
    child.expect_exact("0 (OK)")
    child.expect(PROMPT)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitStatus.OK


def test_three_wrong_passwords_end_with_authentication_error(sim, tmp_path):
    child = _spawn(sim.url, tmp_path, "-E", "list vms")
    for _ in range(3):
        child.expect_exact("Password for admin@internal at 127.0.0.1: ")
        child.sendline("wrong")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitStatus.AUTHENTICATION_ERROR


def test_tls_is_checked_before_the_password_is_asked(tls_sim, tmp_path):
    child = _spawn(tls_sim.url, tmp_path, "-E", "list vms")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitStatus.COMMUNICATION_ERROR, child.before
    assert "Password" not in child.before
    assert "certificate" in child.before.lower() or "tls" in child.before.lower()
