"""The `table` and `csv` formats: one row per object, columns chosen generically.

No oVirt type is named here: the default columns come from the shape of the data, so every
collection of the model (and of future models) gets a sensible table. The rule is documented
in docs/output.md; `--fields` overrides it.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from ovirtshell.output import escape
from ovirtshell.output.paths import HIDDEN, cell, is_empty, lookup, path_name, split_path
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
    dicts = [item for item in items if isinstance(item, dict)]
    if not dicts:
        return list(FALLBACK)
    columns = [k for k in PREFERRED if any(not is_empty(d.get(k)) for d in dicts)]
    if len(columns) < FILL_BELOW:
        counts: dict[str, int] = {}
        for d in dicts:
            for key, value in d.items():
                if key not in HIDDEN and key not in columns and _short(value):
                    counts[key] = counts.get(key, 0) + 1
        # sorted() is stable: equally common fields keep the data's (the model's) order.
        extra = sorted(counts, key=lambda k: -counts[k])
        columns += extra[: FILL_TO - len(columns)]
    return columns or list(FALLBACK)


def rows_of(data: Any, fields: tuple[str, ...] | None) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: a collection by columns, one object as field/value pairs."""
    if isinstance(data, list):
        columns = list(fields) if fields else default_columns(data)
        rows = [[cell(lookup(item, split_path(c))) for c in columns] for item in data]
        return [escape.text(path_name(c)) for c in columns], rows
    pairs = object_lines(data, fields)
    return ["field", "value"], [[escape.text(name), cell(value)] for name, value in pairs]


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def fit(
    headers: list[str], rows: list[list[str]], width: int, header_pad: int = 2
) -> list[list[str]]:
    """Cut the widest cells, `id` last, until a row fits in `width` (best effort).

    A column never gets narrower than its header (tabulate pads a header by `header_pad`)
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
    """A tabulate "simple" table with a header row; cut to `width` columns when given."""
    import tabulate  # lazy: -E with the default format must not pay for it

    headers, rows = rows_of(data, fields)
    if width:
        rows = fit(headers, rows, width, getattr(tabulate, "MIN_PADDING", 2))
    lines = tabulate.tabulate(rows, headers, tablefmt="simple", disable_numparse=True).split("\n")
    if color and lines:
        lines[0] = f"{_BOLD}{lines[0]}{_RESET}"
    out.write("\n".join(lines) + "\n")


def render_csv(data: Any, out: TextIO, *, fields: tuple[str, ...] | None = None) -> None:
    """A header and one row per object, quoted as RFC 4180 says, lines ending in LF."""
    headers, rows = rows_of(data, fields)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
