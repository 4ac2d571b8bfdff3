"""The interactive shell driven through prompt_toolkit pipe input, against a real simulator."""

from __future__ import annotations

import os
import re
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from ovirtshell.completer.engine import Context
from ovirtshell.completer.names import NameCache
from ovirtshell.completer.ptk import ShellCompleter
from ovirtshell.config import Settings
from ovirtshell.modes.repl import prompt_text
from ovirtshell.repl.history import read_entries, recordable
from ovirtshell.repl.session import create_session, prompt_message, run_session
from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus

from support import make_env

DEADLINE = 30.0  # seconds a background step may take before the test gives up waiting


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    """A fresh prompt_toolkit app session per test: keys through a pipe, output discarded."""
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        yield inp


@pytest.fixture
def make_shell(tmp_path: Path, sim) -> Callable[..., Shell]:
    def make(connect: bool = True, **settings) -> Shell:
        env = make_env(tmp_path, {})
        base = Settings(url=sim.url, username=sim.username, password=sim.password)
        shell = Shell(env, base.merged(settings), interactive=True)
        if connect:
            shell.connect()
        return shell

    return make


@dataclass
class Session:
    status: ExitStatus
    out: str
    err: str


def run(shell: Shell, inp: PipeInput, keys: str, **options) -> Session:
    """Type `keys` (then Ctrl-D) into a session of `shell` and run it to the end."""
    inp.send_text(keys + "\x04")
    status = run_session(shell, create_session(shell, **options))
    return Session(status, shell.env.stdout.getvalue(), shell.env.stderr.getvalue())


def wait_for(condition: Callable[[], bool], what: str, state: Callable[[], object] = lambda: "") -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {state()}")
        time.sleep(0.01)


# -- running commands ------------------------------------------------------------------------


def test_a_command_runs_and_prints(make_shell, pipe):
    session = run(make_shell(), pipe, "list vms\r")
    assert "name       : vm0" in session.out
    assert session.status == ExitStatus.OK


def test_exit_status_is_the_last_commands(make_shell, pipe):
    session = run(make_shell(), pipe, "list vms\rshow vm nosuchvm\r")
    assert "not found" in session.err
    assert session.status == ExitStatus.NOT_FOUND


def test_exit_leaves_and_later_lines_are_not_run(make_shell, pipe):
    shell = make_shell()
    session = run(shell, pipe, "echo before\rexit\recho after\r")
    assert "before" in session.out and "after" not in session.out
    assert shell.exiting and session.status == ExitStatus.OK


def test_shell_features_work_from_the_prompt(make_shell, pipe, tmp_path: Path):
    script = tmp_path / "script.cli"
    script.write_text("# a script\necho from-script\n")
    out_file = tmp_path / "vms.txt"
    keys = (
        "echo one; echo two\r"  # ';' runs each command
        "list vms | grep -c name\r"  # a pipe to the system shell
        f"list vms > {out_file}\r"  # redirection
        f"echo more >> {out_file}\r"
        "!echo bang\r"  # a system command
        f"file {script}\r"  # a script
        "# only a comment\r"
        "echo a \\\r  b\r"  # backslash continuation
        "set output json\r"
        "show settings\r"
    )
    session = run(make_shell(), pipe, keys)
    assert "one\ntwo\n" in session.out
    assert "\n5\n" in session.out  # grep -c counted the five demo VMs' name lines
    assert "vm0" in out_file.read_text() and out_file.read_text().endswith("more\n")
    assert "bang" in session.out and "from-script" in session.out
    assert "a b\n" in session.out
    assert '"output": "json"' in session.out
    assert session.err == ""


def test_ctrl_c_at_the_prompt_clears_the_line(make_shell, pipe):
    session = run(make_shell(), pipe, "list vms\x03echo fresh\r")
    assert "vm0" not in session.out
    assert "fresh" in session.out


def test_ctrl_c_interrupts_a_running_command_and_the_shell_lives_on(make_shell, pipe, tmp_path: Path):
    started = tmp_path / "started"

    def interrupt() -> None:
        wait_for(started.exists, "the command to start")
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=interrupt, daemon=True)
    helper.start()
    shell = make_shell()
    session = run(shell, pipe, f"!touch {started}; sleep 60\rstatus\recho alive\r")
    helper.join()
    assert "interrupted" in session.err
    assert "3 (INTERRUPTED)" in session.out
    assert "alive" in session.out
    assert session.status == ExitStatus.OK


def test_ctrl_c_interrupts_a_slow_engine_request(make_shell, pipe, sim):
    shell = make_shell()
    rule = sim.inject_fault(method="GET", path_regex=r"/vms$", status=None, delay=5, count=1)

    def interrupt() -> None:
        wait_for(lambda: rule["count"] == 0, "the request to reach the engine")
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=interrupt, daemon=True)
    helper.start()
    try:
        session = run(shell, pipe, "list vms\rstatus\rlist vms\r")
    finally:
        sim.clear_faults()
    helper.join()
    assert "interrupted" in session.err
    assert "3 (INTERRUPTED)" in session.out
    assert re.search(r"^name\s+: vm0$", session.out, re.M)  # the next request works
    assert session.status == ExitStatus.OK


def test_delete_asks_and_defaults_to_no(make_shell, pipe, sim):
    shell = make_shell()
    shell.execute("create vm --name doomed --cluster-name Default --template-name Blank")
    session = run(shell, pipe, "delete vm doomed\r\rdelete vm doomed\rn\rshow vm doomed\rdelete vm doomed\ryes\r")
    assert session.err.count("confirmation refused") == 2
    assert re.search(r"^name\s+: doomed$", session.out, re.M)  # still there after two refusals
    assert "removal accepted" in session.out
    assert shell.execute("show vm doomed").status == ExitStatus.NOT_FOUND


# -- prompt, disconnected start --------------------------------------------------------------


def test_prompt_shows_the_state_and_the_host(make_shell):
    shell = make_shell(connect=False)
    assert "".join(t for _, t in prompt_message(shell)) == "[oVirt shell (disconnected)]# "
    assert ("class:prompt.disconnected", "disconnected") in prompt_message(shell)
    shell.connect()
    assert "".join(t for _, t in prompt_message(shell)) == prompt_text(shell) == "[oVirt shell (connected)]# "
    assert ("class:prompt.connected", "connected") in prompt_message(shell)
    shell.settings = shell.settings.merged({"extended_prompt": True})
    assert "".join(t for _, t in prompt_message(shell)) == "[oVirt shell (connected@127.0.0.1)]# "


def test_a_disconnected_shell_can_connect(make_shell, pipe, sim, tmp_path: Path):
    shell = make_shell(connect=False)
    shell.settings = replace(shell.settings, url=None, username=None, password=None)
    secret = tmp_path / "pw"
    secret.write_text(sim.password + "\n")
    keys = (
        "list vms\r"
        "help\r"
        "set output table\r"
        f"connect --url {sim.url} --username {sim.username} --password-file {secret}\r"
        "list vms\r"
    )
    session = run(shell, pipe, keys)
    assert "needs a connection" in session.err
    assert "connected to" in session.out
    assert "vm0" in session.out
    assert shell.connected
    assert not any("connect" in line for line in shell.history)


def test_connect_asks_for_the_password_on_the_terminal(make_shell, pipe, sim):
    shell = make_shell(connect=False)
    shell.settings = replace(shell.settings, password=None)
    keys = f"connect --url {sim.url} --username {sim.username}\r{sim.password}\rlist vms\r"
    session = run(shell, pipe, keys)
    assert "connected to" in session.out and "vm0" in session.out
    assert session.status == ExitStatus.OK
    assert all(sim.password not in line for line in shell.history)
    assert sim.password not in (shell.env.data_dir / "history").read_text()


# -- history ---------------------------------------------------------------------------------


def test_history_keeps_no_secret_and_no_connect_line(make_shell, pipe, tmp_path: Path):
    shell = make_shell()
    keys = (
        "set output json\r"
        "connect --url https://x.example/ovirt-engine/api --username admin@internal\r"
        "echo my password is hunter2\r"
        "list vms --query token=abc\r"
        "create user --password-file x\r"
        "echo kept\r"
        "history\r"
    )
    session = run(shell, pipe, keys)
    assert shell.history == ["set output json", "echo kept", "history"]
    assert '"[1] set output json\\n[2] echo kept\\n[3] history"' in session.out
    path = shell.env.data_dir / "history"
    assert read_entries(path) == shell.history
    text = path.read_text()
    assert "hunter2" not in text and "connect" not in text and "token" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_history_carries_over_and_ctrl_r_finds_it(make_shell, pipe):
    first = make_shell()
    run(first, pipe, "echo from-earlier-session\r")
    second = make_shell()
    session = run(second, pipe, "\x12from-earlier\r\r")  # Ctrl-R, search, accept, run
    assert second.history[0] == "echo from-earlier-session"
    assert session.out.count("from-earlier-session") == 1
    assert second.history[-1] == "echo from-earlier-session"


def test_what_is_never_recorded(make_shell):
    registry = make_shell(connect=False).registry
    assert recordable("list vms", registry)
    assert not recordable("connect --url u --username a", registry)
    assert not recordable("echo a; connect", registry)
    assert not recordable("create user --password x", registry)
    assert not recordable("update host h --root_password x", registry)
    assert not recordable("echo passwd", registry)
    assert not recordable("action host h install --root_password-file /tmp/f", registry)
    assert not recordable("create host --ssh-user-password -", registry)
    assert not recordable("create storageconnection --iscsi-Password_file f", registry)
    assert not recordable("   ", registry)


def test_a_secret_option_line_runs_but_is_not_recorded(make_shell, pipe, tmp_path: Path):
    secret = tmp_path / "root.secret"
    secret.write_text("Zq9-kept-out\n")
    shell = make_shell()
    keys = f"action host host0 install --root_password-file {secret} --dry-run\recho kept\r"
    session = run(shell, pipe, keys)
    assert "<root_password>********</root_password>" in session.out
    assert "Zq9-kept-out" not in session.out
    assert shell.history == ["echo kept"]
    assert "root_password" not in (shell.env.data_dir / "history").read_text()


# -- completion ------------------------------------------------------------------------------


def test_the_completion_menu_shows_engine_names_escaped(make_shell):
    """A bidi override in a VM name is shown as an escape in the menu; Tab inserts the real name."""
    shell = make_shell()
    name = "bill\u202egpj.exe"
    shell.execute(f"create vm --name '{name}' --cluster-name Default --template-name Blank")
    try:
        names = NameCache(shell).attach()
        completer = ShellCompleter(lambda: Context.from_shell(shell, names.lookup))
        event = CompleteEvent(completion_requested=True)
        list(completer.get_completions(Document("show vm bill"), event))
        assert names.wait(DEADLINE)
        [offered] = list(completer.get_completions(Document("show vm bill"), event))
        assert offered.display_text == "bill\\u202egpj.exe"
        assert "\u202e" not in offered.display_text
        assert offered.text.strip(" '") == name
    finally:
        shell.execute(f"delete vm '{name}' --yes")


def test_completion_of_live_names_through_the_adapter(make_shell):
    shell = make_shell()
    names = NameCache(shell).attach()
    completer = ShellCompleter(lambda: Context.from_shell(shell, names.lookup))
    event = CompleteEvent(completion_requested=True)

    def offered(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), event)]

    assert offered("show vm ") == []  # not loaded yet: the keystroke did not wait
    assert names.wait(DEADLINE)
    assert offered("show vm ") == ["vm0 ", "vm1 ", "vm2 ", "vm3 ", "vm4 "]
    assert offered("show vm vm3") == ["vm3 "]
    assert offered("create vm --cluster-name ") == []
    names.wait(DEADLINE)
    assert offered("create vm --cluster-name D") == ["Default "]
    # the shell's own create and delete refresh the names; so does `refresh`
    shell.execute("create vm --name fresh1 --cluster-name Default --template-name Blank")
    names.wait(DEADLINE)
    assert "fresh1 " in offered("show vm ")
    shell.execute("delete vm fresh1 --yes")
    names.wait(DEADLINE)
    assert "fresh1 " not in offered("show vm ")
    # a change made elsewhere shows after `refresh`
    other = make_shell()
    other.execute("create vm --name elsewhere1 --cluster-name Default --template-name Blank")
    names.wait(DEADLINE)
    assert "elsewhere1 " not in offered("show vm ")
    shell.execute("refresh")
    names.wait(DEADLINE)
    assert "elsewhere1 " in offered("show vm ")
    other.execute("delete vm elsewhere1 --yes")
    # a reconnect starts afresh
    shell.disconnect()
    assert offered("show vm ") == []
    shell.connect()
    assert offered("show vm ") == []
    names.wait(DEADLINE)
    assert "vm0 " in offered("show vm ")


def test_tab_completes_in_the_session(make_shell, pipe):
    shell = make_shell()
    names = NameCache(shell).attach()
    names.lookup("vm")
    names.wait(DEADLINE)
    session = create_session(shell, names=names, threaded=False)
    buffer = session.default_buffer
    seen: dict[str, object] = {}

    def typing() -> None:
        try:
            steps()
        except BaseException as exc:
            seen["failure"] = exc
            pipe.send_text("\x03\x04")  # leave the session

    def menu_for(text: str) -> None:
        """Completion runs while typing: wait for the menu of `text` (as a person would see it)."""
        wait_for(
            lambda: buffer.complete_state is not None and buffer.complete_state.original_document.text == text,
            f"the menu for {text!r}",
            lambda: (buffer.text, buffer.complete_state),
        )

    def steps() -> None:
        pipe.send_text("sho")
        menu_for("sho")
        pipe.send_text("\t")
        wait_for(lambda: buffer.text == "show ", "the command to complete")
        pipe.send_text("vm")
        menu_for("show vm")
        pipe.send_text("\t")
        wait_for(lambda: buffer.text == "show vm ", "the type to complete")
        pipe.send_text("v")
        menu_for("show vm v")
        seen["menu"] = [c.display_text for c in buffer.complete_state.completions]
        pipe.send_text("\t")  # the candidates' common part, as readline does
        wait_for(lambda: buffer.text == "show vm vm", "the common part")
        menu_for("show vm vm")
        pipe.send_text("\t")  # then the first entry
        wait_for(lambda: buffer.text == "show vm vm0 ", "the first entry")
        pipe.send_text("\r\r\x04")  # close the menu, run, leave

    helper = threading.Thread(target=typing, daemon=True)
    helper.start()
    status = run_session(shell, session)
    helper.join()
    assert "failure" not in seen, seen.get("failure")
    assert seen["menu"] == ["vm0", "vm1", "vm2", "vm3", "vm4"]
    assert re.search(r"^name\s+: vm0$", shell.env.stdout.getvalue(), re.M)
    assert status == ExitStatus.OK
