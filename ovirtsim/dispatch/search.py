"""The engine's search language (``?search=``), parsed and evaluated for the simulator.

Grammar: ``cond [and|or cond]... [sortby field [asc|desc]] [page N]`` where a ``cond`` is
``field op value`` and ``field`` may be a cross reference (``vms.status``). ``and`` binds tighter
than ``or``; adjacent conditions without a keyword are ANDed; there are no parentheses. Keywords
and field names are case-insensitive. A leading ``Vms:``-style prefix is accepted and ignored,
because the engine adds it itself and clients sometimes send it anyway.

Standard library only: the simulator imports nothing from ``ovirtshell``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, TypeVar

__all__ = ["DEFAULT_PAGE_SIZE", "Condition", "Query", "SearchError", "apply", "parse"]

T = TypeVar("T")

#: Items per page for ``page N`` when the request has no ``max``. The engine's own default
#: differs per collection; 100 keeps pages predictable for tests and scripts.
DEFAULT_PAGE_SIZE = 100

OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
_KEYWORDS = {"and", "or", "sortby", "page", "asc", "desc"}
_PREFIX = re.compile(r"\s*[A-Za-z_]\w*\s*:")
_FIELD = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?")


class SearchError(ValueError):
    """A query the engine would reject; ``str(e)`` is the fault detail (bad token in ``$…$``)."""

    def __init__(self, query: str, start: int, end: int):
        self.query = query
        self.start = start
        self.end = end
        super().__init__(f"{query[:start]}${query[start:end]}${query[end:]}")


@dataclass(frozen=True)
class Condition:
    """One ``field op value`` test; ``span`` locates the field in the query for error marking."""

    field: str
    op: str
    value: str
    span: tuple[int, int] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Query:
    """A parsed query: an OR of AND groups, then optional sorting and paging."""

    groups: tuple[tuple[Condition, ...], ...] = ()
    sort_by: str | None = None
    descending: bool = False
    page: int | None = None
    text: str = field(default="", compare=False, repr=False)
    sort_span: tuple[int, int] | None = field(default=None, compare=False, repr=False)


# --- parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # "word", "quoted", "op"
    value: str
    start: int
    end: int


def _lex(query: str, pos: int) -> list[_Tok]:
    tokens: list[_Tok] = []
    n = len(query)
    while pos < n:
        ch = query[pos]
        if ch.isspace():
            pos += 1
        elif ch == '"':
            close = query.find('"', pos + 1)
            if close < 0:
                raise SearchError(query, pos, n)
            tokens.append(_Tok("quoted", query[pos + 1 : close], pos, close + 1))
            pos = close + 1
        elif ch in "=!<>":
            op = next((o for o in OPERATORS if query.startswith(o, pos)), None)
            if op is None:  # a lone "!"
                raise SearchError(query, pos, pos + 1)
            tokens.append(_Tok("op", op, pos, pos + len(op)))
            pos += len(op)
        else:
            start = pos
            while pos < n and not query[pos].isspace() and query[pos] not in '"=!<>':
                pos += 1
            tokens.append(_Tok("word", query[start:pos], start, pos))
    return tokens


def parse(query: str) -> Query:
    """Parse a search query; raise ``SearchError`` marking the first token the engine would reject."""
    prefix = _PREFIX.match(query)
    tokens = _lex(query, prefix.end() if prefix else 0)
    groups: list[tuple[Condition, ...]] = []
    current: list[Condition] = []
    sort_by: str | None = None
    sort_span: tuple[int, int] | None = None
    descending = False
    page: int | None = None
    i = 0

    def fail(tok: _Tok | None) -> SearchError:
        if tok is None:  # ran out of tokens: mark the end of the query
            return SearchError(query, len(query), len(query))
        return SearchError(query, tok.start, tok.end)

    def at(k: int) -> _Tok | None:
        return tokens[k] if k < len(tokens) else None

    def keyword(tok: _Tok | None) -> str | None:
        if tok is not None and tok.kind == "word" and tok.value.lower() in _KEYWORDS:
            return tok.value.lower()
        return None

    connector: _Tok | None = None  # a pending "and"/"or" that still needs a condition
    while i < len(tokens):
        tok = tokens[i]
        kw = keyword(tok)
        if kw in ("and", "or"):
            if not current or connector is not None:
                raise fail(tok)
            if kw == "or":
                groups.append(tuple(current))
                current = []
            connector = tok
            i += 1
            continue
        if kw in ("sortby", "page"):
            break
        if tok.kind != "word" or kw is not None or not _FIELD.fullmatch(tok.value):
            raise fail(tok)
        op, value = at(i + 1), at(i + 2)
        if not groups and not current and (op is None or keyword(op) in ("sortby", "page")):
            # free text leading the query (``clusters?search=mycluster``): the field
            # ``:word`` is answered by the collection (an error where the word is a field)
            current.append(Condition(":" + tok.value.lower(), "=", f"*{tok.value}*",
                                     (tok.start, tok.end)))
            i += 1
            continue
        if op is None or op.kind != "op":
            raise fail(op if op is not None else tok)
        if value is None or value.kind == "op":
            raise fail(value if value is not None else op)
        current.append(Condition(tok.value.lower(), op.value, value.value, (tok.start, tok.end)))
        connector = None
        i += 3
    if connector is not None:
        raise fail(connector)
    if current:
        groups.append(tuple(current))

    if keyword(at(i)) == "sortby":
        name = at(i + 1)
        if name is None or name.kind != "word" or keyword(name) or not _FIELD.fullmatch(name.value):
            raise fail(name if name is not None else tokens[i])
        sort_by, sort_span = name.value.lower(), (name.start, name.end)
        i += 2
        direction = keyword(at(i))
        if direction in ("asc", "desc"):
            descending = direction == "desc"
            i += 1
    if keyword(at(i)) == "page":
        number = at(i + 1)
        if (
            number is None
            or number.kind != "word"
            or not re.fullmatch(r"[0-9]+", number.value)
            or int(number.value) < 1
        ):
            raise fail(number if number is not None else tokens[i])
        page = int(number.value)
        i += 2
    if i < len(tokens):
        raise fail(tokens[i])
    return Query(tuple(groups), sort_by, descending, page, query, sort_span)


# --- evaluation ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Both are asked of the query's value for every item and of values many items share:
# pure functions of the text, remembered.
@lru_cache(maxsize=8192)
def _number(text: str) -> float | None:
    return float(text) if _NUMBER.fullmatch(text.strip()) else None


@lru_cache(maxsize=8192)
def _datetime(text: str) -> tuple[datetime, bool] | None:
    """ISO date or date-time as an aware datetime (naive = UTC), and whether it was date-only."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        parsed = datetime.fromisoformat(re.sub(r"Z$", "+00:00", text))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed, len(text) == 10


def _compare(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


_CHECKS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


def glob_match(pattern: str, text: str, case_sensitive: bool) -> bool:
    """Whether ``text`` matches a pattern where ``*`` is any run of characters.

    Greedy leftmost search of each literal piece: linear in the text (no backtracking), so
    no pattern can make a search slow."""
    if not case_sensitive:
        pattern, text = pattern.casefold(), text.casefold()
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == text
    first, last, middle = parts[0], parts[-1], parts[1:-1]
    if not text.startswith(first) or len(text) - len(first) < len(last):
        return False
    pos, end = len(first), len(text) - len(last)
    if not text.endswith(last):
        return False
    for piece in middle:
        if not piece:
            continue
        found = text.find(piece, pos, end)
        if found < 0:
            return False
        pos = found + len(piece)
    return pos <= end


def _matches_one(
    candidate: Any, op: str, value: str, case_sensitive: bool, order: Sequence[str] | None
) -> bool:
    """Whether one field value satisfies ``op value`` (``op`` is never ``!=`` here)."""
    have = _text(candidate)
    if op == "=" and "*" in value:
        return glob_match(value, have, case_sensitive)
    if order is not None:
        ranks = {v.lower(): k for k, v in enumerate(order)}
        if have.lower() in ranks and value.lower() in ranks:
            return _CHECKS[op](_compare(ranks[have.lower()], ranks[value.lower()]))
    if not isinstance(candidate, bool):
        left, right = _number(have), _number(value)
        if left is not None and right is not None:
            return _CHECKS[op](_compare(left, right))
        left_dt, right_dt = _datetime(have), _datetime(value)
        if left_dt is not None and right_dt is not None:
            if right_dt[1]:  # a date-only value compares against the candidate's own day
                return _CHECKS[op](_compare(left_dt[0].date(), right_dt[0].date()))
            return _CHECKS[op](_compare(left_dt[0], right_dt[0]))
    if not case_sensitive:
        have, value = have.casefold(), value.casefold()
    return _CHECKS[op](_compare(have, value))


def _mark(query: Query, name: str, span: tuple[int, int] | None) -> SearchError:
    if span is None or not query.text:
        return SearchError(name, 0, len(name))
    return SearchError(query.text, *span)


def _values(
    query: Query,
    field_values: Callable[[T, str], list | None],
    item: T,
    name: str,
    span: tuple[int, int] | None,
) -> list:
    values = field_values(item, name)
    if values is None:
        raise _mark(query, name, span)
    return [v for v in values if v is not None]


def _sort_key(value: Any) -> tuple:
    """Numbers before dates before text, so that a mixed column still sorts without errors."""
    text = _text(value)
    if not isinstance(value, bool):
        if isinstance(value, (int, float)):
            return (0, float(value))
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
            return (1, aware)
        if isinstance(value, date):
            return (1, datetime(value.year, value.month, value.day, tzinfo=timezone.utc))
        number = _number(text)
        if number is not None:
            return (0, number)
        moment = _datetime(text)
        if moment is not None:
            return (1, moment[0])
    return (2, text.casefold())


def apply(
    query: Query,
    items: Iterable[T],
    field_values: Callable[[T, str], list | None],
    *,
    case_sensitive: bool = False,
    max_results: int | None = None,
    ordered_values: Mapping[str, Sequence[str]] | None = None,
) -> list[T]:
    """Filter, sort and page ``items`` as the engine would for ``query``.

    ``field_values(item, field)`` returns every value the item has for a (possibly dotted)
    field, or None when the collection has no such field, which is a ``SearchError``
    (only detected when there is at least one item to ask about).
    ``ordered_values`` optionally ranks enum fields for ``<``/``>`` (events: ``severity>normal``
    with ``{"severity": ["normal", "warning", "error", "alert"]}``); other fields compare as
    numbers when both sides are numbers, as ISO dates when both are dates, else as text.
    ``page N`` takes items ``(N-1)*max .. N*max`` with ``max_results``, else pages of
    ``DEFAULT_PAGE_SIZE``; ``max_results`` without a page keeps the first ``max_results``.
    A negative ``max_results`` means no limit (as ``max=-1`` does for the engine).
    """
    ranks = {k.lower(): v for k, v in (ordered_values or {}).items()}

    def holds(item: T, cond: Condition) -> bool:
        values = _values(query, field_values, item, cond.field, cond.span)
        order = ranks.get(cond.field)
        if cond.op == "!=":
            return not any(_matches_one(v, "=", cond.value, case_sensitive, order) for v in values)
        return any(_matches_one(v, cond.op, cond.value, case_sensitive, order) for v in values)

    pool = list(items)
    if pool:  # an unknown field is an error even where "or" would never evaluate it
        for cond in (c for group in query.groups for c in group):
            _values(query, field_values, pool[0], cond.field, cond.span)
        if query.sort_by is not None:
            _values(query, field_values, pool[0], query.sort_by, query.sort_span)
    selected = [
        item
        for item in pool
        if not query.groups or any(all(holds(item, c) for c in group) for group in query.groups)
    ]

    if query.sort_by is not None:
        order = [v.lower() for v in ranks.get(query.sort_by, ())]
        present: list[tuple[tuple, T]] = []
        missing: list[T] = []
        for item in selected:
            values = _values(query, field_values, item, query.sort_by, query.sort_span)
            if not values:
                missing.append(item)
                continue
            first = _text(values[0]).lower()
            key = (-1, order.index(first)) if first in order else _sort_key(values[0])
            present.append((key, item))
        present.sort(key=lambda pair: pair[0], reverse=query.descending)
        selected = [item for _, item in present] + missing

    limit = max_results if max_results is not None and max_results >= 0 else None
    if query.page is not None:
        size = limit if limit is not None else DEFAULT_PAGE_SIZE
        return selected[(query.page - 1) * size : query.page * size]
    if limit is not None:
        return selected[:limit]
    return selected
