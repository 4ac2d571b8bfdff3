"""`list events --follow`: print new events as the engine records them, until Ctrl-C.

The engine numbers events; asking for `from=N` returns those after N, so each poll costs
one small request. Ctrl-C (or a reader that goes away) ends it with status OK: following
is stopped on purpose, it has not failed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ovirtshell.result import Result
from ovirtshell.status import UsageError

if TYPE_CHECKING:
    from ovirtshell.language import Command
    from ovirtshell.locate import Target
    from ovirtshell.shell import Shell

#: The options follow adds to `list events`.
FOLLOW_OPTIONS = ("follow", "since", "severity", "interval")
COLUMNS = ("time", "severity", "code", "description")
SEVERITIES = ("normal", "warning", "error", "alert")  # the engine's log_severity, mildest first
DEFAULT_INTERVAL = 2.0
_RELATIVE = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def requested(command: Command) -> bool:
    """`--follow` without links (`--follow nics` is the engine's own inline-links option)."""
    return any(name == "follow" and value is None for name, value in command.options)


def parse_since(text: str, now: datetime | None = None) -> tuple[int | None, datetime | None]:
    """`--since` as an event id (`1234`), a moment (`2026-01-31T10:00`, `2026-01-31`) or an
    age (`10m`, `2h`, `1d`): (id, None) or (None, time)."""
    text = text.strip()
    if text.isdigit():
        return int(text), None
    now = now or datetime.now(timezone.utc)
    match = _RELATIVE.match(text)
    if match:
        return None, now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"invalid --since {text!r}: expected an event id, a time such as 2026-01-31T10:00, or an age such as 10m"
        ) from None
    return None, moment if moment.tzinfo else moment.astimezone()


def _event_time(event: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(event.get("time")))
    except ValueError:
        return None


def severity_filter(text: str | None) -> Callable[[dict[str, Any]], bool]:
    """`--severity warning` keeps warning and worse."""
    if text is None:
        return lambda event: True
    if text not in SEVERITIES:
        raise UsageError(f"invalid --severity {text!r}: expected one of {', '.join(SEVERITIES)}")
    floor = SEVERITIES.index(text)

    def keep(event: dict[str, Any]) -> bool:
        severity = event.get("severity")
        return severity not in SEVERITIES or SEVERITIES.index(severity) >= floor

    return keep


class EventWriter:
    """One line per event, written and flushed at once: text columns, JSON lines, or CSV."""

    def __init__(self, out, fmt: str, fields: tuple[str, ...] | None):
        if fmt == "xml":
            raise UsageError("list events --follow prints text, table, json (one object a line) or csv, not xml")
        self.out, self.fmt = out, fmt
        self.fields = fields or COLUMNS
        self.header = fmt == "csv"

    def write(self, event: dict[str, Any]) -> None:
        from ovirtshell.output.paths import cell, lookup, split_path

        if self.fmt == "json":
            self.out.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
        else:
            values = [lookup(event, split_path(f)) for f in self.fields]
            cells = ["" if v is None or not isinstance(v, (str, int, float, dict, list)) else cell(v) for v in values]
            if self.fmt == "csv":
                buffer = io.StringIO()
                writer = csv.writer(buffer, lineterminator="\n")
                if self.header:
                    writer.writerow(self.fields)
                    self.header = False
                writer.writerow(cells)
                self.out.write(buffer.getvalue())
            else:
                self.out.write(_text_line(self.fields, cells) + "\n")
        self.out.flush()


def _text_line(fields: tuple[str, ...], cells: list[str]) -> str:
    """Aligned columns; the time to the second (`2026-01-31 10:00:05`)."""
    widths = {"time": 19, "severity": 7, "code": 5}
    shown = [c.replace("T", " ")[:19] if f == "time" else c for f, c in zip(fields, cells, strict=True)]
    return "  ".join(c.ljust(widths.get(f, 0)) for f, c in zip(fields, shown, strict=True)).rstrip()


def run(shell: Shell, command: Command, list_target: Callable[[Command], Target]) -> Result:
    """Follow the events of `command` (`list events --follow …`); returns on Ctrl-C."""
    from ovirtshell.locate import query_params, read_collection

    rest, own = command.split_off(FOLLOW_OPTIONS)
    t = list_target(rest)
    if t.resource.name != "event":
        raise UsageError(f"--follow without links follows events only (list events --follow); for {t.resource.plural}, --follow needs the links to include")
    interval = _interval(own.get("interval"))
    keep = severity_filter(own.get("severity"))
    params = query_params(t.request.query)
    params.pop("from", None)
    if t.request.shell.get("query"):
        params["search"] = t.request.shell["query"]
    writer = EventWriter(shell.env.stdout, shell.current_format or shell.settings.output, shell.current_fields)

    def fetch(query: dict[str, str]) -> list[dict[str, Any]]:
        """Events read as `list events` reads them (the engine's JSON: the same times)."""
        events = list(read_collection(t.connection, t.collection, "event", query, json=True))
        return sorted(events, key=lambda e: int(e.get("id") or 0))

    since_id, since_time = parse_since(own["since"]) if own.get("since") else (None, None)
    try:
        if since_id is not None:
            last = since_id
        else:
            last = max((int(e.get("id") or 0) for e in fetch({"max": "1"})), default=0)  # the newest
            if since_time is not None:
                for event in fetch(params):
                    moment = _event_time(event)
                    if moment is not None and moment >= since_time and int(event["id"]) <= last and keep(event):
                        writer.write(event)
        while True:
            for event in fetch({**params, "from": str(last)}):
                last = max(last, int(event.get("id") or 0))
                if keep(event):
                    writer.write(event)
            time.sleep(interval)
    except KeyboardInterrupt:
        return Result()


def _interval(value: str | None) -> float:
    if value is None:
        return DEFAULT_INTERVAL
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0.05 <= seconds <= 3600:
        raise UsageError(f"invalid --interval {value!r}: seconds between polls, from 0.05 to 3600")
    return seconds
