"""Model-driven conversion between plain data and the engine's XML / JSON representations.

Plain data is what the store holds: dicts keyed by model member names, ints, bools, floats,
enum strings, dates as epoch milliseconds, references as ``{"id": ...}``. Keys the model
does not know (the simulator's private ``_x`` fields included) are never written, nor are
secrets (``Member.secret``): passwords are dropped when a request is read and never rendered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from lxml import etree

from ..core.errors import Fault, camel
from ..core.model import ApiModel, singular

FIRST = ("name", "description", "comment")
SKIP = frozenset(("id", "href", "name", "description", "comment"))

# The engine's XML names where they differ from the type name (the SDK's readers are
# registered under these tags; tests/simulator/test_wire_names.py checks every struct type).
_ELEMENT = {
    "numa_node": "host_numa_node", "virtual_numa_node": "vm_numa_node",
    "operating_system_info": "operating_system", "operating_system": "os",
    "gluster_brick": "brick", "gluster_brick_memory_info": "brick_memoryinfo",
    "gluster_memory_pool": "memory_pool", "gluster_server_hook": "server_hook",
    "migration_options": "migration", "transparent_huge_pages": "transparent_hugepages",
}
_PLURAL = {
    "katello_erratum": "katello_errata", "operating_system_info": "operation_systems",
    "numa_node": "host_numa_nodes", "virtual_numa_node": "vm_numa_nodes",
    "gluster_brick_memory_info": "gluster_brick_memory_infos",
    "migration_options": "migration_optionss", "transparent_huge_pages": "transparent_huge_pagess",
    "se_linux": "se_linuxs", "ssh": "sshs",
}
_KEEP_OPEN_STACK = ("open_stack_provider", "open_stack_volume_type")

_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def esc(text: str) -> str:
    """Escape text for XML content and attributes."""
    return text.translate(_XML_ESCAPE)


def element_name(type_name: str) -> str:
    """The element of one item of a type (its name, with the engine's few exceptions)."""
    if type_name.startswith("open_stack_") and type_name not in _KEEP_OPEN_STACK:
        return "openstack_" + type_name[len("open_stack_"):]
    return _ELEMENT.get(type_name, type_name)


def plural(type_name: str) -> str:
    """The wrapper element of a collection of a type, as the engine (and SDK) spell it."""
    if type_name in _PLURAL:
        return _PLURAL[type_name]
    type_name = element_name(type_name)
    if type_name.endswith("s"):
        return type_name + "s"
    if type_name.endswith("y") and type_name[-2:-1] not in "aeiou":
        return type_name[:-1] + "ies"
    if type_name.endswith(("sh", "ch", "x", "z")):
        return type_name + "es"
    return type_name + "s"


def format_date(ms: int | float) -> str:
    """Epoch ms -> xsd:dateTime in server time with milliseconds and offset."""
    return datetime.fromtimestamp(ms / 1000).astimezone().isoformat(timespec="milliseconds")


def parse_date(text: str) -> int:
    """xsd:dateTime (or epoch ms digits) -> epoch ms."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Fault(400, "Invalid value", f'Value "{text}" isn\'t a valid date') from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc).astimezone()
    return int(dt.timestamp() * 1000)


def parse_bool(text: str) -> bool:
    """Engine boolean input: any case of true/false, or 0/1."""
    low = text.strip().lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise Fault(
        400, "Invalid value",
        f'Value "{text}" isn\'t a valid boolean, it should be "true" , "false", "0" or "1"',
    )


def parse_query_bool(text: str | None) -> bool:
    """Query-parameter booleans also accept t/f/yes/no and empty (= true)."""
    if text is None:
        return False
    low = text.strip().lower()
    if low in ("", "t", "yes", "y"):
        return True
    if low in ("f", "no", "n"):
        return False
    return parse_bool(text)


class Codec:
    """Writes and reads one model's types; ``prefix`` is the API path (with /v4 if asked)."""

    def __init__(self, model: ApiModel, prefix: str) -> None:
        self.model = model
        self.prefix = prefix

    # ----- hrefs -------------------------------------------------------------------------
    def ref_href(self, type_name: str, value: dict) -> str | None:
        """href of a reference: its stored relative path, else its top-level collection."""
        rel = value.get("_href")
        if rel:
            return f"{self.prefix}/{rel}"
        oid = value.get("id")
        seg = self.model.top_collection.get(type_name)
        if oid is None or seg is None:
            return None
        return f"{self.prefix}/{seg}/{oid}"

    # ----- scalar formatting -------------------------------------------------------------
    def _text(self, type_name: str, value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if type_name == "date" and isinstance(value, (int, float)):
            return format_date(value)
        return str(value)

    def _json_scalar(self, type_name: str, value: object) -> object:
        if isinstance(value, bool):
            return "true" if value else "false"
        if type_name == "date":
            return int(value) if isinstance(value, (int, float)) else value
        if isinstance(value, int):
            return str(value)
        return value

    # ----- XML output --------------------------------------------------------------------
    def xml_struct(
        self,
        out: list[str],
        tag: str,
        type_name: str,
        data: dict,
        href: str | None = None,
        actions: Iterable[str] = (),
        links: Iterable[str] = (),
    ) -> None:
        """Append the XML of a struct; ``links``/``actions`` are rel names below ``href``."""
        members = self.model.members(type_name)
        if href is None and "id" in data:
            href = self.ref_href(type_name, data)
        head = "<" + tag
        if href:
            head += f' href="{esc(href)}"'
        if data.get("id") is not None:
            head += f' id="{esc(str(data["id"]))}"'
        body: list[str] = []
        acts = list(actions)
        if acts and href:
            body.append("<actions>")
            body.extend(f'<link href="{esc(href)}/{a}" rel="{a}"/>' for a in acts)
            body.append("</actions>")
        for key in FIRST:
            v = data.get(key)
            if v is not None:
                body.append(f"<{key}>{esc(str(v))}</{key}>")
        if href:
            for rel in links:
                body.append(f'<link href="{esc(href)}/{rel}" rel="{rel}"/>')
        for name, m in members.items():
            if name in SKIP or m.secret:
                continue
            v = data.get(name)
            if v is None:
                continue
            self._xml_value(body, name, m.type, v)
        if body:
            out.append(head + ">")
            out.extend(body)
            out.append(f"</{tag}>")
        else:
            out.append(head + "/>")

    def _xml_value(self, out: list[str], name: str, type_name: str, v: object) -> None:
        if type_name.endswith("[]"):
            base = type_name[:-2]
            if not isinstance(v, list):
                return
            if self.model.kind(base) == "struct":
                item_tag = element_name(base)
                out.append(f"<{name}>")
                for item in v:
                    if isinstance(item, dict):
                        self.xml_struct(out, item_tag, base, item)
                out.append(f"</{name}>")
            else:
                item_tag = singular(name)
                out.append(f"<{name}>")
                for item in v:
                    out.append(f"<{item_tag}>{esc(self._text(base, item))}</{item_tag}>")
                out.append(f"</{name}>")
            return
        if self.model.kind(type_name) == "struct":
            if isinstance(v, dict):
                self.xml_struct(out, name, type_name, v)
            return
        out.append(f"<{name}>{esc(self._text(type_name, v))}</{name}>")

    # ----- JSON output -------------------------------------------------------------------
    def json_struct(
        self,
        type_name: str,
        data: dict,
        href: str | None = None,
        actions: Iterable[str] = (),
        links: Iterable[str] = (),
    ) -> dict:
        """The engine's JSON for a struct (integers and booleans as strings)."""
        members = self.model.members(type_name)
        if href is None and "id" in data:
            href = self.ref_href(type_name, data)
        out: dict = {}
        acts = list(actions)
        if acts and href:
            out["actions"] = {"link": [{"href": f"{href}/{a}", "rel": a} for a in acts]}
        for key in FIRST:
            v = data.get(key)
            if v is not None:
                out[key] = str(v)
        if href:
            lk = [{"href": f"{href}/{rel}", "rel": rel} for rel in links]
            if lk:
                out["link"] = lk
        for name, m in members.items():
            if name in SKIP or m.secret:
                continue
            v = data.get(name)
            if v is None:
                continue
            jv = self._json_value(name, m.type, v)
            if jv is not None:
                out[name] = jv
        if href:
            out["href"] = href
        if data.get("id") is not None:
            out["id"] = str(data["id"])
        return out

    def _json_value(self, name: str, type_name: str, v: object) -> object:
        if type_name.endswith("[]"):
            base = type_name[:-2]
            if not isinstance(v, list):
                return None
            if self.model.kind(base) == "struct":
                items = [self.json_struct(base, i) for i in v if isinstance(i, dict)]
                return {element_name(base): items}
            return {singular(name): [self._json_scalar(base, i) for i in v]}
        if self.model.kind(type_name) == "struct":
            return self.json_struct(type_name, v) if isinstance(v, dict) else None
        return self._json_scalar(type_name, v)

    # ----- input -------------------------------------------------------------------------
    def parse_xml_body(self, body: bytes) -> etree._Element:
        """Parse a request body; malformed XML is the engine's 400 syntax fault."""
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.fromstring(body, parser)
        except (etree.XMLSyntaxError, ValueError):
            raise Fault(400, "Request syntactically incorrect.", None) from None
        depth = {root: 0}
        for node in root.iter():
            if isinstance(node, etree._Entity):  # never expanded, so refused (not truncated)
                raise Fault(400, "Request syntactically incorrect.",
                            f"Unknown entity reference {node.text}")
            d = depth.get(node.getparent(), -1) + 1 if node is not root else 0
            depth[node] = d
            if d > 64:
                raise Fault(400, "Request syntactically incorrect.",
                            "The request is nested deeper than 64 levels.")
        return root

    def from_xml(self, elem: etree._Element, type_name: str) -> dict:
        """An XML element of a struct type -> plain data."""
        members = self.model.members(type_name)
        data: dict = {}
        for attr in ("id", "href"):
            if elem.get(attr) is not None:
                data[attr] = elem.get(attr)
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            m = members.get(child.tag)
            if m is None or m.secret:
                continue
            data[child.tag] = self._from_xml_value(child, m.type)
        return data

    def _from_xml_value(self, child: etree._Element, type_name: str) -> object:
        if type_name.endswith("[]"):
            base = type_name[:-2]
            items = [c for c in child if isinstance(c.tag, str)]
            if self.model.kind(base) == "struct":
                return [self.from_xml(c, base) for c in items]
            return [self.scalar(base, c.text or "") for c in items]
        if self.model.kind(type_name) == "struct":
            return self.from_xml(child, type_name)
        return self.scalar(type_name, child.text or "")

    def scalar(self, type_name: str, text: str) -> object:
        """Convert input text to a typed value, with the engine's 'Invalid value' faults."""
        if type_name == "boolean":
            return parse_bool(text)
        if type_name == "integer":
            try:
                return int(text.strip())
            except ValueError:
                raise Fault(400, "Invalid value", f'Value "{text}" isn\'t a valid integer') from None
        if type_name == "decimal":
            try:
                return float(text.strip())
            except ValueError:
                raise Fault(400, "Invalid value", f'Value "{text}" isn\'t a valid decimal') from None
        if type_name == "date":
            return parse_date(text)
        values = self.model.enum_values.get(type_name)
        if values is not None:
            low = text.strip().lower()
            if low not in values:
                raise Fault(400, "Invalid value", f"{text} is not a member of {camel(type_name)}")
            return low
        return text

    def from_json(self, obj: object, type_name: str) -> dict:
        """A JSON object of a struct type -> plain data (accepts engine and plain shapes)."""
        if not isinstance(obj, dict):
            raise Fault(400, "Request syntactically incorrect.", None)
        members = self.model.members(type_name)
        data: dict = {}
        for attr in ("id", "href"):
            if obj.get(attr) is not None:
                data[attr] = str(obj[attr])
        for key, val in obj.items():
            m = members.get(key)
            if m is None or m.secret or val is None:
                continue
            data[key] = self._from_json_value(key, m.type, val)
        return data

    def _from_json_value(self, name: str, type_name: str, val: object) -> object:
        if type_name.endswith("[]"):
            base = type_name[:-2]
            if isinstance(val, dict):
                key = element_name(base) if self.model.kind(base) == "struct" else singular(name)
                val = val.get(key, next(iter(val.values()), []) if len(val) == 1 else [])
            if not isinstance(val, list):
                val = [val]
            if self.model.kind(base) == "struct":
                return [self.from_json(i, base) for i in val]
            return [self._json_in_scalar(base, i) for i in val]
        if self.model.kind(type_name) == "struct":
            return self.from_json(val, type_name)
        return self._json_in_scalar(type_name, val)

    def _json_in_scalar(self, type_name: str, val: object) -> object:
        if isinstance(val, bool):
            val = "true" if val else "false"
        if type_name == "date" and isinstance(val, (int, float)):
            return int(val)
        return self.scalar(type_name, str(val))


def dumps(obj: object) -> str:
    """Compact JSON as the engine's Jackson writes it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


FieldGetter = Callable[[dict, str], object]
