"""The engine's API model (model.json) as frozen dataclasses.

Nothing about oVirt types is hard-coded here: every name comes from the document the engine
serves. The dataclasses are immutable so one parsed model can be shared by the completer thread
and the command thread, and pickled into the on-disk cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

PRIMITIVES = frozenset({"boolean", "string", "integer", "date", "decimal"})


@dataclass(frozen=True, slots=True)
class Member:
    """A struct attribute or link, or a method parameter's type reference."""

    name: str
    type: str  # element type, without the "[]" list marker
    is_list: bool = False
    doc: str | None = None
    deprecated: bool = False


@dataclass(frozen=True, slots=True)
class Type:
    name: str
    kind: str  # "primitive" | "enum" | "struct"
    attributes: tuple[Member, ...] = ()
    links: tuple[Member, ...] = ()
    values: tuple[str, ...] = ()  # enum values
    doc: str | None = None

    def member(self, name: str) -> Member | None:
        for m in self.attributes:
            if m.name == name:
                return m
        for m in self.links:
            if m.name == name:
                return m
        return None

    @property
    def is_identified(self) -> bool:
        """Structs with an id are referenced, not embedded, by other objects."""
        return self.kind == "struct" and any(a.name == "id" for a in self.attributes)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str
    is_list: bool = False
    is_in: bool = False
    is_out: bool = False
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    parameters: tuple[Parameter, ...] = ()
    doc: str | None = None

    def parameter(self, name: str) -> Parameter | None:
        for p in self.parameters:
            if p.name == name:
                return p
        return None


@dataclass(frozen=True, slots=True)
class Locator:
    name: str
    service: str
    by_id: bool = False  # an item locator: the URL segment is the object's id


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    methods: tuple[Method, ...] = ()
    locators: tuple[Locator, ...] = ()
    doc: str | None = None

    def method(self, name: str) -> Method | None:
        for m in self.methods:
            if m.name == name:
                return m
        return None


@dataclass(frozen=True, slots=True)
class Model:
    root: str
    types: dict[str, Type] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)

    def path_type(self, type_name: str, parts: Sequence[str]) -> Type | None:
        """The type a field path (`cpu`, `topology`, `cores`) of `type_name` ends at; None when
        a part is not a member of the struct before it."""
        kind = self.types.get(type_name)
        for part in parts:
            member = kind.member(part) if kind is not None and kind.kind == "struct" else None
            if member is None:
                return None
            kind = self.types.get(member.type)
        return kind

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        types = {t["name"]: _type(t) for t in data.get("types", ())}
        services = {s["name"]: _service(s) for s in data.get("services", ())}
        return cls(root=data.get("root", "system"), types=types, services=services)


def _split(type_ref: str) -> tuple[str, bool]:
    if type_ref.endswith("[]"):
        return type_ref[:-2], True
    return type_ref, False


def _deprecated(node: dict[str, Any]) -> bool:
    return any(a.get("name") == "deprecated" for a in node.get("annotations", ()))


def _member(node: dict[str, Any]) -> Member:
    name, is_list = _split(node["type"])
    return Member(node["name"], name, is_list, node.get("doc"), _deprecated(node))


def _type(node: dict[str, Any]) -> Type:
    return Type(
        name=node["name"],
        kind=node.get("kind", "struct"),
        attributes=tuple(_member(a) for a in node.get("attributes", ())),
        links=tuple(_member(a) for a in node.get("links", ())),
        values=tuple(v["name"] for v in node.get("values", ())),
        doc=node.get("doc"),
    )


def _parameter(node: dict[str, Any]) -> Parameter:
    name, is_list = _split(node["type"])
    return Parameter(node["name"], name, is_list, bool(node.get("in")), bool(node.get("out")), node.get("doc"))


def _service(node: dict[str, Any]) -> Service:
    return Service(
        name=node["name"],
        methods=tuple(
            Method(m["name"], tuple(_parameter(p) for p in m.get("parameters", ())), m.get("doc"))
            for m in node.get("methods", ())
        ),
        locators=tuple(
            Locator(loc["name"], loc["service"], bool(loc.get("parameters")))
            for loc in node.get("locators", ())
        ),
        doc=node.get("doc"),
    )
