"""The `table` and `csv` formats: one row per object, columns chosen generically.

No oVirt type is named here: the default columns come from the shape of the data, so every
collection of the model (and of future models) gets a sensible table. The rule is documented
in docs/output.md; `--fields` overrides it.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from ovirtshell.output import escape
from ovirtshell.output.paths import (
    HIDDEN,
    cell,
    is_collection,
    is_empty,
    lookup,
    path_name,
    show_only,
    split_path,
    top_keys,
)
from ovirtshell.output.text import object_lines

#: Preferred columns, in this order, each kept when at least one element has it.
PREFERRED = ("name", "id", "status", "description")
#: Columns used when there is nothing to look at (an empty collection).
FALLBACK = ("name", "id")
#: With fewer preferred columns than this, other short top-level fields are added...
FILL_BELOW = 3
#: ...until there are this many columns.
FILL_TO = 4
#: A column is never cut below this width (nor below its header's).
MIN_WIDTH = 6
#: A column is at least this much wider than its header.
HEADER_PAD = 2
#: Columns truncated only when nothing else can shrink: a cut identifier is useless.
KEEP_WHOLE = ("id",)

_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


def _short(value: Any) -> bool:
    """A field worth a column: a scalar, or a struct shown by its name, state or id."""
    if is_empty(value):
        return False
    if isinstance(value, dict):
        return any(
            k in value and not isinstance(value[k], (dict, list)) for k in ("name", "state", "id")
        )
    return not isinstance(value, list)


def default_columns(items: list[Any]) -> list[str]:
    """The columns of a collection when --fields is not given (see docs/output.md)."""
    chooser = DefaultColumns(items)
    for item in items:
        chooser.add(item)
    return chooser.columns()


class DefaultColumns:
    """The default columns of a collection, chosen while its objects stream past.

    Gives the same columns as `default_columns` but keeps only cells: the preferred ones,
    plus every top-level field's cell while fewer than FILL_BELOW preferred columns have a
    value (only then can other fields become columns). `decided` turns true once no later
    object can change the columns, so a writer can stop holding rows.
    """

    def __init__(self, data: Any):
        self._data = data
        self._present: set[str] = set()
        self._filling = True
        self._counts: dict[str, int] = {}
        self._rows: list[Any] = []  # per object: its cells by column, or the object if not a dict
        self._objects = False
        show_only(data, None)  # every field, until the preferred columns are known

    @property
    def decided(self) -> bool:
        return len(self._present) == len(PREFERRED)

    def add(self, item: Any) -> None:
        if not isinstance(item, dict):
            self._rows.append(item)
            return
        self._objects = True
        cells = {}
        for key in PREFERRED:
            value = item.get(key)
            if not is_empty(value):
                self._present.add(key)
            cells[key] = cell(value)
        if self._filling:
            for key, value in item.items():
                if key in HIDDEN or key in PREFERRED:
                    continue
                cells[key] = cell(value)
                if _short(value):
                    self._counts[key] = self._counts.get(key, 0) + 1
            if len(self._present) >= FILL_BELOW:  # no other field will be a column
                self._filling = False
                self._counts.clear()
                for row in self._rows:
                    if isinstance(row, dict):
                        for key in [k for k in row if k not in PREFERRED]:
                            del row[key]
                cells = {key: cells[key] for key in PREFERRED}
                show_only(self._data, PREFERRED)
        self._rows.append(cells)

    def columns(self) -> list[str]:
        if not self._objects:
            return list(FALLBACK)
        columns = [k for k in PREFERRED if k in self._present]
        if len(columns) < FILL_BELOW:
            extra = sorted(self._counts, key=lambda k: -self._counts[k])
            columns += extra[: FILL_TO - len(columns)]
        return columns or list(FALLBACK)

    def rows(self, columns: list[str]) -> list[list[str]]:
        """The cells held so far, in `columns`; they are released."""
        rows, self._rows = self._rows, []
        return [
            [row.get(c, "") for c in columns] if isinstance(row, dict) else row_of(row, columns)
            for row in rows
        ]


def row_of(item: Any, columns: list[str]) -> list[str]:
    return [cell(lookup(item, split_path(c))) for c in columns]


def rows_of(data: Any, fields: tuple[str, ...] | None) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: a collection by columns, one object as field/value pairs."""
    if is_collection(data):
        if fields:
            columns = list(fields)
            show_only(data, top_keys(columns))
            rows = [row_of(item, columns) for item in data]
        else:
            chooser = DefaultColumns(data)
            for item in data:
                chooser.add(item)
            columns = chooser.columns()
            rows = chooser.rows(columns)
        return [escape.text(path_name(c)) for c in columns], rows
    pairs = object_lines(data, fields)
    return ["field", "value"], [[escape.text(name), cell(value)] for name, value in pairs]


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def fit(
    headers: list[str], rows: list[list[str]], width: int, header_pad: int = 2
) -> list[list[str]]:
    """Cut the widest cells, `id` last, until a row fits in `width` (best effort).

    A column never gets narrower than its header (padded by `header_pad`)
    nor than MIN_WIDTH, so headers are never cut.
    """
    widths = [
        max(len(headers[i]) + header_pad, *(len(row[i]) for row in rows))
        for i in range(len(headers))
    ]
    floors = [
        min(w, max(MIN_WIDTH, len(h) + header_pad)) for w, h in zip(widths, headers, strict=True)
    ]
    total = sum(widths) + 2 * (len(widths) - 1)  # "simple" puts two spaces between columns
    for protect in (True, False):
        candidates = [i for i, h in enumerate(headers) if not (protect and h in KEEP_WHOLE)]
        while total > width:
            shrinkable = [i for i in candidates if widths[i] > floors[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=widths.__getitem__)
            widths[widest] -= 1
            total -= 1
    return [[_truncate(v, w) for v, w in zip(row, widths, strict=True)] for row in rows]


def render_table(
    data: Any,
    out: TextIO,
    *,
    fields: tuple[str, ...] | None = None,
    color: bool = False,
    width: int | None = None,
) -> None:
    """A "simple" table with a header row; cut to `width` columns when given."""
    headers, rows = rows_of(data, fields)
    if width:
        rows = fit(headers, rows, width, HEADER_PAD)
    lines = simple_table(headers, rows)
    if color and lines:
        lines[0] = f"{_BOLD}{lines[0]}{_RESET}"
    out.write("\n".join(lines) + "\n")


def simple_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """The lines of tabulate's "simple" format (text left-aligned, no number parsing).

    Each column is as wide as its widest cell, and at least HEADER_PAD wider than its
    header; cells lose their outer whitespace, lines their trailing blanks; a dashed line
    follows the headers. Wide characters (CJK) count two columns, combining marks none.
    """
    cells = [[c.strip() for c in row] for row in rows]
    measure = len if all(c.isascii() for row in (headers, *cells) for c in row) else _display_width()
    widths = [
        max(measure(header) + HEADER_PAD, max((measure(row[i]) for row in cells), default=0))
        for i, header in enumerate(headers)
    ]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - measure(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in cells)]


def _display_width() -> Any:
    """Columns a text takes on a terminal: wcwidth (prompt_toolkit's dependency) when present."""
    try:
        from wcwidth import wcswidth
    except ImportError:
        return len
    return wcswidth


def render_csv(data: Any, out: TextIO, *, fields: tuple[str, ...] | None = None) -> None:
    """A header and one row per object, quoted as RFC 4180 says, lines ending in LF.

    A stream is written row by row once its columns are known: at once with --fields, else
    as soon as an object has every preferred column (until then only cells are held).
    """
    writer = csv.writer(out, lineterminator="\n")
    if not is_collection(data):
        headers, rows = rows_of(data, fields)
        writer.writerow(headers)
        writer.writerows(rows)
        return
    if fields:
        columns = list(fields)
        show_only(data, top_keys(columns))
        writer.writerow([escape.text(path_name(c)) for c in columns])
        for item in data:
            writer.writerow(row_of(item, columns))
        return
    chooser = DefaultColumns(data)
    items = iter(data)
    for item in items:
        chooser.add(item)
        if chooser.decided:
            break
    columns = chooser.columns()
    writer.writerow([escape.text(path_name(c)) for c in columns])
    writer.writerows(chooser.rows(columns))
    for item in items:
        writer.writerow(row_of(item, columns))
