"""Parsing one option value into plain data, typed by the model.

Values are checked client-side (enums against the model, integers, booleans, dates) so a typo
is a SYNTAX_ERROR naming the valid choices instead of an engine fault after a round trip.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ovirtshell.status import UsageError

if TYPE_CHECKING:
    from ovirtshell.metadata.options import OptionSpec

TRUE = frozenset({"true", "yes", "y", "on", "1"})
FALSE = frozenset({"false", "no", "n", "off", "0"})

# Size units are binary whatever their spelling: oVirt's own UI writes "MB" for MiB.
_UNITS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5, "e": 6}
#: Longer integers are refused (Python's own int/str conversion limit is 4300 digits).
MAX_DIGITS = 4000
_SIZE = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmgtpe])(?:i?b)?|(b))?$", re.IGNORECASE)


def parse_value(spec: OptionSpec, raw: str | None) -> Any:
    """One option value as plain data; lists (struct or primitive) always come back as a list."""
    if raw is None:
        if spec.kind == "boolean" and not spec.is_list:
            return True  # a bare flag
        raise UsageError(f"--{spec.name} needs a value")
    if spec.kind == "struct":
        return parse_struct_list(spec, raw)
    if spec.is_list:
        return [_scalar(spec.name, spec.kind, item, spec.values) for item in split_escaped(raw, ",") if item.strip()]
    return _scalar(spec.name, spec.kind, raw, spec.values)


def split_escaped(text: str, sep: str) -> list[str]:
    r"""Split on `sep`, where a backslash escapes the next character (`a\,b` stays one item)."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, "\\"))
        elif ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_struct_list(spec: OptionSpec, raw: str) -> list[dict[str, Any]]:
    """`{name=a,value=b}`, `name=a,value=b` or `custom_property.name=a,...` into elements.

    A field given twice starts a new element (the original's `boot.dev=cdrom,boot.dev=hd`).
    """
    text = raw.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    fields = dict(spec.fields)
    enums = dict(spec.field_values)
    elements: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    seen: set[str] = set()
    for part in split_escaped(text, ","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"invalid value {part!r} for --{spec.name}: expected field=value ({_field_list(spec)})")
        field = _field_name(spec, key)
        if field is None:
            raise UsageError(f"unknown field {key!r} in --{spec.name}: expected one of {_field_list(spec)}")
        if field in seen:
            elements.append(current)
            current, seen = {}, set()
        seen.add(field)
        allowed = enums.get(field, ())
        parsed = _scalar(f"{spec.name} {field}", _kind(fields[field], allowed), value.strip(), allowed)
        _put(current, field.split("."), parsed)
    if current:
        elements.append(current)
    if not elements:
        raise UsageError(f"--{spec.name} needs at least one field: {_field_list(spec)}")
    return elements


def _field_name(spec: OptionSpec, key: str) -> str | None:
    names = {name for name, _ in spec.fields}
    if key in names:
        return key
    head, _, rest = key.partition(".")
    if rest in names and head in (spec.element, spec.path[-1] if spec.path else ""):
        return rest
    return None


def _field_list(spec: OptionSpec) -> str:
    return ", ".join(name for name, _ in spec.fields) or "none"


def _kind(type_name: str, allowed: tuple[str, ...]) -> str:
    if type_name in ("string", "integer", "boolean", "decimal", "date"):
        return type_name
    return "enum" if allowed else "string"


def _put(target: dict[str, Any], path: list[str], value: Any) -> None:
    for segment in path[:-1]:
        target = target.setdefault(segment, {})
    target[path[-1]] = value


def _scalar(option: str, kind: str, raw: str, values: tuple[str, ...] = ()) -> Any:
    text = raw.strip()
    if kind == "boolean":
        low = text.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        raise UsageError(f"invalid value {raw!r} for --{option}: expected true or false")
    if kind == "integer":
        return parse_size(option, text)
    if kind == "decimal":
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise UsageError(f"invalid value {raw!r} for --{option}: expected a decimal number")
        return number
    if kind == "date":
        return parse_date(option, text)
    if kind == "enum":
        for value in values:
            if value.lower() == text.lower():
                return value
        raise UsageError(f"invalid value {raw!r} for --{option}: expected one of {', '.join(values)}")
    return raw  # string, id, name: exactly as given


def parse_size(option: str, text: str) -> int:
    """An integer, optionally with a binary size unit: 2GiB, 512M, 1.5G, 1024KB (bytes)."""
    match = _SIZE.match(text)
    if match is None:
        raise UsageError(f"invalid value {text!r} for --{option}: expected an integer (sizes may use units: 2GiB, 512MiB)")
    sign, digits, prefix, plain_b = match.groups()
    if prefix is None and plain_b is None and "." in digits:
        raise UsageError(f"invalid value {text!r} for --{option}: expected an integer")
    if len(digits) > MAX_DIGITS:
        raise UsageError(f"invalid value for --{option}: an integer of {len(digits)} digits (at most {MAX_DIGITS})")
    # Exact arithmetic: a Decimal would round anything past 28 digits without a word.
    amount = Fraction(digits) * (1024 ** _UNITS[(prefix or "").lower()])
    if amount.denominator != 1:
        raise UsageError(f"invalid value {text!r} for --{option}: not a whole number of bytes")
    return -int(amount) if sign == "-" else int(amount)


def parse_date(option: str, text: str) -> str:
    """ISO 8601, validated and passed through (the engine parses it again)."""
    candidate = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        if "T" in candidate or " " in candidate:
            datetime.fromisoformat(candidate)
        else:
            date.fromisoformat(candidate)
    except ValueError as exc:
        raise UsageError(f"invalid value {text!r} for --{option}: expected an ISO 8601 date (2024-05-01T12:00:00Z)") from exc
    return text
