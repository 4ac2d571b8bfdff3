"""The `text` format: the original ovirt-shell's `name : value` lines.

Kept faithful to the original (`ovirtcli/format/text.py`) so that people and scripts used to
it feel at home: a leading blank line, `id`/`name`/`description` first, nested fields joined
with `-`, list members repeating the name, a blank line after every object.
"""

from __future__ import annotations

from typing import Any, TextIO

from ovirtshell.output import escape
from ovirtshell.output.paths import (
    FIRST,
    flatten,
    is_collection,
    lookup,
    path_name,
    show_only,
    split_path,
    top_keys,
)

#: The original padded the short listing to the width of "description".
SUMMARY_WIDTH = len("description")

_CYAN = "\x1b[36m"
_RESET = "\x1b[0m"

Lines = list[tuple[str, str]]


def object_lines(obj: Any, fields: tuple[str, ...] | None = None) -> Lines:
    """(name, value) lines for one object, all of its fields or only the ones asked for."""
    if not isinstance(obj, dict):
        return list(flatten(obj, "value"))
    if fields is None:
        return list(flatten(obj, ""))
    lines: Lines = []
    for field in fields:
        lines.extend(flatten(lookup(obj, split_path(field)), path_name(field)))
    return lines


def summary_lines(obj: Any) -> Lines:
    """What `list` shows without --show-all: id, name and description only."""
    if not isinstance(obj, dict):
        return object_lines(obj)
    return [(key, line) for key in FIRST for _, line in flatten(obj.get(key), key)]


def write_block(lines: Lines, width: int, out: TextIO, color: bool) -> None:
    for name, value in lines:
        label = escape.text(name).ljust(width)
        if color:
            label = f"{_CYAN}{label}{_RESET}"
        out.write(f"{label}: {value}\n")


def _width(blocks: list[Lines]) -> int:
    return max((len(name) for lines in blocks for name, _ in lines), default=0)


def render_text(
    data: Any,
    out: TextIO,
    *,
    fields: tuple[str, ...] | None = None,
    show_all: bool = False,
    color: bool = False,
) -> None:
    """Write one object or a collection; names are padded to the longest one shown.

    The short listing (fixed width) is written object by object as a stream delivers them;
    with every field or --fields, only the lines are kept until the width is known.
    """
    out.write("\n")
    if is_collection(data):
        if fields is not None or show_all:
            show_only(data, top_keys(fields) if fields is not None else None)
            blocks = [object_lines(item, fields) for item in data]
            width = _width(blocks)
            for lines in blocks:
                write_block(lines, width, out, color)
                out.write("\n")
            return
        show_only(data, FIRST)
        for item in data:
            write_block(summary_lines(item), SUMMARY_WIDTH, out, color)
            out.write("\n")
        return
    lines = object_lines(data, fields)
    write_block(lines, _width([lines]), out, color)
    out.write("\n")
