"""The outer command line (ovirtshell/outer.py): what it reads, what it refuses, its help."""

from __future__ import annotations

import pytest

from ovirtshell import outer
from ovirtshell.outer import ArgumentError, help_page, parse


def test_nothing_given_leaves_every_option_unset() -> None:
    values = parse([])
    assert values["command"] == ()
    assert values["url"] is None and values["insecure"] is None  # not said: the config decides
    assert values["demo"] is False and values["no_color"] is False and values["help"] is False


@pytest.mark.parametrize(
    "args",
    [
        ["-E", "list vms", "-o", "json", "-I"],
        ["--execute-command=list vms", "--output=json", "--insecure"],
        ["-Elist vms", "-ojson", "-I"],
        ["-IE", "list vms", "-o", "table", "-o", "json"],  # a flag and a value together; the last -o wins
    ],
)
def test_spellings(args: list[str]) -> None:
    values = parse(args)
    assert (values["commands"], values["output"], values["insecure"]) == ("list vms", "json", True)


def test_options_end_at_the_first_word_or_at_a_double_dash() -> None:
    values = parse(["-d", "show", "vm", "x", "--fields", "name", "-o", "json"])
    assert values["debug"] is True and values["output"] is None
    assert values["command"] == ("show", "vm", "x", "--fields", "name", "-o", "json")
    assert parse(["--", "-E", "x"])["command"] == ("-E", "x")
    assert parse(["-f", "-"])["script"] == "-"
    assert parse(["-E", "-x"])["commands"] == "-x"  # a value may start with a dash


@pytest.mark.parametrize(
    "args, message",
    [
        (["--nope"], "No such option '--nope'."),
        (["--outpt", "json"], "(Did you mean one of: '--output', '--port', '--timeout'?)"),
        (["--kerberoz"], "(Did you mean '--kerberos'?)"),
        (["-Z"], "No such option '-Z'."),
        (["-E"], "Option '-E' requires an argument."),
        (["--url"], "Option '--url' requires an argument."),
        (["--insecure=yes"], "Option '--insecure' does not take a value."),
        (["-o", "yaml"], "Invalid value for '-o' / '--output': 'yaml' is not one of 'text', 'table', 'json', 'xml', 'csv'."),
    ],
)
def test_errors(args: list[str], message: str) -> None:
    with pytest.raises(ArgumentError) as info:
        parse(args)
    assert message in str(info.value)


def test_every_option_has_unique_names_and_help() -> None:
    names = [name for option in outer.OPTIONS for name in option.names]
    assert len(names) == len(set(names))
    assert all(option.help for option in outer.OPTIONS)
    assert len({option.dest for option in outer.OPTIONS}) == len(outer.OPTIONS)


def test_the_help_page_lists_every_option_within_its_width() -> None:
    page = help_page(78)
    assert page.startswith("Usage: ovirt-shell [OPTIONS] [COMMAND]...\n")
    for option in outer.OPTIONS:
        assert ", ".join(option.names) in page
    assert "-o, --output [text|table|json|xml|csv]\n" in page
    options, _, epilog = page.partition("\n\n  Environment:")
    assert all(len(line) <= 78 for line in options.splitlines())
    assert epilog.rstrip().endswith("11 NOT_FOUND, 12 TIMEOUT.")  # the epilog keeps its own lines
