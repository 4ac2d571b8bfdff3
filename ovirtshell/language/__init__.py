"""The shell's command language: tokenizer (also used by completion) and parser."""

from ovirtshell.language.parser import (
    ALWAYS_FLAGS,
    Command,
    ScriptCommand,
    parse,
    parse_script,
    script_commands,
    split_commands,
)
from ovirtshell.language.tokenizer import Token, is_complete, tokenize

#: The name the architecture diagram uses for ``parse``.
parse_line = parse

__all__ = [
    "ALWAYS_FLAGS",
    "Command",
    "ScriptCommand",
    "Token",
    "is_complete",
    "parse",
    "parse_line",
    "parse_script",
    "script_commands",
    "split_commands",
    "tokenize",
]
