"""Model-aware XML ⇄ plain data (the shape described in docs/architecture.md, "Plain data").

The engine's XML carries no type information, so the model tells us that `<memory>` is an
integer and `<devices>` a list. Per-type lookup tables (element tag → key, kind, element type)
are built once per model and type, because decoding a 10,000-VM collection walks millions of
elements and a per-element scan of the model's members would dominate the time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from lxml import etree

from ovirtshell.api.errors import CommunicationError
from ovirtshell.metadata.model import Model
from ovirtshell.status import UsageError

# Kinds of a member, as small ints so that the hot loop compares cheaply.
_STR, _INT, _BOOL, _FLOAT, _STRUCT, _LIST_STRUCT, _LIST_SCALAR, _GENERIC, _DATE = range(9)
_SCALAR_KIND = {"string": _STR, "date": _DATE, "integer": _INT, "boolean": _BOOL, "decimal": _FLOAT}

#: Elements (and JSON keys) that are navigation, not data: unfollowed links and actions are
#: dropped (architecture.md), by every decoder.
NAVIGATION = frozenset({"link", "actions"})

# Where the engine's list wrapper or item tag differs from "attribute name" / "type name".
# (struct type, member) -> (wrapper tag, item tag)
_LIST_TAG_EXCEPTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("host", "numa_nodes"): ("host_numa_nodes", "host_numa_node"),
}

Element = Any  # an lxml (or ElementTree) element; kept loose so both work
XmlInput = Any  # bytes or str of a document, or an already parsed element

_PARSER = etree.XMLParser(
    remove_comments=True, remove_pis=True, resolve_entities=False, no_network=True, huge_tree=True
)


class CodecError(CommunicationError, ValueError):
    """The engine sent something that is not well-formed XML: a malformed response (status 5)."""


# ---------------------------------------------------------------------------------------------
# Per-model tables


class _Tables:
    """Decode and encode tables for one model, built lazily per struct type."""

    __slots__ = ("model", "decoders", "encoders", "member_tags")

    def __init__(self, model: Model):
        self.model = model
        # type name -> {tag: (key, kind, element type or None)}
        self.decoders: dict[str, dict[str, tuple[str, int, str | None]]] = {}
        # type name -> {key: (kind, element type, wrapper tag, item tag)}
        self.encoders: dict[str, dict[str, tuple[int, str | None, str, str]]] = {}
        # (type name, key) -> the element tags that decode to that key
        self.member_tags: dict[tuple[str, str], tuple[str, ...]] = {}

    def _kind(self, type_name: str, is_list: bool) -> int:
        t = self.model.types.get(type_name)
        if t is None:
            return _GENERIC
        if t.kind == "struct":
            return _LIST_STRUCT if is_list else _STRUCT
        base = _SCALAR_KIND.get(type_name, _STR)  # enums are strings
        return _LIST_SCALAR if is_list else base

    def decoder(self, type_name: str) -> dict[str, tuple[str, int, str | None]] | None:
        table = self.decoders.get(type_name)
        if table is None:
            t = self.model.types.get(type_name)
            if t is None or t.kind != "struct":
                return None
            table = {}
            for m in (*t.attributes, *t.links):
                kind = self._kind(m.type, m.is_list)
                entry = (m.name, kind, m.type)
                table[m.name] = entry
                exception = _LIST_TAG_EXCEPTIONS.get((type_name, m.name))
                if exception:
                    table[exception[0]] = entry
            self.decoders[type_name] = table
        return table

    def tags(self, type_name: str, key: str) -> tuple[str, ...]:
        """The tags whose element decodes to `key` (the key itself for what the model lacks)."""
        tags = self.member_tags.get((type_name, key))
        if tags is None:
            table = self.decoder(type_name) or {}
            tags = tuple(tag for tag, entry in table.items() if entry[0] == key) or (key,)
            self.member_tags[(type_name, key)] = tags
        return tags

    def encoder(self, type_name: str) -> dict[str, tuple[int, str | None, str, str]] | None:
        table = self.encoders.get(type_name)
        if table is None:
            t = self.model.types.get(type_name)
            if t is None or t.kind != "struct":
                return None
            table = {}
            for m in (*t.attributes, *t.links):
                kind = self._kind(m.type, m.is_list)
                if kind == _LIST_STRUCT:
                    wrapper, item = m.name, m.type
                else:
                    wrapper, item = m.name, singular(m.name)
                wrapper, item = _LIST_TAG_EXCEPTIONS.get((type_name, m.name), (wrapper, item))
                table[m.name] = (kind, m.type, wrapper, item)
            self.encoders[type_name] = table
        return table


_CACHE: dict[int, _Tables] = {}
_CACHE_SIZE = 4


def _tables(model: Model) -> _Tables:
    """The tables for this model object; a few models are kept (models are frozen and shared)."""
    tables = _CACHE.get(id(model))
    if tables is None or tables.model is not model:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        tables = _CACHE[id(model)] = _Tables(model)
    return tables


def singular(name: str) -> str:
    """The item tag of a list of primitives/enums: the singular of the attribute name."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


# ---------------------------------------------------------------------------------------------
# Decoding


def parse_document(xml: XmlInput) -> Element:
    """The root element of an engine document, parsed safely: no entity expansion beyond
    libxml2's amplification guard, no network, no DTD loading. Anything else is a CodecError."""
    if isinstance(xml, (bytes, bytearray, str)):
        if isinstance(xml, str):
            xml = xml.encode("utf-8")
        if not xml.strip():
            raise CodecError("malformed response: an empty document where XML was expected")
        try:
            root = etree.fromstring(bytes(xml), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise CodecError(f"malformed response: not well-formed XML ({exc})") from None
        if root is None:
            raise CodecError("malformed response: an XML document without a root element")
        return root
    return xml


_root = parse_document


def _guarded(decoder):
    """Decoding recurses per level: a document nested thousands deep is malformed, not a bug."""
    import functools

    @functools.wraps(decoder)
    def decode_safely(*args: Any) -> Any:
        try:
            return decoder(*args)
        except RecursionError:
            raise CodecError("malformed response: the XML document is nested too deeply") from None

    return decode_safely


def _int(text: str | None) -> int | str | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text  # keep what the engine said rather than lose it


def _float(text: str | None) -> float | str | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _bool(text: str | None) -> bool | str | None:
    if text is None:
        return None
    if text == "true":
        return True
    if text == "false":
        return False
    low = text.strip().lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    return text


def local_time(text: str | None) -> str:
    """An xsd:dateTime shown in the client's time zone: the same instant, and the same form
    whether the engine wrote it in its own zone (XML) or as epoch milliseconds (JSON), so that
    `show` and `list` agree. What does not parse, or names no zone, is kept as sent."""
    if not text:
        return text or ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return text
    return moment.astimezone().isoformat(timespec="milliseconds")


def _scalar_decoder(type_name: str | None) -> Any:
    kind = _SCALAR_KIND.get(type_name or "", _STR)
    if kind == _DATE:
        return local_time
    if kind == _INT:
        return _int
    if kind == _BOOL:
        return _bool
    if kind == _FLOAT:
        return _float
    return _text


def _text(text: str | None) -> str:
    return text if text is not None else ""


def _decode_struct(tables: _Tables, type_name: str, el: Element) -> dict[str, Any]:
    table = tables.decoder(type_name)
    if table is None:
        value = _generic(el)
        return value if isinstance(value, dict) else {"value": value}
    out: dict[str, Any] = dict(el.items())
    for c in el:
        tag = c.tag
        entry = table.get(tag)
        if entry is None:
            if tag in NAVIGATION or not isinstance(tag, str):
                continue
            out[tag] = _generic(c)
            continue
        key, kind, sub = entry
        if kind == _STR:
            text = c.text
            out[key] = text if text is not None else ""
        elif kind == _STRUCT:
            out[key] = _decode_struct(tables, sub, c)  # type: ignore[arg-type]
        elif kind == _INT:
            out[key] = _int(c.text)
        elif kind == _BOOL:
            out[key] = _bool(c.text)
        elif kind == _LIST_STRUCT:
            out[key] = [_decode_struct(tables, sub, i) for i in c if isinstance(i.tag, str)]  # type: ignore[arg-type]
        elif kind == _LIST_SCALAR:
            conv = _scalar_decoder(sub)
            out[key] = [conv(i.text) for i in c if isinstance(i.tag, str)]
        elif kind == _DATE:
            out[key] = local_time(c.text)
        elif kind == _FLOAT:
            out[key] = _float(c.text)
        else:
            out[key] = _generic(c)
    return out


def _generic(el: Element) -> Any:
    """An element the model does not describe: text → str, children → dict (or list), kept."""
    children = [c for c in el if isinstance(c.tag, str) and c.tag not in NAVIGATION]
    attrs = dict(el.items()) if len(el.attrib) else {}
    text = el.text
    if not children:
        if attrs:
            if text is not None and text.strip():
                attrs["value"] = text
            return attrs
        return text if text is not None else ""
    tags = {c.tag for c in children}
    if not attrs and len(tags) == 1:
        only = next(iter(tags))
        if len(children) > 1 or singular(el.tag) == only:
            return [_generic(c) for c in children]
    out: dict[str, Any] = attrs
    repeated: set[str] = set()
    for c in children:
        value = _generic(c)
        tag = c.tag
        if tag in repeated:
            out[tag].append(value)
        elif tag in out:
            out[tag] = [out[tag], value]
            repeated.add(tag)
        else:
            out[tag] = value
    return out


@_guarded
def decode(model: Model, type_name: str, xml: XmlInput) -> dict[str, Any]:
    """One object (the document's root element) as plain data, typed by `type_name`."""
    tables = _tables(model)
    return _decode_struct(tables, type_name, _root(xml))


@_guarded
def decode_element(
    model: Model, type_name: str, el: Element, keys: frozenset[str] | None = None
) -> dict[str, Any]:
    """One parsed element as plain data; with `keys`, only those top-level members (and the
    attributes) are decoded, so the element's other children are never visited."""
    tables = _tables(model)
    table = tables.decoder(type_name)
    if keys is None or table is None:
        return _decode_struct(tables, type_name, el)
    out: dict[str, Any] = dict(el.items())
    for key in keys:
        for tag in tables.tags(type_name, key):
            for c in el.iterchildren(tag):  # the last one wins, as in a whole decode
                entry = table.get(tag)
                if entry is not None:
                    out[key] = _member(tables, entry, c)
                elif tag not in NAVIGATION:
                    out[key] = _generic(c)
    return out


def _member(tables: _Tables, entry: tuple[str, int, str | None], c: Element) -> Any:
    """One child's value by its member kind (the loop in `_decode_struct`, for one child)."""
    _, kind, sub = entry
    if kind == _STRUCT:
        return _decode_struct(tables, sub, c)  # type: ignore[arg-type]
    if kind == _LIST_STRUCT:
        return [_decode_struct(tables, sub, i) for i in c if isinstance(i.tag, str)]  # type: ignore[arg-type]
    if kind == _LIST_SCALAR:
        conv = _scalar_decoder(sub)
        return [conv(i.text) for i in c if isinstance(i.tag, str)]
    if kind == _GENERIC:
        return _generic(c)
    return _scalar_decoder(sub)(c.text)


@_guarded
def decode_list(model: Model, type_name: str, xml: XmlInput) -> list[dict[str, Any]]:
    """A collection document (`<vms><vm>…</vm></vms>`) as a list of plain objects."""
    tables = _tables(model)
    root = _root(xml)
    if root.tag == type_name and tables.decoder(type_name) is not None:
        # A single object where a collection was expected: still a list of one.
        return [_decode_struct(tables, type_name, root)]
    # The result is millions of small acyclic dicts and strings; the cyclic collector would
    # rescan the growing heap again and again (close to half the time for 10,000 VMs).
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return [
            _decode_struct(tables, type_name, c)
            for c in root
            if isinstance(c.tag, str) and c.tag not in NAVIGATION
        ]
    finally:
        if paused:
            gc.enable()


@_guarded
def decode_action(model: Model, xml: XmlInput) -> dict[str, Any]:
    """An `<action>` reply (status, fault, job and outputs such as ticket) as plain data."""
    root = _root(xml)
    if "action" in model.types:
        return _decode_struct(_tables(model), "action", root)
    value = _generic(root)
    return value if isinstance(value, dict) else {"value": value}


def decode_fault(xml: XmlInput) -> tuple[str | None, str | None]:
    """(reason, detail) from a bare `<fault>` or an `<action><fault>`; (None, None) if neither."""
    try:
        root = _root(xml)
    except CodecError:
        return None, None
    if root.tag == "fault":
        fault = root
    elif root.tag == "action":
        fault = root.find("fault")
        if fault is None:
            return None, None
    else:
        return None, None
    return fault.findtext("reason"), fault.findtext("detail")


# ---------------------------------------------------------------------------------------------
# Encoding


def _scalar_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _encode_struct(tables: _Tables, type_name: str, data: dict[str, Any], el: Element) -> None:
    table = tables.encoder(type_name)
    if table is None:
        _encode_generic_children(data, el)
        return
    sub_element = etree.SubElement
    for key, value in data.items():
        if value is None:
            continue
        if key in ("id", "href") and not isinstance(value, (dict, list)):
            el.set(key, _scalar_text(value))
            continue
        entry = table.get(key)
        if entry is None:
            _encode_generic(el, key, value)
            continue
        kind, sub, wrapper, item = entry
        if kind == _STRUCT:
            child = sub_element(el, key)
            if isinstance(value, dict):
                _encode_struct(tables, sub, value, child)  # type: ignore[arg-type]
            else:
                child.text = _scalar_text(value)
        elif kind == _LIST_STRUCT:
            parent = sub_element(el, wrapper)
            for v in _as_list(value):
                child = sub_element(parent, item)
                if isinstance(v, dict):
                    _encode_struct(tables, sub, v, child)  # type: ignore[arg-type]
                else:
                    child.text = _scalar_text(v)
        elif kind == _LIST_SCALAR:
            parent = sub_element(el, wrapper)
            for v in _as_list(value):
                sub_element(parent, item).text = _scalar_text(v)
        elif kind == _GENERIC:
            _encode_generic(el, key, value)
        else:
            sub_element(el, key).text = _scalar_text(value)


def _as_list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, (list, tuple)) else [value]


def _encode_generic_children(data: dict[str, Any], el: Element) -> None:
    for key, value in data.items():
        if value is None:
            continue
        if key in ("id", "href") and not isinstance(value, (dict, list)):
            el.set(key, _scalar_text(value))
        else:
            _encode_generic(el, key, value)


def _encode_generic(parent: Element, key: str, value: Any) -> None:
    """A key the model does not know: dicts nest, lists get a wrapper and singular items."""
    if isinstance(value, dict):
        _encode_generic_children(value, etree.SubElement(parent, key))
    elif isinstance(value, (list, tuple)):
        wrapper = etree.SubElement(parent, key)
        for v in value:
            _encode_generic(wrapper, singular(key), v)
    else:
        etree.SubElement(parent, key).text = _scalar_text(value)


def encode(model: Model, type_name: str, data: dict[str, Any], tag: str | None = None) -> bytes:
    """Plain data → an XML request body whose root is `tag` (default: the type name)."""
    try:
        root = etree.Element(tag or type_name)
        _encode_struct(_tables(model), type_name, data, root)
    except ValueError as exc:  # lxml: "All strings must be XML compatible", a bad tag name
        raise UsageError(f"a value cannot be sent to the engine: {exc}") from None
    return etree.tostring(root, encoding="utf-8")
