"""What the REPL shows besides command output: input-line colours, toolbar, continuation lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from pygments.token import Comment, Keyword, Name, Operator, Punctuation, String, Text

from ovirtshell.config import Settings
from ovirtshell.repl.key_bindings import needs_more
from ovirtshell.repl.lexer import lexer_for
from ovirtshell.repl.session import create_session, run_session
from ovirtshell.repl.toolbar import toolbar_parts
from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus

from support import make_env


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(make_env(tmp_path, {}), Settings(), interactive=True)


def tokens(shell: Shell, text: str) -> list[tuple[object, str]]:
    registry = shell.registry
    typed = [w for w in registry.words() if registry.get(w).SPEC.typed]
    flags = {f for spec in registry.specs() for f in spec.flags}
    lexer = lexer_for(typed, flags)()
    found = [(kind, value) for _, kind, value in lexer.get_tokens_unprocessed(text)]
    assert "".join(value for _, value in found) == text  # every character is covered once
    return [(kind, value) for kind, value in found if value.strip()]


def test_the_lexer_colours_the_parts_of_a_command(shell):
    line = "create vm --name 'web 1' --display-type=vnc; action vm web1 start > out.txt # note"
    assert tokens(shell, line) == [
        (Keyword, "create"),
        (Name.Class, "vm"),
        (Name.Attribute, "--name"),
        (String, "'web 1'"),
        (Name.Attribute, "--display-type"),
        (Operator, "="),
        (String, "vnc"),
        (Punctuation, ";"),
        (Keyword, "action"),
        (Name.Class, "vm"),
        (Name, "web1"),
        (Name.Function, "start"),
        (Operator, ">"),
        (String, "out.txt"),
        (Comment, "# note"),
    ]


def test_the_lexer_knows_flags_pipes_and_system_commands(shell):
    # --yes is a flag of delete: web1 after it is the object, not a value
    assert (Name, "web1") in tokens(shell, "delete vm --yes web1")
    assert tokens(shell, "list vms | grep -c x") == [
        (Keyword, "list"),
        (Name.Class, "vms"),
        (Operator, "|"),
        (Text, " grep -c x"),
    ]
    assert tokens(shell, "!ls -l")[0] == (Keyword.Pseudo, "!")
    assert tokens(shell, "show vm web1 -o json")[-2:] == [(Name.Attribute, "-o"), (String, "json")]
    assert tokens(shell, "list vms --query 'name=web")[-1] == (String, "'name=web")  # open quote


def test_toolbar_shows_connection_format_and_last_status(shell):
    text = "".join(t for _, t in toolbar_parts(shell))
    assert "disconnected" in text and "output: text" in text and "last: -" in text
    shell.execute("set output json")
    shell.execute("show vm x")  # needs a connection
    text = "".join(t for _, t in toolbar_parts(shell))
    assert "output: json" in text and "COMMAND_ERROR (2)" in text


def test_continuation_lines(shell):
    assert needs_more("list vms \\")
    assert needs_more("echo 'open")
    assert not needs_more("echo 'closed'")
    with create_pipe_input() as inp, create_app_session(input=inp, output=DummyOutput()):
        inp.send_text("echo 'two\rlines'\recho a \\\r b\r\x04")
        status = run_session(shell, create_session(shell))
    assert shell.env.stdout.getvalue().endswith("two\nlines\na b\n")
    assert status == ExitStatus.OK

