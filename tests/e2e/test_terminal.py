"""The installed ovirt-shell in a real pseudo-terminal (pexpect), against a simulator process."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.e2e

TIMEOUT = 30  # seconds pexpect waits for an expected screen text
_ESC = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
PROMPT = re.compile(rf"connected{_ESC}(?:@[\w.-]+)?{_ESC}\){_ESC}\]#")


@pytest.fixture(scope="module")
def engine() -> Iterator[dict[str, str]]:
    """`python -m ovirtsim` on a free port; its export lines as environment."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ovirtsim", "--listen", "127.0.0.1:0", "--seed", "demo", "--time-scale", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    exports: dict[str, str] = {}
    try:
        assert process.stdout is not None
        while "OVIRT_PASSWORD" not in exports:
            line = process.stdout.readline()
            if not line:
                raise AssertionError("the simulator ended before printing its export lines")
            match = re.match(r"export (\w+)=(.*)", line.strip())
            if match:
                exports[match.group(1)] = match.group(2)
        yield exports
    finally:
        process.terminate()
        process.wait(timeout=30)


def program() -> list[str]:
    installed = shutil.which("ovirt-shell") or shutil.which("ovirt-shell", path=os.path.dirname(sys.executable))
    return [installed] if installed else [sys.executable, "-m", "ovirtshell"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path


def spawn(engine: dict[str, str], home: Path, **extra: str) -> pexpect.spawn:
    """The shell in a 120x40 pseudo-terminal, with its home and XDG dirs under `home`."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "LINES": "40",
        "COLUMNS": "120",
        "TERM": "xterm-256color",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "PAGER": "cat",
        "LANG": "C.UTF-8",
        **engine,
        **extra,
    }
    argv = program()
    child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(40, 120), encoding="utf-8", timeout=TIMEOUT)
    child.expect(PROMPT)
    return child


def leave(child: pexpect.spawn) -> None:
    if child.isalive():
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    child.close()


@pytest.fixture
def terminal(engine: dict[str, str], home: Path) -> Iterator[pexpect.spawn]:
    child = spawn(engine, home)
    yield child
    leave(child)


def field(name: str, value: str) -> re.Pattern[str]:
    """A `name : value` line of the text output, whatever colours a terminal gives the name."""
    return re.compile(rf"{re.escape(name)}\s*{_ESC}\s*: {re.escape(value)}")


def menu(child: pexpect.spawn, typed: str, shown: str) -> None:
    """Type `typed` and wait until the completion menu shows `shown` (completion runs while typing)."""
    child.send(typed)
    child.expect_exact(shown)


def test_prompt_is_coloured_and_tab_completes_a_command_a_type_and_a_vm_name(terminal):
    assert "\x1b[" in terminal.before + terminal.after  # colour on a terminal
    menu(terminal, "sho", "show one object")  # the menu shows the command's summary
    terminal.send("\t")
    menu(terminal, "vm", "vmpool")
    terminal.send("\t")
    terminal.send("v")
    for _ in range(20):  # the names load in the background at the first keystroke
        terminal.send("m")
        if terminal.expect_exact(["vm4", pexpect.TIMEOUT], timeout=1) == 0:
            break
        terminal.send("\x7f")  # backspace, and type again
    else:
        raise AssertionError("the live VM names never showed")
    terminal.send("\t")  # the first entry: vm0
    terminal.send("\r")  # closes the menu
    terminal.send("\r")  # runs `show vm vm0`
    terminal.expect(field("description", "Demo VM 0"))
    terminal.expect(PROMPT)


def test_tab_completes_an_option_and_an_enum_value(terminal):
    menu(terminal, "create vm --name e2e1 --cluster-name Default --template-name Blank --display-t", "spice|vnc")
    terminal.send("\t")
    menu(terminal, "v", "vnc")
    terminal.send("\t\r\r")
    terminal.expect(field("name", "e2e1"))
    terminal.expect(PROMPT)
    terminal.send("show vm e2e1\r")
    terminal.expect(field("display-type", "vnc"))
    terminal.expect(PROMPT)


def test_ctrl_c_clears_the_line_and_interrupts_a_command(terminal):
    terminal.send("list vms")
    terminal.sendintr()
    terminal.expect(PROMPT)
    terminal.send("!sleep 60\r")
    terminal.expect_exact(["sleep 60"])
    terminal.expect(pexpect.TIMEOUT, timeout=1)  # let the command start
    terminal.sendintr()
    terminal.expect_exact("interrupted")
    terminal.expect(PROMPT)
    terminal.send("status\r")
    terminal.expect_exact("3 (INTERRUPTED)")
    terminal.expect(PROMPT)


def test_a_pipe_to_grep(terminal):
    terminal.send("list vms | grep -c 'Demo VM'\r")
    terminal.expect(rf"\n{_ESC}5\r\n")  # grep counted the five demo VMs
    terminal.expect(PROMPT)


def test_exit_status_and_history_file(terminal, home: Path):
    terminal.send("echo my password is hunter2\r")
    terminal.expect(PROMPT)
    terminal.send("echo kept\r")
    terminal.expect(PROMPT)
    terminal.send("show vm nosuchvm\r")
    terminal.expect_exact("not found")
    terminal.expect(PROMPT)
    terminal.sendcontrol("d")
    terminal.expect(pexpect.EOF)
    terminal.close()
    assert terminal.exitstatus == 11  # the last command's status (NOT_FOUND)
    history = home / "data" / "ovirtshell" / "history"
    text = history.read_text()
    assert "+echo kept" in text and "+show vm nosuchvm" in text
    assert "hunter2" not in text and "password" not in text
    assert oct(history.stat().st_mode & 0o777) == "0o600"


def test_tall_output_goes_through_the_pager_unless_set_off(engine, home: Path):
    child = spawn(engine, home, PAGER="sed s/^/paged:/")
    try:
        child.send("show vm vm0\r")  # some 50 lines on a 40-line screen
        child.expect(rf"paged:{_ESC}name")
        child.expect(PROMPT)
        child.send("list vms\r")  # 20 lines fit: no pager
        child.expect(field("name", "vm4"))
        assert "paged:" not in child.before
        child.expect(PROMPT)
        child.send("set pager off\r")
        child.expect(PROMPT)
        child.send("show vm vm0\r")
        child.expect(field("description", "Demo VM 0"))
        assert "paged:" not in child.before
        child.expect(PROMPT)
    finally:
        leave(child)


def test_tab_offers_the_required_option_first_and_dry_run_shows_the_request(terminal):
    menu(terminal, "create vm --n", "--name")
    terminal.send("\t")  # the first entry: --name (required), not --next_run_configuration_exists
    terminal.send("e2e-order --cluster-name Default --template-name Blank --dry-run\r")
    terminal.expect_exact("<name>e2e-order</name>")
    terminal.expect(PROMPT)


def test_a_secret_option_asks_without_echo_and_dry_run_masks_it(terminal, home: Path):
    screen = io.StringIO()
    terminal.logfile_read = screen  # everything the terminal shows from here on
    terminal.send("action host host0 install --root_password - --dry-run\r")
    terminal.expect_exact("root_password: ")
    terminal.send("Zq9-typed-secret\r")
    terminal.expect_exact("<root_password>********</root_password>")
    terminal.expect(PROMPT)
    assert "Zq9-typed-secret" not in screen.getvalue()
    leave(terminal)
    assert "root_password" not in (home / "data" / "ovirtshell" / "history").read_text()
