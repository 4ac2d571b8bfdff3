"""Walking plain data for the renderers: field paths, flattening, cell values.

Every format reads the same plain data (see docs/architecture.md), so the rules for naming a
nested field (`cpu-topology-cores`), ordering fields and turning a value into one line of text
live here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ovirtshell.output import escape

#: Fields forced to the front, in this order, at every level (as the original shell did).
FIRST = ("id", "name", "description")

#: Keys never shown by the human formats (`json` keeps them).
HIDDEN = frozenset({"href"})

_MISSING = object()
_SEPARATORS = re.compile(r"[-.]")


def split_path(path: str) -> tuple[str, ...]:
    """`cpu-topology-cores` or `cpu.topology.cores` -> ('cpu', 'topology', 'cores').

    Model names use underscores, never dashes or dots, so both separators are unambiguous.
    """
    return tuple(part for part in _SEPARATORS.split(path.strip()) if part)


def is_collection(data: Any) -> bool:
    """A list of objects, or a stream of them (any iterable that is not an object or text)."""
    return isinstance(data, list) or (
        isinstance(data, Iterable) and not isinstance(data, (dict, str, bytes, tuple))
    )


def show_only(data: Any, keys: Iterable[str] | None) -> None:
    """Tell a streamed collection the top-level fields a format shows, so that it decodes
    only those (a list, already decoded, has nothing to save)."""
    only = getattr(data, "only", None)
    if only is not None:
        only(keys)


def top_keys(fields: Iterable[str]) -> set[str]:
    """The top-level fields that a list of field paths reads."""
    return {parts[0] for parts in map(split_path, fields) if parts}


def path_name(path: str) -> str:
    """The display name of a path, in the text format's dashed form."""
    return "-".join(split_path(path))


def ordered_keys(obj: dict[str, Any]) -> list[str]:
    """`id`, `name`, `description` first, then the rest alphabetically; `href` dropped."""
    keys = [k for k in obj if k not in HIDDEN]
    first = [k for k in FIRST if k in obj]
    return first + sorted(k for k in keys if k not in FIRST)


def scalar_text(value: Any) -> str:
    """One value as the text formats show it: booleans as `true`/`false`, control characters
    and bidi overrides escaped (output/escape.py)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape.text(str(value))


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def flatten(value: Any, name: str) -> Iterator[tuple[str, str]]:
    """(dashed name, text) for every leaf under `name`; list members repeat the name."""
    if is_empty(value):
        return
    if isinstance(value, dict):
        for key in ordered_keys(value):
            yield from flatten(value[key], f"{name}-{key}" if name else key)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from flatten(item, name)
    else:
        yield name, scalar_text(value)


def lookup(obj: Any, parts: tuple[str, ...]) -> Any:
    """The value at a path, or None; a list on the way maps the rest of the path over it."""
    result = _lookup(obj, parts)
    return None if result is _MISSING else result


def _lookup(obj: Any, parts: tuple[str, ...]) -> Any:
    if not parts:
        return obj
    if isinstance(obj, dict):
        if parts[0] not in obj:
            return _MISSING
        return _lookup(obj[parts[0]], parts[1:])
    if isinstance(obj, list):
        found = [v for v in (_lookup(item, parts) for item in obj) if v is not _MISSING]
        return [x for v in found for x in (v if isinstance(v, list) else [v])] or _MISSING
    return _MISSING


def select(obj: Any, paths: Iterable[str]) -> Any:
    """`obj` reduced to the given paths, nested paths kept nested, in the order given."""
    result: Any = _MISSING
    for path in paths:
        picked = _pick(obj, split_path(path))
        if picked is not _MISSING:
            result = picked if result is _MISSING else _merge(result, picked)
    if result is _MISSING:
        return {} if isinstance(obj, dict) else None
    return _drop_missing(result)


def _pick(obj: Any, parts: tuple[str, ...]) -> Any:
    if not parts:
        return obj
    if isinstance(obj, dict):
        if parts[0] not in obj:
            return _MISSING
        sub = _pick(obj[parts[0]], parts[1:])
        return _MISSING if sub is _MISSING else {parts[0]: sub}
    if isinstance(obj, list):
        # Keep one slot per member so that two paths through the same list merge by position.
        picked = [_pick(item, parts) for item in obj]
        return _MISSING if all(p is _MISSING for p in picked) else picked
    return _MISSING


def _merge(a: Any, b: Any) -> Any:
    if a is _MISSING:
        return b
    if b is _MISSING:
        return a
    if isinstance(a, dict) and isinstance(b, dict):
        merged = dict(a)
        for key, value in b.items():
            merged[key] = _merge(merged[key], value) if key in merged else value
        return merged
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [_merge(x, y) for x, y in zip(a, b, strict=True)]
    return a


def _drop_missing(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_missing(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_missing(v) for v in value if v is not _MISSING]
    return value


def cell(value: Any) -> str:
    """One value as a table or CSV cell.

    A reference or a status struct shows its `name`, else its `state`, else its `id`; any
    other struct is written in the shell's own `{a=b,c=d}` option syntax; list members are
    joined with commas; newlines become spaces so that a row stays one line.
    """
    if value is None:
        return ""
    if isinstance(value, dict):
        for key in ("name", "state", "id"):
            if key in value and not isinstance(value[key], (dict, list)):
                return scalar_text(value[key])
        inner = ",".join(
            f"{k}={cell(value[k])}" for k in ordered_keys(value) if not is_empty(value[k])
        )
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return ",".join(cell(v) for v in value if not is_empty(v))
    return scalar_text(value).replace("\r\n", " ").replace("\n", " ")
