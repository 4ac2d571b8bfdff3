"""The command language: tokens, commands, scripts and errors."""

from __future__ import annotations

import pytest

from ovirtshell.language import (
    Command,
    Token,
    is_complete,
    parse,
    parse_line,
    parse_script,
    split_commands,
    tokenize,
)
from ovirtshell.status import ExitStatus, UsageError


def kinds(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(t.kind, t.value) for t in tokenize(text, **kwargs)]


# --- tokenizer -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("list vms", [("word", "list"), ("word", "vms")]),
        ("  list\tvms  ", [("word", "list"), ("word", "vms")]),
        ("show vm 'web 1'", [("word", "show"), ("word", "vm"), ("word", "web 1")]),
        ("show vm 'a\\b\"c'", [("word", "show"), ("word", "vm"), ("word", 'a\\b"c')]),
        ('echo "say \\"hi\\" \\\\ \\n"', [("word", "echo"), ("word", 'say "hi" \\ \\n')]),
        ("echo a\\ b", [("word", "echo"), ("word", "a b")]),
        ("echo a\\'b", [("word", "echo"), ("word", "a'b")]),
        ("echo a\\|b\\>c\\;d", [("word", "echo"), ("word", "a|b>c;d")]),
        ("echo ab\"c d\"'e f'g", [("word", "echo"), ("word", "abc de fg")]),
        ("echo ''", [("word", "echo"), ("word", "")]),
        ("echo a,b", [("word", "echo"), ("word", "a,b")]),
        ("echo a\\,b", [("word", "echo"), ("word", "a\\,b")]),
        ('echo "a\\,b"', [("word", "echo"), ("word", "a\\,b")]),
        ("echo 'a\\,b'", [("word", "echo"), ("word", "a\\,b")]),
        ("echo a#b", [("word", "echo"), ("word", "a#b")]),
        ("echo #b c", [("word", "echo"), ("comment", "b c")]),
        ("# only a comment", [("comment", " only a comment")]),
        ("echo '#x'", [("word", "echo"), ("word", "#x")]),
        (
            "list vms;list hosts",
            [
                ("word", "list"),
                ("word", "vms"),
                ("semicolon", ";"),
                ("word", "list"),
                ("word", "hosts"),
            ],
        ),
        ("a\nb", [("word", "a"), ("semicolon", "\n"), ("word", "b")]),
        ("list vms>out", [("word", "list"), ("word", "vms"), ("redirect", ">"), ("word", "out")]),
        (
            "list vms >> out",
            [("word", "list"), ("word", "vms"), ("redirect", ">>"), ("word", "out")],
        ),
        (
            "list vms | grep a; wc -l",
            [("word", "list"), ("word", "vms"), ("pipe", "grep a; wc -l")],
        ),
        (
            "list vms|grep a\nlist hosts",
            [
                ("word", "list"),
                ("word", "vms"),
                ("pipe", "grep a"),
                ("semicolon", "\n"),
                ("word", "list"),
                ("word", "hosts"),
            ],
        ),
        ("list | awk '{print\n$1}'", [("word", "list"), ("pipe", "awk '{print\n$1}'")]),
        ("!ls -l; pwd", [("shell", "ls -l; pwd")]),
        ("  ! ls", [("shell", "ls")]),
        ("shell ls -l | wc", [("shell", "ls -l | wc")]),
        ("list;!pwd", [("word", "list"), ("semicolon", ";"), ("shell", "pwd")]),
        ("echo !x", [("word", "echo"), ("word", "!x")]),
        ("echo shell", [("word", "echo"), ("word", "shell")]),
        ("'shell' x", [("word", "shell"), ("word", "x")]),
        (
            "list vms \\\n --max 3",
            [("word", "list"), ("word", "vms"), ("option", "max"), ("word", "3")],
        ),
        ("--", [("word", "--")]),
        ("--=x", [("word", "--=x")]),
        ('"--name"', [("word", "--name")]),
        ("-x", [("word", "-x")]),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_token_positions_and_raw_text() -> None:
    text = "add vm --name='web 1' --cpu-topology-cores 2 > f"
    tokens = tokenize(text)
    assert tokens == [
        Token("word", "add", "add", 0, 3),
        Token("word", "vm", "vm", 4, 6),
        Token("option", "--name='web 1'", "name", 7, 21, attached="web 1"),
        Token("option", "--cpu-topology-cores", "cpu-topology-cores", 22, 42),
        Token("word", "2", "2", 43, 44),
        Token("redirect", ">", ">", 45, 46),
        Token("word", "f", "f", 47, 48),
    ]
    assert all(text[t.start : t.end] == t.text for t in tokens)


@pytest.mark.parametrize(
    "text, name, attached",
    [
        ("--memory_policy-guaranteed", "memory_policy-guaranteed", None),
        ("--a=b", "a", "b"),
        ("--a=", "a", ""),
        ("--a=b=c", "a", "b=c"),
        ('--name="x y"', "name", "x y"),
        ("--x=a\\,b", "x", "a\\,b"),
        ("--parent-vm-name=web1", "parent-vm-name", "web1"),
    ],
)
def test_option_tokens(text: str, name: str, attached: str | None) -> None:
    (token,) = tokenize(text)
    assert (token.kind, token.value, token.attached) == ("option", name, attached)


@pytest.mark.parametrize(
    "text, message",
    [
        ('show vm "web', 'unterminated quote: "web'),
        ("show vm 'web", "unterminated quote: 'web"),
        ('echo "a\\"', 'unterminated quote: "a\\"'),
        ("list vms | grep 'x", "unterminated quote: | grep 'x"),
        ("list vms\nshow vm 'a\nb", "unterminated quote: 'a (line 2)"),
        ("list vms \\", "the line ends with a backslash"),
    ],
)
def test_tokenizer_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        tokenize(text)
    assert str(err.value) == message
    assert err.value.status == ExitStatus.SYNTAX_ERROR
    assert "\n" not in str(err.value)


def test_lenient_tokenizer_tolerates_an_unfinished_line() -> None:
    tokens = tokenize('show vm "web 1', lenient=True)
    assert tokens[-1] == Token("word", '"web 1', "web 1", 8, 14, unterminated=True)
    assert tokenize("list vms \\", lenient=True)[-1] == Token("word", "\\", "", 9, 10)
    assert tokenize("--name='a b", lenient=True)[-1].attached == "a b"
    assert tokenize("list vms | grep 'x", lenient=True)[-1].unterminated


@pytest.mark.parametrize(
    "text, inside_word",
    [
        ("list vm", True),
        ("list vm ", False),
        ("list vms --na", True),
        ("", False),
        ("show vm 'a b", True),
    ],
)
def test_lenient_last_token_end_tells_whether_the_cursor_is_in_a_word(
    text: str, inside_word: bool
) -> None:
    tokens = tokenize(text, lenient=True)
    cursor_in_word = bool(tokens) and tokens[-1].end == len(text)
    assert cursor_in_word is inside_word


@pytest.mark.parametrize(
    "text, complete",
    [
        ("list vms", True),
        ("", True),
        ('show vm "web', False),
        ("show vm 'web", False),
        ("list vms \\", False),
        ("list vms \\\\", True),
        ("list vms '\\'", True),
        ("list vms | grep \\", False),
        ("list vms # it's", True),
        ("list vms \\\n --max 2", True),
    ],
)
def test_is_complete(text: str, complete: bool) -> None:
    assert is_complete(text) is complete


# --- parse -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("list vms", Command("list", ("vms",))),
        ("list", Command("list")),
        ("list vms --max 3", Command("list", ("vms",), (("max", "3"),))),
        ("list vms --max=3", Command("list", ("vms",), (("max", "3"),))),
        (
            "list vms --query 'name=web* and status=up'",
            Command("list", ("vms",), (("query", "name=web* and status=up"),)),
        ),
        ('list vms --query="memory>1024"', Command("list", ("vms",), (("query", "memory>1024"),))),
        ("show vm web1", Command("show", ("vm", "web1"))),
        ("show vm 'my vm'", Command("show", ("vm", "my vm"))),
        (
            "add vm --name web1 --cluster-name Default --cpu-topology-cores 2 --memory_policy-guaranteed 1GiB",
            Command(
                "add",
                ("vm",),
                (
                    ("name", "web1"),
                    ("cluster-name", "Default"),
                    ("cpu-topology-cores", "2"),
                    ("memory_policy-guaranteed", "1GiB"),
                ),
            ),
        ),
        # positional arguments and options interleave
        # without flags, an option takes the next word (see test_flags_never_consume_a_word)
        ("action vm --async web1 start", Command("action", ("vm", "start"), (("async", "web1"),))),
        (
            "action vm web1 --host-name h2 migrate",
            Command("action", ("vm", "web1", "migrate"), (("host-name", "h2"),)),
        ),
        # an option followed by another option or by nothing is a bare flag
        (
            "list vms --show-all --max 2",
            Command("list", ("vms",), (("show-all", None), ("max", "2"))),
        ),
        ("list vms --show-all", Command("list", ("vms",), (("show-all", None),))),
        (
            "list vms --show-all > f",
            Command("list", ("vms",), (("show-all", None),), redirect=(">", "f")),
        ),
        (
            "list vms --show-all | less",
            Command("list", ("vms",), (("show-all", None),), pipe="less"),
        ),
        # repeats are kept in order
        (
            "add vm --custom_properties-custom_property name=a,value=1 --custom_properties-custom_property '{name=b,value=2}'",
            Command(
                "add",
                ("vm",),
                (
                    ("custom_properties-custom_property", "name=a,value=1"),
                    ("custom_properties-custom_property", "{name=b,value=2}"),
                ),
            ),
        ),
        # \, reaches the option layer intact, quoted or not
        (
            'add vm --x a=1\\,2 --x "a=1\\,2" --x=a=1\\,2',
            Command("add", ("vm",), (("x", "a=1\\,2"),) * 3),
        ),
        (
            "add vm --os-boot-devices hd,cdrom",
            Command("add", ("vm",), (("os-boot-devices", "hd,cdrom"),)),
        ),
        # a value starting with -- must be quoted or attached
        (
            "update vm a --description '--x'",
            Command("update", ("vm", "a"), (("description", "--x"),)),
        ),
        (
            "update vm a --description=--x",
            Command("update", ("vm", "a"), (("description", "--x"),)),
        ),
        ("update vm a --description ''", Command("update", ("vm", "a"), (("description", ""),))),
        ("update vm a --description=", Command("update", ("vm", "a"), (("description", ""),))),
        ("list vms --max -1", Command("list", ("vms",), (("max", "-1"),))),
        # --help never takes a value
        ("list --help", Command("list", (), (("help", None),))),
        ("list --help vms", Command("list", ("vms",), (("help", None),))),
        ("add vm --help=x", Command("add", ("vm",), (("help", "x"),))),
        # redirection and pipes
        ("list vms > vms.txt", Command("list", ("vms",), redirect=(">", "vms.txt"))),
        ("list vms >>'my file'", Command("list", ("vms",), redirect=(">>", "my file"))),
        ("list vms | grep -c web", Command("list", ("vms",), pipe="grep -c web")),
        ("list vms | grep a; echo done", Command("list", ("vms",), pipe="grep a; echo done")),
        ("list vms | grep '|'", Command("list", ("vms",), pipe="grep '|'")),
        ("list vms > f | wc", Command("list", ("vms",), redirect=(">", "f"), pipe="wc")),
        ("list vms '|' x", Command("list", ("vms", "|", "x"))),
        # shell escapes keep the raw rest of the line
        ("!ls -la | wc -l; echo 'x y'", Command("!", ("ls -la | wc -l; echo 'x y'",))),
        ("shell ls -la", Command("!", ("ls -la",))),
        ("!", Command("!")),
        # comments, trailing separators, continuations
        ("list vms # all of them", Command("list", ("vms",))),
        ("list vms;", Command("list", ("vms",))),
        ("; list vms ;;", Command("list", ("vms",))),
        ("list vms \\\n  --max 2", Command("list", ("vms",), (("max", "2"),))),
        ("help", Command("help")),
        ("?", Command("?")),
    ],
)
def test_parse(line: str, expected: Command) -> None:
    assert parse(line) == expected


def test_flags_never_consume_a_word() -> None:
    assert parse("show vm --all_content web1", flags={"all_content"}) == Command(
        "show", ("vm", "web1"), (("all_content", None),)
    )
    assert parse("show vm --all_content=true web1", flags={"all_content"}) == Command(
        "show", ("vm", "web1"), (("all_content", "true"),)
    )
    assert parse("show vm --all_content web1") == Command(
        "show", ("vm",), (("all_content", "web1"),)
    )


def test_command_text_is_the_source_without_comments_and_continuations() -> None:
    assert parse("  list vms   --max 2  # note").text == "list vms   --max 2"
    assert parse("list vms \\\n--max 2").text == "list vms --max 2"
    assert parse("show vm 'a\\\nb'").args == ("vm", "a\\\nb")  # quotes keep backslash-newline
    assert parse("list vms | grep a # not a comment").text == "list vms | grep a # not a comment"
    assert parse("list vms | grep a # x").pipe == "grep a # x"


def test_text_is_not_compared() -> None:
    assert parse("list  vms") == parse("list vms")
    assert parse("list vms") != parse("list hosts")


@pytest.mark.parametrize("line", ["", "   ", "# comment", "  # comment", ";", " ; ;\n", "\\\n"])
def test_blank_lines_parse_to_none(line: str) -> None:
    assert parse(line) is None


@pytest.mark.parametrize(
    "line, message",
    [
        ("show vm 'web", "unterminated quote: 'web"),
        (
            "list vms; list hosts",
            "one command expected, found several (separated by ';' or newlines)",
        ),
        (
            "list vms\nlist hosts",
            "one command expected, found several (separated by ';' or newlines)",
        ),
        ("list vms >", "a file name is missing after '>'"),
        ("list vms >> --x", "a file name is missing after '>>'"),
        ("list vms > a > b", "only one output redirection ('>' or '>>') is allowed"),
        ("list vms |", "a shell command is missing after '|'"),
        ("list vms |   ", "a shell command is missing after '|'"),
        ("| grep x", "a command must start with a command name, not '|'"),
        ("> f", "a command must start with a command name, not '>'"),
        ("--help", "a command must start with a command name, not '--help'"),
    ],
)
def test_parse_errors(line: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse(line)
    assert str(err.value) == message
    assert err.value.status == ExitStatus.SYNTAX_ERROR


def test_parse_line_is_parse() -> None:
    assert parse_line("list vms") == parse("list vms")


# --- scripts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("list vms; show vm 'a;b'", ["list vms", "show vm 'a;b'"]),
        ('list vms --query "name=a;b"', ['list vms --query "name=a;b"']),
        ("list vms;list hosts;", ["list vms", "list hosts"]),
        ("list vms\n\n  \nlist hosts\n", ["list vms", "list hosts"]),
        ("# header\nlist vms # trailing\n  # indented\nping", ["list vms", "ping"]),
        (
            "add vm \\\n  --name web1 \\\n  --cluster-name Default\nlist vms",
            ["add vm   --name web1   --cluster-name Default", "list vms"],
        ),
        ("show vm 'a\nb'; ping", ["show vm 'a\nb'", "ping"]),
        ("list vms | grep a; echo b\nping", ["list vms | grep a; echo b", "ping"]),
        ("!echo a; echo b\nping", ["!echo a; echo b", "ping"]),
        ("list vms | grep \\\n  a\nping", ["list vms | grep \\\n  a", "ping"]),
        ("echo '#'; echo \\#", ["echo '#'", "echo \\#"]),
        ("", []),
        ("# nothing\n\n;", []),
    ],
)
def test_split_commands(text: str, expected: list[str]) -> None:
    assert split_commands(text) == expected


def test_split_commands_rejects_an_open_quote_with_its_line() -> None:
    with pytest.raises(UsageError, match=r"^unterminated quote: 'b \(line 2\)$"):
        split_commands("list vms\nshow vm 'b")


def test_parse_script() -> None:
    script = """
# create and start a VM
add vm --name web1 --cluster-name Default \\
       --template-name Blank
action vm web1 start --async; list vms --query 'status=up' | grep -c web > /dev/null

show vm web1 >> log.txt   # keep a record
"""
    assert parse_script(script, flags={"async"}) == [
        Command(
            "add",
            ("vm",),
            (("name", "web1"), ("cluster-name", "Default"), ("template-name", "Blank")),
        ),
        Command("action", ("vm", "web1", "start"), (("async", None),)),
        Command("list", ("vms",), (("query", "status=up"),), pipe="grep -c web > /dev/null"),
        Command("show", ("vm", "web1"), redirect=(">>", "log.txt")),
    ]


def test_parse_script_texts_match_split_commands() -> None:
    text = "list vms; show vm 'a;b' --x 1\\\n2 # c\n!ls; pwd"
    assert [c.text for c in parse_script(text)] == split_commands(text)
    assert [parse(t) for t in split_commands(text)] == parse_script(text)


def test_parse_script_raises_on_the_first_bad_command() -> None:
    with pytest.raises(UsageError, match="file name is missing"):
        parse_script("list vms\nlist hosts >\nping")
