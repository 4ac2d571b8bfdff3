"""Parsing one option value into plain data, typed by the model.

Values are checked client-side (enums against the model, integers, booleans, dates) so a typo
is a SYNTAX_ERROR naming the valid choices instead of an engine fault after a round trip.
"""

from __future__ import annotations

import json
import math
import re
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
_INTEGER = re.compile(r"^[+-]?\d+$")

# Integers that count bytes, by attribute name: only these take size units (2GiB).
BYTE_NAMES = frozenset({"memory", "size", "guaranteed", "available", "used", "committed", "bytes",
                        "max_scheduling_memory"})  # fmt: skip
BYTE_PATHS = frozenset({("memory_policy", "max")})


def is_bytes(path: tuple[str, ...] | list[str]) -> bool:
    """Whether an integer attribute at this path counts bytes (so it takes units)."""
    last = path[-1] if path else ""
    return last in BYTE_NAMES or (last.endswith("_size") and last != "block_size") or tuple(path[-2:]) in BYTE_PATHS


def parse_value(spec: OptionSpec, raw: str | None, model: Any = None) -> Any:
    """One option value as plain data; lists (struct or primitive) always come back as a list.

    Struct and struct-list options also take JSON in the model's names, typed by `model`.
    """
    if raw is None:
        if spec.kind == "boolean" and not spec.is_list:
            return True  # a bare flag
        raise UsageError(f"--{spec.name} needs a value")
    if spec.kind == "json":
        if not raw.strip().startswith("{"):
            raise UsageError(f"--{spec.name} takes a JSON object of {spec.type} attributes "
                             f"('{{\"attribute\": value}}'); its fields also have options of their own "
                             f"(--{spec.name}-ATTRIBUTE, see help)")
        value = _json(spec, raw)
        if not isinstance(value, dict) or not value:
            raise UsageError(f"invalid value for --{spec.name}: expected a JSON object of {spec.type} attributes")
        return from_json(model, spec.type, value, spec.name, spec.path)
    if spec.kind == "struct":
        if looks_json(raw):
            value = _json(spec, raw)
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(item, dict) and item for item in items):
                raise UsageError(f"invalid value for --{spec.name}: expected a JSON object or an array of objects, "
                                 "each with at least one field")
            return [from_json(model, spec.type, item, spec.name, spec.path) for item in items]
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


def looks_json(raw: str) -> bool:
    text = raw.strip()
    return text.startswith("[") or re.match(r'^\{\s*("|\})', text) is not None


def _json(spec: OptionSpec, raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise UsageError(f"invalid JSON for --{spec.name}: {exc}") from None


def from_json(model: Any, type_name: str, value: Any, option: str, path: tuple[str, ...] | list[str] = ()) -> Any:
    """A JSON value checked and typed against the model: attribute names, enums, numbers."""
    type_ = model.types.get(type_name) if model is not None else None
    where = ".".join(path) or option
    if type_ is None:
        return value
    if type_.kind == "struct":
        if not isinstance(value, dict):
            raise UsageError(f"invalid value for --{option}: {where} must be a JSON object ({type_name})")
        out: dict[str, Any] = {}
        for key, item in value.items():
            member = type_.member(key)
            if member is None:
                names = ", ".join(m.name for m in (*type_.attributes, *type_.links))
                raise UsageError(f"unknown attribute {key!r} in --{option} ({type_name} has {names})")
            sub = (*path, key)
            if member.is_list:
                items = item if isinstance(item, list) else [item]
                out[key] = [from_json(model, member.type, element, option, sub) for element in items]
            else:
                out[key] = from_json(model, member.type, item, option, sub)
        return out
    if type_.kind == "enum":
        return _scalar(where, "enum", str(value), type_.values)
    kind = "size" if type_name == "integer" and is_bytes(tuple(path)) else type_name
    if isinstance(value, bool):
        if kind != "boolean":
            raise UsageError(f"invalid value {value!r} for --{option}: {where} is {type_name}")
        return value
    if isinstance(value, (int, float)) and kind in ("integer", "size", "decimal"):
        if kind != "decimal" and not float(value).is_integer():
            raise UsageError(f"invalid value {value!r} for --{option}: {where} is an integer")
        return int(value) if kind != "decimal" else float(value)
    if isinstance(value, (dict, list)):
        raise UsageError(f"invalid value for --{option}: {where} is {type_name}, not a JSON {type(value).__name__}")
    return _scalar(where, kind, str(value))


def parse_struct_list(spec: OptionSpec, raw: str) -> list[dict[str, Any]]:
    """`{name=a,value=b}`, `name=a,value=b` or `custom_property.name=a,...` into elements.

    A field given twice starts a new element (the original's `boot.dev=cdrom,boot.dev=hd`),
    except inside a list within the element, which it extends (`bonding.slaves.name=a,
    bonding.slaves.name=b`).
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
        from_file = field is None and _secret_field(spec, file_form(key) or "") is not None
        if from_file:
            field = _secret_field(spec, file_form(key) or "")
        if field is None:
            raise UsageError(f"unknown field {key!r} in --{spec.name}: expected one of {_field_list(spec)}")
        inner = _inner_list(spec, field)
        if field in seen and inner is None:
            elements.append(current)
            current, seen = {}, set()
        seen.add(field)
        allowed = enums.get(field, ())
        if from_file or is_secret(field.rsplit(".", 1)[-1]):
            parsed = _secret_field_value(spec, field, value.strip(), from_file)
        else:
            parsed = _scalar(f"{spec.name} {field}", _kind(fields[field], allowed), value.strip(), allowed)
        _put(current, field.split("."), parsed, spec.lists)
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


def _secret_field(spec: OptionSpec, key: str) -> str | None:
    field = _field_name(spec, key) if key else None
    return field if field is not None and is_secret(field.rsplit(".", 1)[-1]) else None


def _secret_field_value(spec: OptionSpec, field: str, value: str, from_file: bool) -> str:
    """A password inside a list option: `password-file=FILE` or `password=-`, never literal,
    so that it stays out of argv and history like a secret option of its own."""
    if from_file:
        if not value:
            raise UsageError(f"--{spec.name}: {field}-file needs a file name")
        from ovirtshell.config import read_password_file

        return read_password_file(value)
    if value != "-":
        raise UsageError(f"--{spec.name}: {field} is a secret and is never taken on the command line: "
                         f"use {field}-file=FILE, or {field}=- to be asked for it")
    return ask_secret(f"{spec.name} {field}", f"--{spec.name} {field}=-", f"{field}-file=FILE")


def is_secret(name: str) -> bool:
    """Whether an attribute or parameter holds a password (`password`, `root_password`, ...)."""
    return name == "password" or name.endswith("_password")


def file_form(key: str) -> str | None:
    """`root_password-file` (or `_file`) -> `root_password`; None for any other name."""
    for suffix in ("-file", "_file"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return None


def ask_secret(name: str, asked: str = "", instead: str = "") -> str:
    """Asked for without echo; without a terminal there is nobody to ask. `asked` and
    `instead` spell the asking and the file form (default: `--NAME -`, `--NAME-file FILE`)."""
    import getpass
    import sys

    asked, instead = asked or f"--{name} -", instead or f"--{name}-file FILE"
    if not (sys.stdin and sys.stdin.isatty()):
        raise UsageError(f"{asked} asks on a terminal and there is none: use {instead}")
    try:
        return getpass.getpass(f"{name}: ")
    except EOFError:
        raise UsageError(f"no value given for {asked}") from None


def _field_list(spec: OptionSpec) -> str:
    return ", ".join(name for name, _ in spec.fields) or "none"


def _inner_list(spec: OptionSpec, field: str) -> str | None:
    """The list (a dotted prefix of `field`, or `field` itself) the field lies in, if any."""
    parts = field.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in spec.lists:
            return prefix
    return None


def _kind(type_name: str, allowed: tuple[str, ...]) -> str:
    if type_name in ("string", "integer", "size", "boolean", "decimal", "date"):
        return type_name
    return "enum" if allowed else "string"


def _put(target: Any, path: list[str], value: Any, lists: tuple[str, ...] = ()) -> None:
    """Set a dotted field in an element; a segment that is a list gets (or extends) its items."""
    node: Any = target
    for i, segment in enumerate(path):
        prefix = ".".join(path[: i + 1])
        last = i == len(path) - 1
        if prefix in lists:
            items = node.setdefault(segment, [])
            if last:
                items.append(value)
                return
            rest = path[i + 1]
            if not items or rest in items[-1] and ".".join(path[: i + 2]) not in lists:
                items.append({})
            node = items[-1]
        elif last:
            node[segment] = value
        else:
            node = node.setdefault(segment, {})


def _scalar(option: str, kind: str, raw: str, values: tuple[str, ...] = ()) -> Any:
    text = raw.strip()
    if kind == "boolean":
        low = text.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
        raise UsageError(f"invalid value {raw!r} for --{option}: expected true or false")
    if kind == "size":
        return parse_size(option, text)
    if kind == "integer":
        if not _INTEGER.match(text):
            raise UsageError(f"invalid value {raw!r} for --{option}: expected an integer")
        return int(text)
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
    from fractions import Fraction

    amount = Fraction(digits) * (1024 ** _UNITS[(prefix or "").lower()])
    if amount.denominator != 1:
        raise UsageError(f"invalid value {text!r} for --{option}: not a whole number of bytes")
    return -int(amount) if sign == "-" else int(amount)


def parse_date(option: str, text: str) -> str:
    """ISO 8601, validated and passed through (the engine parses it again)."""
    from datetime import date, datetime

    candidate = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        if "T" in candidate or " " in candidate:
            datetime.fromisoformat(candidate)
        else:
            date.fromisoformat(candidate)
    except ValueError as exc:
        raise UsageError(f"invalid value {text!r} for --{option}: expected an ISO 8601 date (2024-05-01T12:00:00Z)") from exc
    return text
