"""Deriving the option specs of a verb × type (× action) from the model (DESIGN §4.3).

Naming: nested attributes join their path with `-`, each segment keeping its underscores
(`--cpu-topology-cores`, `--memory_policy-guaranteed`). A reference to an object that lives in
a collection (a link, or an attribute whose type is a collection's item type) becomes `--x-id`
and `--x-name` and recursion stops there; identified types that live nowhere (ssh, vlan,
version) are embedded like plain structs. A list of structs is one repeatable option named by
the attribute (`--custom_properties`); a list of primitives or enums takes repeats or commas.

Not offered in bodies, because the engine computes them: `id` of the object itself, `href`,
`status`, `statistics`, timestamps (`date` attributes) and list links (sub-collections).
Recursion stops at references, at a type already on the path (cycles) and at MAX_DEPTH.

Name clashes: the first derived option wins (model options before shell options); a shell
option whose name is taken is offered as `--shell-<name>` (e.g. host `upgrade --timeout` is
the model's, the wait deadline is `--shell-timeout`); the request still files it under its key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ovirtshell.metadata.model import Member, Method, Type
from ovirtshell.metadata.options import OptionSet, OptionSpec
from ovirtshell.status import UsageError

if TYPE_CHECKING:
    from ovirtshell.metadata.index import Index, Resource

MAX_DEPTH = 5  # path segments of a flattened attribute
FIELD_DEPTH = 2  # nesting inside one struct list element (`ip.address`)
READ_ONLY = frozenset({"href", "status", "statistics"})

SHELL_OPTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # verb -> (name, kind, help)
    "list": (
        ("query", "string", "engine search query"),
        ("kwargs", "string", 'client-side filter: "field=glob;other-field=glob"'),
        ("fields", "string", "the fields to show, comma-separated"),
        ("show-all", "boolean", "show every field of each object"),
    ),
    "show": (("fields", "string", "the fields to show, comma-separated"),),
    "create": (
        ("wait", "boolean", "wait until the object is ready"),
        ("timeout", "integer", "seconds --wait waits at most"),
    ),
    "delete": (
        ("yes", "boolean", "do not ask for confirmation"),
        ("wait", "boolean", "wait until the object is gone"),
        ("timeout", "integer", "seconds --wait waits at most"),
    ),
    "action": (
        ("wait", "boolean", "wait until the action's job has finished"),
        ("timeout", "integer", "seconds --wait waits at most"),
    ),
}
CANONICAL_VERB = {"add": "create", "remove": "delete", "get": "show"}


class _Deriver:
    """Walks the model's types for one command line, collecting specs in help order."""

    def __init__(self, index: Index, resource: Resource):
        self.index = index
        self.model = index.model
        self.resource = resource
        self.specs: list[OptionSpec] = []
        self._taken: set[str] = set()

    # -- struct bodies ----------------------------------------------------------------------

    def flatten(self, type_: Type, prefix: tuple[str, ...], stack: tuple[str, ...], skip_id: bool) -> None:
        sub_collections = self.index.is_entity_type(type_.name)
        for member, is_link in _members(type_):
            if member.name in READ_ONLY or (skip_id and member.name == "id"):
                continue
            if is_link and member.is_list and sub_collections:
                continue  # an entity's list links are its sub-collections, not input
            self.member(member, is_link, prefix, stack)

    def member(self, member: Member, is_link: bool, prefix: tuple[str, ...], stack: tuple[str, ...]) -> None:
        mtype = self.model.types.get(member.type)
        path = (*prefix, member.name)
        if mtype is None:
            return
        doc = member.doc
        if mtype.kind == "primitive":
            if mtype.name != "date":
                self.add(path, mtype.name, mtype.name, is_list=member.is_list, doc=doc)
        elif mtype.kind == "enum":
            self.add(path, "enum", mtype.name, is_list=member.is_list, values=mtype.values, doc=doc)
        elif member.is_list:
            self.struct_list(path, mtype, doc, refs_only=is_link)
        elif is_link or self.index.is_entity_type(mtype.name):
            self.reference(path, mtype, doc)
        elif len(path) < MAX_DEPTH and mtype.name not in stack:
            self.flatten(mtype, path, (*stack, mtype.name), skip_id=False)

    def reference(self, path: tuple[str, ...], type_: Type, doc: str | None) -> None:
        forms = ("id", "name") if type_.member("name") is not None else ("id",)
        for form in forms:
            self.add((*path, form), form, "string", doc=doc, pair=forms)

    def struct_list(self, path: tuple[str, ...], element: Type, doc: str | None, refs_only: bool = False) -> None:
        """One repeatable option; references to entities take only their id or name."""
        fields: list[tuple[str, str]] = []
        enums: list[tuple[str, tuple[str, ...]]] = []
        if refs_only:
            fields = [(f, "string") for f in ("id", "name") if element.member(f) is not None]
        else:
            depth = 1 if self.index.is_entity_type(element.name) else FIELD_DEPTH
            self.element_fields(element, (), (element.name,), fields, enums, depth)
        if fields:
            self.add(path, "struct", element.name, is_list=True, fields=tuple(fields), doc=doc,
                     element=element.name, field_values=tuple(enums),
                     aliases=(f"{'-'.join(path)}-{element.name}",))

    def element_fields(self, type_: Type, prefix: tuple[str, ...], stack: tuple[str, ...],
                       fields: list[tuple[str, str]], enums: list[tuple[str, tuple[str, ...]]],
                       depth: int = FIELD_DEPTH) -> None:
        for member, is_link in _members(type_):
            mtype = self.model.types.get(member.type)
            if member.name in READ_ONLY or member.is_list or mtype is None:
                continue
            name = ".".join((*prefix, member.name))
            if mtype.kind == "primitive":
                fields.append((name, mtype.name))
            elif mtype.kind == "enum":
                fields.append((name, mtype.name))
                enums.append((name, mtype.values))
            elif is_link or self.index.is_entity_type(mtype.name):
                fields.append((f"{name}.id", "string"))
                if mtype.member("name") is not None:
                    fields.append((f"{name}.name", "string"))
            elif len(prefix) + 1 < depth and mtype.name not in stack:
                self.element_fields(mtype, (*prefix, member.name), (*stack, mtype.name), fields, enums, depth)

    # -- method parameters ------------------------------------------------------------------

    def body_parameter(self, method: Method) -> None:
        """The entity of add/update: its attributes are the options."""
        body = _body(method)
        if body is None:
            return
        type_ = self.model.types.get(body.type)
        if type_ is None or type_.kind != "struct":
            return
        if body.is_list:  # e.g. gluster bricks: the body is {"<param>": [elements]}
            self.struct_list((body.name,), type_, body.doc)
        else:
            self.flatten(type_, (), (type_.name,), skip_id=True)

    def query_parameters(self, method: Method, skip: frozenset[str] = frozenset()) -> None:
        body = _body(method)
        for p in method.parameters:
            if not p.is_in or p is body or p.name in skip:
                continue
            ptype = self.model.types.get(p.type)
            if ptype is None or ptype.kind == "struct":
                continue  # no CRUD method in the model takes a struct outside its body
            kind = "enum" if ptype.kind == "enum" else ptype.name
            aliases = (_hyphen(p.name),) if _hyphen(p.name) != p.name else ()
            self.add((p.name,), kind, ptype.name, target="query", is_list=p.is_list,
                     values=ptype.values, doc=p.doc, aliases=aliases)

    def action_parameters(self, method: Method) -> None:
        for p in method.parameters:
            if not p.is_in:
                continue
            ptype = self.model.types.get(p.type)
            member = Member(p.name, p.type, p.is_list, p.doc)
            if ptype is None:
                continue
            own = ptype.name == self.resource.item_type
            if ptype.kind == "struct" and not p.is_list and own:
                self.flatten(ptype, (p.name,), (ptype.name,), skip_id=True)  # start --vm-os-...
            elif ptype.kind == "struct" and not p.is_list and self.index.is_entity_type(ptype.name):
                self.reference((p.name,), ptype, p.doc)  # migrate --host-name
            elif ptype.kind == "struct" and p.is_list:
                self.struct_list((p.name,), ptype, p.doc)  # setup_networks --modified_bonds {...}
            else:
                self.member(member, False, (), ())

    def parents(self) -> None:
        for ptype in self.resource.parents:
            forms = ("name", "identifier")
            self.add(("parent", ptype, "name"), "name", "string", target="parent",
                     name=f"parent-{ptype}-name", pair=forms, group="parent",
                     doc=f"the parent {ptype}, by name")
            self.add(("parent", ptype, "id"), "id", "string", target="parent",
                     name=f"parent-{ptype}-identifier", pair=forms, group="parent",
                     aliases=(f"{ptype}-identifier", f"parent-{ptype}-id"),
                     doc=f"the parent {ptype}, by id")

    def shell(self, verb: str) -> None:
        for name, kind, doc in SHELL_OPTIONS.get(verb, ()):
            shown = f"shell-{name}" if name in self.taken() else name
            self.add((name,), kind, kind, target="shell", name=shown, doc=doc, group="shell")

    # -- collecting -------------------------------------------------------------------------

    def add(self, path: tuple[str, ...], kind: str, type_: str, *, target: str = "body",
            name: str | None = None, is_list: bool = False, values: tuple[str, ...] = (),
            fields: tuple[tuple[str, str], ...] = (), doc: str | None = None,
            pair: tuple[str, ...] = (), group: str | None = None, aliases: tuple[str, ...] = (),
            element: str = "", field_values: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
        name = name or "-".join(path)
        taken = self.taken()
        if name in taken:
            return  # first derived wins: deterministic, and the model's comes first
        if target == "parent":
            path = path[1:]
        spec = OptionSpec(
            name=name, kind=kind, type=type_, target=target, path=path, is_list=is_list,
            values=values if kind == "enum" else (), fields=fields, doc=doc,
            group=group if group is not None else (path[0] if target == "body" else target),
            aliases=tuple(dict.fromkeys(a for a in aliases if a not in taken and a != name)),
            pair=pair, element=element, field_values=field_values,
        )
        self.specs.append(spec)
        taken.update((spec.name, *spec.aliases))

    def taken(self) -> set[str]:
        return self._taken


def _members(type_: Type) -> list[tuple[Member, bool]]:
    return [(m, False) for m in type_.attributes] + [(m, True) for m in type_.links]


def _body(method: Method):
    """add/update take the entity as their one in/out parameter."""
    for p in method.parameters:
        if p.is_in and p.is_out:
            return p
    return None


def _hyphen(name: str) -> str:
    return name.replace("_", "-")


def build_options(index: Index, verb: str, resource: Resource, action: str | None = None) -> OptionSet:
    """The option set of `verb` on `resource` (and `action`), in help order."""
    verb = CANONICAL_VERB.get(verb, verb)
    d = _Deriver(index, resource)
    if verb == "action":
        if action is None:
            raise UsageError(f"action {resource.name} needs an action name: {', '.join(resource.actions) or 'none'}")
        method = index.action_method(resource, action)
        d.action_parameters(method)
        if method.parameter("correlation_id") is None:
            d.add(("correlation_id",), "string", "string", target="query", doc="tag the engine's job with this id")
    else:
        service, name = _crud(verb, resource)
        method = index.method(service, name) if service else None
        if method is None:
            raise UsageError(f"cannot {verb} {resource.name} objects")
        if verb in ("create", "update"):
            d.body_parameter(method)
        d.query_parameters(method, skip=frozenset({"search"}) if verb == "list" else frozenset())
        if verb in ("create", "update", "delete") and method.parameter("correlation_id") is None:
            d.add(("correlation_id",), "string", "string", target="query", doc="tag the engine's job with this id")
    d.parents()
    d.shell(verb)
    return OptionSet(tuple(d.specs))


def _crud(verb: str, resource: Resource) -> tuple[str | None, str]:
    if verb == "list":
        return resource.collection_service, "list"
    if verb == "create":
        return resource.collection_service, "add"
    if verb == "show":
        return resource.entity_service, "get"
    if verb == "update":
        return resource.entity_service, "update"
    if verb == "delete":
        return resource.entity_service, "remove"
    raise UsageError(f"unknown verb {verb!r}")
