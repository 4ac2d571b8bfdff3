"""Pygments helpers for the `json` and `xml` formats.

Pygments is imported inside the functions: it costs tens of milliseconds, and it is needed
only when colour is on (a terminal, no NO_COLOR), never for a piped one-shot command.
"""

from __future__ import annotations


def highlight(text: str, language: str) -> str:
    """`text` with ANSI colours for a terminal; `language` is "json" or "xml"."""
    from pygments import highlight as pygments_highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import JsonLexer, XmlLexer

    lexer = JsonLexer() if language == "json" else XmlLexer()
    return pygments_highlight(text, lexer, TerminalFormatter())


def highlight_json(text: str) -> str:
    return highlight(text, "json")


def highlight_xml(text: str) -> str:
    return highlight(text, "xml")
