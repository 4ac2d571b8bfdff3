"""Rendering a `Result` in one of the output formats, into the stream it is given.

This module is imported by every command run, including one-shot `-E`, so it does not import
pygments: colour imports it when it is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

from ovirtshell.output import escape
from ovirtshell.result import Result
from ovirtshell.status import ExitStatus, UsageError

FORMATS = ("text", "table", "json", "xml", "csv")

_RED = "\x1b[31m"
_RESET = "\x1b[0m"


def check_format(fmt: str) -> str:
    """`fmt` if it is a known format, else a UsageError naming the valid ones."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown output format '{fmt}', expected one of: {', '.join(FORMATS)}")
    return fmt


def render(
    result: Result, fmt: str, out: TextIO, *, color: bool = False, width: int | None = None
) -> None:
    """Write the result's data (or its message) to `out` in `fmt`.

    `json` and `xml` print the message only when there is no data (a document has one root);
    the line-oriented formats print the data, then the message line.
    """
    check_format(fmt)
    if fmt in ("json", "xml"):  # each format's module is imported when it is used
        from ovirtshell.output.structured import render_json, render_xml

        (render_json if fmt == "json" else render_xml)(result, out, color=color)
        return
    fields = result.fields or result.columns or None  # an empty selection means "no selection"
    if result.data is not None:
        if fmt == "text":
            from ovirtshell.output.text import render_text

            render_text(result.data, out, fields=fields, show_all=result.show_all, color=color)
        elif fmt == "table":
            from ovirtshell.output.table import render_table

            render_table(result.data, out, fields=fields, color=color, width=width)
        else:
            from ovirtshell.output.table import render_csv

            render_csv(result.data, out, fields=fields)
    if result.message is not None:
        out.write(escape.text(result.message) + "\n")


def render_error(
    status: ExitStatus,
    message: str,
    fmt: str,
    err: TextIO,
    *,
    color: bool = False,
    details: Mapping[str, Any] | None = None,
) -> None:
    """One line on `err`: `error: <message>`, or a one-line JSON object with `-o json`.

    `details` are the error's own fields (`http_status`, `reason`, `detail` of an engine fault,
    `file`/`line` of a script); JSON carries them as they are, text only through the message.
    """
    message = message.rstrip()
    if fmt == "json":
        error = {"status": int(status), "name": status.name, "message": message}
        error.update({k: v for k, v in (details or {}).items() if k not in error})
        err.write(escape.json_safe(json.dumps({"error": error}, ensure_ascii=False)) + "\n")
        return
    line = f"error: {escape.line(message)}"
    err.write(f"{_RED}{line}{_RESET}\n" if color else line + "\n")
