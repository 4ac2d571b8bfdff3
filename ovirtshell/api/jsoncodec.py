"""The engine's JSON representation → the same plain data as its XML (api/codec.py).

Listings are read as JSON (`Accept: application/json`, which real engines serve) because the
standard library's C scanner reads it about four times faster than lxml builds and walks the
same objects as XML, and a listing's cost is mostly reading. The JSON carries no more types
than the XML: integers and booleans come as strings and lists keep their wrapper
(`"nics": {"nic": [...]}`), so the model types each member here as the XML decoder does.
Dates are the one difference: the engine writes them as epoch milliseconds; both decoders show
them in the client's time zone in the XML's form (`2016-09-08T09:53:35.138+02:00`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from ovirtshell.api.codec import (
    _BOOL,
    _GENERIC,
    _INT,
    _LIST_SCALAR,
    _LIST_STRUCT,
    _STR,
    _STRUCT,
    NAVIGATION,
    _bool,
    _float,
    _int,
    _tables,
    local_time,
)
from ovirtshell.metadata.model import Model


class Decoder:
    """Typed decoding of one model's structs from parsed JSON. It shares the XML decoder's
    tables (member → key, kind, type): JSON keys are the XML's element names."""

    def __init__(self, model: Model):
        self._tables = _tables(model)

    def struct(self, type_name: str, data: Any, only: Iterable[str] | None = None) -> dict[str, Any]:
        """One object as plain data: id and href first, as the XML has them as attributes;
        with `only`, just those top-level members (and id, href)."""
        if data.__class__ is not dict:
            return {}  # as the XML decoder reads text where an object belongs
        table = self._tables.decoder(type_name)
        if table is None:
            value = generic(data)
            return value if isinstance(value, dict) else {"value": value}
        href, ident = data.get("href"), data.get("id")
        out: dict[str, Any] = {"href": generic(href)} if href is not None else {}
        if ident is not None:
            out["id"] = generic(ident)
        if only is None:
            members: Iterable[tuple[str, Any]] = data.items()
        else:
            tags = self._tables.tags
            members = [(k, data[k]) for key in only for k in tags(type_name, key) if k in data]
        get, struct = table.get, self.struct
        for key, value in members:  # the hot loop: the common kinds inline
            entry = get(key)
            if entry is None:
                if key not in NAVIGATION:
                    out[key] = value if value.__class__ is str else generic(value)
                continue
            name, kind, sub = entry
            if value.__class__ is str:
                if kind == _STR:
                    out[name] = value
                    continue
                if kind == _BOOL and value in _BOOLS:
                    out[name] = _BOOLS[value]
                    continue
                if kind == _INT:
                    try:
                        out[name] = int(value)
                    except ValueError:
                        out[name] = value
                    continue
            elif kind == _STRUCT:
                out[name] = struct(sub, value)
                continue
            out[name] = self.member(kind, sub, value)
        return out

    def member(self, kind: int, sub: str | None, value: Any) -> Any:
        """One member's value by its kind and type."""
        if kind == _STRUCT:
            return self.struct(sub, value)  # type: ignore[arg-type]
        if kind == _LIST_STRUCT:
            return [self.struct(sub, item) for item in _items(value)]  # type: ignore[arg-type]
        if kind == _GENERIC:
            return generic(value)
        convert = _CONVERT.get(sub, _text)  # type: ignore[arg-type]
        if kind == _LIST_SCALAR:
            return [convert(item) for item in _items(value)]
        return convert(value)


def _items(value: Any) -> list[Any]:
    """A list's items: the engine wraps them (`{"nic": [...]}`); a bare list is taken as is."""
    if value.__class__ is list:
        return value
    if value.__class__ is not dict:
        return [] if value is None or value == "" else [value]
    items: list[Any] = []
    for key, inner in value.items():
        if key in NAVIGATION:
            continue
        if inner.__class__ is list:
            items.extend(inner)
        else:
            items.append(inner)
    return items


def _scalar(value: Any) -> str | None:
    """What the XML element's text would be."""
    if value is None or value.__class__ is str:
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _text(value: Any) -> str:
    text = _scalar(value)
    return text if text is not None else ""


def _date(value: Any) -> str:
    """Epoch milliseconds as xsd:dateTime in local time (text as the XML decoder reads it)."""
    if value.__class__ is not int:
        return local_time(_text(value))
    try:
        moment = (_EPOCH + timedelta(milliseconds=value)).astimezone()
    except (OverflowError, OSError, ValueError):
        return str(value)
    return moment.isoformat(timespec="milliseconds")


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


_BOOLS = {"true": True, "false": False}

# Scalar type → its conversion (enums and strings: text).
_CONVERT = {
    "date": _date,
    "integer": lambda v: v if v.__class__ is int else _int(_scalar(v)),
    "boolean": lambda v: v if v.__class__ is bool else _bool(_scalar(v)),
    "decimal": lambda v: v if v.__class__ is float else _float(_scalar(v)),
}


def generic(value: Any) -> Any:
    """What the model does not describe, as the XML decoder keeps it: text as str, objects as
    dicts, a wrapper around one repeated key as its list."""
    cls = value.__class__
    if cls is str:
        return value
    if cls is dict:
        members = {k: generic(v) for k, v in value.items() if k not in NAVIGATION}
        if len(members) == 1:
            only = next(iter(members.values()))
            if only.__class__ is list:
                return only
        return members
    if cls is list:
        return [generic(v) for v in value]
    return _text(value)
