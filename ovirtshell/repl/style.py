"""Colours of the prompt, toolbar, completion menu and input-line highlighting, in one place."""

from __future__ import annotations

from prompt_toolkit.styles import Style, merge_styles, style_from_pygments_dict
from pygments.token import Comment, Keyword, Name, Operator, Punctuation, String, Text

#: The input line's token colours (the lexer in repl/lexer.py emits these token types).
TOKEN_COLOURS = {
    Keyword: "bold ansiblue",  # the command word
    Keyword.Pseudo: "bold ansimagenta",  # !command
    Name.Class: "ansicyan",  # the type
    Name.Function: "ansiyellow",  # an action name
    Name.Attribute: "ansigreen",  # --option
    String: "ansibrightyellow",  # an option value
    Operator: "bold ansired",  # | > >>
    Punctuation: "bold",  # ;
    Comment: "italic ansibrightblack",
    Text: "",
}

UI = {
    "prompt": "",
    "prompt.connected": "ansigreen bold",
    "prompt.disconnected": "ansired bold",
    "prompt.host": "ansicyan",
    "continuation": "ansibrightblack",
    "bottom-toolbar": "noreverse bg:ansibrightblack fg:ansiwhite",
    "bottom-toolbar.key": "bold",
    "bottom-toolbar.ok": "fg:ansigreen bold",
    "bottom-toolbar.bad": "fg:ansired bold",
    "completion-menu.completion": "bg:#303030 fg:#d0d0d0",
    "completion-menu.completion.current": "bg:#5f87af fg:#ffffff",
    "completion-menu.meta.completion": "bg:#262626 fg:#8a8a8a",
    "completion-menu.meta.completion.current": "bg:#5f87af fg:#ffffff",
}


def build_style() -> Style:
    """The shell's style: UI classes plus the lexer's token colours."""
    return merge_styles([style_from_pygments_dict(TOKEN_COLOURS), Style.from_dict(UI)])
