"""Deriving the option specs of a verb × type (× action) from the model (DESIGN §4.3).

Naming: nested attributes join their path with `-`, each segment keeping its underscores
(`--cpu-topology-cores`, `--memory_policy-guaranteed`). A reference to an object that lives in
a collection (a link, or an attribute whose type is a collection's item type) becomes `--x-id`
and `--x-name`; where the body wraps the object (a disk attachment's `disk`: the body's type
is named after it) and wherever the input details name deeper fields (a storage domain's
`storage`), the object's own fields are flattened too (`--disk-provisioned_size` for a new
disk, `--storage-type`). Identified types that live
nowhere (ssh, vlan, version) are embedded like plain structs. A list of structs, attribute or
link (`--custom_properties`, `--storage_domains`, `--permits`), is one repeatable option whose
value is `field=value,...`; a list of primitives or enums takes repeats or commas. Every struct
and struct list also takes JSON in the model's names (`--cpu '{"topology":{"cores":2}}'`), so
any depth can be written.

Not offered in bodies, because the engine computes them: `id` of the object itself, `href`,
`status`, `statistics`, timestamps (`date` attributes, unless the input details name one).
Recursion stops at references below the top, at a type already on the path (cycles) and at
MAX_DEPTH.

The input details (`inputs.py`) rank each option: required (a mandatory group of some
signature), documented (an optional group), or other; and say which groups a request must
satisfy (`OptionSet.requirements`).

Name clashes: the first derived option wins (model options before shell options); a shell
option whose name is taken is offered as `--shell-<name>` (e.g. host `upgrade --timeout` is
the model's, the wait deadline is `--shell-timeout`); the request still files it under its key.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ovirtshell.metadata import inputs
from ovirtshell.metadata.model import Member, Method, Type
from ovirtshell.metadata.options import Need, OptionSet, OptionSpec, Requirement, is_secret
from ovirtshell.metadata.values import is_bytes
from ovirtshell.status import UsageError

if TYPE_CHECKING:
    from ovirtshell.metadata.index import Index, Resource

MAX_DEPTH = 5  # path segments of a flattened attribute
FIELD_DEPTH = 3  # nesting inside one struct list element (`bonding.slaves.name`)
READ_ONLY = frozenset({"href", "status", "statistics"})


_RETRY = ("retry", "integer", "send again while the engine says the object is locked, up to N times")
_CURL = ("curl", "boolean", "print the request as a curl command instead of sending it")

SHELL_OPTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # verb -> (name, kind, help)
    "list": (
        ("query", "string", "engine search query"),
        ("kwargs", "string", 'client-side filter: "field=glob;other-field=glob"'),
        ("sort", "string", "order by these fields, comma-separated; FIELD:desc for descending"),
        ("fields", "string", "the fields to show, comma-separated"),
        ("show-all", "boolean", "show every field of each object"),
    ),
    "show": (("fields", "string", "the fields to show, comma-separated"),),
    "create": (
        ("wait", "boolean", "wait until the object is ready"),
        _RETRY,
        _CURL,
        ("timeout", "integer", "seconds --wait waits at most"),
        ("dry-run", "boolean", "print the request instead of sending it"),
    ),
    "update": (
        ("dry-run", "boolean", "print the request instead of sending it"),
        _RETRY,
        _CURL,
    ),
    "delete": (
        ("yes", "boolean", "do not ask for confirmation"),
        _RETRY,
        _CURL,
        ("wait", "boolean", "wait until the object is gone"),
        ("timeout", "integer", "seconds --wait waits at most"),
        ("dry-run", "boolean", "print the request instead of sending it"),
    ),
    "action": (
        ("wait", "boolean", "wait until the action's job has finished"),
        _RETRY,
        _CURL,
        ("timeout", "integer", "seconds --wait waits at most"),
        ("dry-run", "boolean", "print the request instead of sending it"),
    ),
}
CANONICAL_VERB = {"add": "create", "remove": "delete", "get": "show"}


class _Deriver:
    """Walks the model's types for one command line, collecting specs in help order."""

    def __init__(self, index: Index, resource: Resource, documented: frozenset[str] = frozenset()):
        self.index = index
        self.model = index.model
        self.resource = resource
        self.documented = documented  # dotted input-detail paths (list markers removed)
        self.specs: list[OptionSpec] = []
        self._taken: set[str] = set()

    # -- struct bodies ----------------------------------------------------------------------

    def flatten(self, type_: Type, prefix: tuple[str, ...], stack: tuple[str, ...], skip: frozenset[str] = frozenset()) -> None:
        for member, is_link in _members(type_):
            if member.name in READ_ONLY or member.name in skip:
                continue
            self.member(member, is_link, prefix, stack)

    def member(self, member: Member, is_link: bool, prefix: tuple[str, ...], stack: tuple[str, ...]) -> None:
        mtype = self.model.types.get(member.type)
        path = (*prefix, member.name)
        if mtype is None:
            return
        doc = member.doc
        if mtype.kind == "primitive":
            if mtype.name != "date" or ".".join(path) in self.documented:
                self.add(path, _kind(mtype.name, path), mtype.name, is_list=member.is_list, doc=doc)
        elif mtype.kind == "enum":
            self.add(path, "enum", mtype.name, is_list=member.is_list, values=mtype.values, doc=doc)
        elif member.is_list:
            self.struct_list(path, mtype, doc)
        elif is_link or self.index.is_entity_type(mtype.name):
            self.reference(path, mtype, doc)
            if len(path) < MAX_DEPTH and mtype.name not in stack and (self.wraps(path, mtype) or self.deeper(path)):
                self.flatten(mtype, path, (*stack, mtype.name), skip=frozenset({"id", "name"}))
            self.add(path, "json", mtype.name, doc=doc)
        elif len(path) < MAX_DEPTH and mtype.name not in stack:
            self.flatten(mtype, path, (*stack, mtype.name))
            self.add(path, "json", mtype.name, doc=doc)
        else:
            self.add(path, "json", mtype.name, doc=doc)

    def wraps(self, path: tuple[str, ...], type_: Type) -> bool:
        """An attachment-like body carries its object inline: a disk_attachment's `disk`."""
        root = self.resource.item_type or ""
        return len(path) == 1 and root.startswith(type_.name + "_")

    def deeper(self, path: tuple[str, ...]) -> bool:
        """Whether the input details name a field of this reference beyond its id and name."""
        head = ".".join(path) + "."
        return any(p.startswith(head) and p[len(head):] not in ("id", "name") for p in self.documented)

    def reference(self, path: tuple[str, ...], type_: Type, doc: str | None) -> None:
        forms = ("id", "name") if type_.member("name") is not None else ("id",)
        for form in forms:
            self.add((*path, form), form, "string", doc=doc, pair=forms)

    def struct_list(self, path: tuple[str, ...], element: Type, doc: str | None) -> None:
        """One repeatable option: `field=value,...` per element, or JSON."""
        fields: list[tuple[str, str]] = []
        enums: list[tuple[str, tuple[str, ...]]] = []
        lists: list[str] = []
        self.element_fields(element, (), (element.name,), fields, enums, lists)
        self.add(path, "struct", element.name, is_list=True, fields=tuple(fields), doc=doc,
                 element=element.name, field_values=tuple(enums), lists=tuple(lists),
                 aliases=(f"{'-'.join(path)}-{element.name}",))

    def element_fields(self, type_: Type, prefix: tuple[str, ...], stack: tuple[str, ...],
                       fields: list[tuple[str, str]], enums: list[tuple[str, tuple[str, ...]]],
                       lists: list[str]) -> None:
        entity = self.index.is_entity_type(type_.name)
        for member, is_link in _members(type_):
            mtype = self.model.types.get(member.type)
            if member.name in READ_ONLY or mtype is None:
                continue
            path = (*prefix, member.name)
            name = ".".join(path)
            if member.is_list:
                if len(path) >= FIELD_DEPTH or (is_link and entity):
                    continue  # deeper lists, and an entity's sub-collections: JSON only
                if mtype.kind == "struct":
                    if self.index.is_entity_type(mtype.name):
                        lists.append(name)
                        fields.extend((f"{name}.{f}", "string") for f in ("id", "name") if mtype.member(f) is not None)
                    elif mtype.name not in stack:
                        lists.append(name)
                        self.element_fields(mtype, path, (*stack, mtype.name), fields, enums, lists)
                    continue
                lists.append(name)
            if mtype.kind == "primitive":
                fields.append((name, _kind(mtype.name, path)))
            elif mtype.kind == "enum":
                fields.append((name, mtype.name))
                enums.append((name, mtype.values))
            elif is_link or self.index.is_entity_type(mtype.name):
                fields.append((f"{name}.id", "string"))
                if mtype.member("name") is not None:
                    fields.append((f"{name}.name", "string"))
            elif len(path) < FIELD_DEPTH and mtype.name not in stack:
                self.element_fields(mtype, path, (*stack, mtype.name), fields, enums, lists)

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
        else:  # its own id only where the details name it (adding an existing object by id)
            skip = frozenset() if "id" in self.documented else frozenset({"id"})
            self.flatten(type_, (), (type_.name,), skip=skip)

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
                self.flatten(ptype, (p.name,), (ptype.name,), skip=frozenset({"id"}))  # start --vm-os-...
                self.add((p.name,), "json", ptype.name, doc=p.doc)
            elif ptype.kind == "struct" and not p.is_list and self.index.is_entity_type(ptype.name):
                self.reference((p.name,), ptype, p.doc)  # migrate --host-name
                if self.deeper((p.name,)):
                    self.flatten(ptype, (p.name,), (ptype.name,), skip=frozenset({"id", "name"}))
                self.add((p.name,), "json", ptype.name, doc=p.doc)
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
            element: str = "", field_values: tuple[tuple[str, tuple[str, ...]], ...] = (),
            lists: tuple[str, ...] = ()) -> None:
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
            pair=pair, element=element, field_values=field_values, lists=lists,
            secret=target in ("body", "query") and kind not in ("json", "struct") and is_secret(path[-1]),
        )
        self.specs.append(spec)
        taken.update((spec.name, *spec.aliases))

    def taken(self) -> set[str]:
        return self._taken


def _members(type_: Type) -> list[tuple[Member, bool]]:
    return [(m, False) for m in type_.attributes] + [(m, True) for m in type_.links]


def _kind(primitive: str, path: tuple[str, ...]) -> str:
    return "size" if primitive == "integer" and is_bytes(path) else primitive


def _body(method: Method):
    """add/update take the entity as their one in/out parameter."""
    for p in method.parameters:
        if p.is_in and p.is_out:
            return p
    return None


def _hyphen(name: str) -> str:
    return name.replace("_", "-")


# -- input details ----------------------------------------------------------------------------


def _relative(path: str, body_name: str | None) -> str:
    """An input-detail path relative to the request body: add/update drop the entity's name."""
    if body_name and (path == body_name or path.startswith(body_name + ".") or path.startswith(body_name + "[]")):
        return path[len(body_name):].lstrip(".")
    return path


def _documented(shapes: tuple[inputs.Signature, ...], body_name: str | None) -> frozenset[str]:
    return frozenset(
        _relative(p, body_name).replace("[]", "")
        for shape in shapes
        for group in (*shape.mandatory, *shape.optional)
        for p in group
    )


def need_for(options: OptionSet, path: str) -> Need | None:
    """The option (and struct-list field) that sets a body-relative input-detail path."""
    specs = options.specs
    if "[]" in path:
        head, _, rest = path.partition("[]")
        rest = rest.lstrip(".").replace("[]", "")
        key = tuple(head.split("."))
        for spec in specs:
            if spec.path == key and spec.target in ("body", "query") and spec.is_list:
                if not rest or spec.kind != "struct":
                    return Need(spec.name, "", spec.path, spec.target)
                return Need(spec.name, rest, spec.path, spec.target)
    key = tuple(path.replace("[]", "").split("."))
    for spec in specs:
        if spec.path == key and spec.target in ("body", "query") and spec.kind != "json":
            return Need(spec.name, "", spec.path, spec.target)
    for spec in specs:  # a whole struct: its JSON option
        if spec.path == key and spec.target == "body":
            return Need(spec.name, "", spec.path, spec.target)
    for cut in range(len(key) - 1, 0, -1):  # a deeper field no option spells: the struct's JSON
        for spec in specs:
            if spec.path == key[:cut] and spec.target == "body" and spec.kind in ("json", "struct"):
                return Need(spec.name, ".".join(key[cut:]), spec.path, spec.target)
    return None


def _rank(options: OptionSet, shapes: tuple[inputs.Signature, ...], body_name: str | None) -> OptionSet:
    """Mark required and documented options, and record the groups a request must satisfy."""
    ranks: dict[str, int] = {}
    hints: dict[str, list[str]] = {}
    requirements: list[Requirement] = []
    for shape in shapes:
        groups: list[tuple[Need, ...]] = []
        for level, source in ((0, shape.mandatory), (1, shape.optional)):
            for group in source:
                needs: list[Need] = []
                for raw in group:
                    need = need_for(options, _relative(raw, body_name))
                    if need is None:
                        continue  # a path this engine's model lacks
                    needs.append(need)
                    sibling = _name_sibling(options, need)
                    if sibling is not None and sibling not in needs:
                        needs.append(sibling)  # the shell resolves --x-name to the id itself
                for need in needs:
                    ranks[need.option] = min(ranks.get(need.option, 2), level)
                    if need.field and need.field not in hints.setdefault(need.option, []):
                        hints[need.option].append(need.field)
                if level == 0 and needs:
                    groups.append(tuple(dict.fromkeys(needs)))
        requirements.append(Requirement(shape.name, tuple(groups)))
    for spec in options.specs:  # a reference's two forms rank together
        if spec.pair and spec.target == "body":
            for form in spec.pair:
                other = "-".join((*spec.path[:-1], form))
                if other in ranks:
                    ranks[spec.name] = min(ranks.get(spec.name, 2), ranks[other])
    specs = tuple(
        dataclasses.replace(s, rank=ranks.get(s.name, 2), hints=tuple(hints.get(s.name, ()))) for s in options.specs
    )
    required = tuple(requirements) if any(r.groups for r in requirements) else ()
    return OptionSet(specs, requirements=required, model=options.model)


def _name_sibling(options: OptionSet, need: Need) -> Need | None:
    if need.field or not need.path or need.path[-1] != "id":
        return None
    spec = options.get(need.option)
    if spec is None or "name" not in spec.pair:
        return None
    other = options.get("-".join((*need.path[:-1], "name")))
    return Need(other.name, "", other.path, other.target) if other is not None else None


def _wrapped_inputs(index: Index, resource: Resource, shapes: tuple[inputs.Signature, ...],
                    body_name: str) -> tuple[inputs.Signature, ...]:
    """An attachment-like body documents its wrapped object's own inputs (a new disk's)."""
    root = index.model.types.get(resource.item_type or "")
    for member, _ in _members(root) if root is not None else ():
        mtype = index.model.types.get(member.type)
        if member.is_list or mtype is None or not (resource.item_type or "").startswith(mtype.name + "_"):
            continue
        for name in index.all_names():
            for place in index.resources(name):
                if place.parent is None and place.item_type == mtype.name and place.can_add:
                    add = index.method(place.collection_service, "add")
                    param = _body(add) if add is not None else None
                    if param is not None:
                        others = inputs.signatures(place.collection_service, "add")
                        return inputs.borrowed(shapes, f"{body_name}.{member.name}", others, param.name)
    return shapes


def build_options(index: Index, verb: str, resource: Resource, action: str | None = None) -> OptionSet:
    """The option set of `verb` on `resource` (and `action`), in help order."""
    verb = CANONICAL_VERB.get(verb, verb)
    shapes: tuple[inputs.Signature, ...] = ()
    body_name: str | None = None
    if verb == "action":
        if action is None:
            raise UsageError(f"action {resource.name} needs an action name: {', '.join(resource.actions) or 'none'}")
        method = index.action_method(resource, action)
        shapes = inputs.signatures(resource.entity_service, method.name)
        d = _Deriver(index, resource, _documented(shapes, None))
        d.action_parameters(method)
        if method.parameter("correlation_id") is None:
            d.add(("correlation_id",), "string", "string", target="query", doc="tag the engine's job with this id")
    else:
        service, name = _crud(verb, resource)
        method = index.method(service, name) if service else None
        if method is None:
            raise UsageError(f"cannot {verb} {resource.name} objects")
        if verb in ("create", "update"):
            shapes = inputs.signatures(service, name)
            body = _body(method)
            body_name = body.name if body is not None and not body.is_list else None
            if body_name is not None:
                shapes = _wrapped_inputs(index, resource, shapes, body_name)
        d = _Deriver(index, resource, _documented(shapes, body_name))
        if verb in ("create", "update"):
            d.body_parameter(method)
        d.query_parameters(method, skip=frozenset({"search"}) if verb == "list" else frozenset())
        if verb in ("create", "update", "delete") and method.parameter("correlation_id") is None:
            d.add(("correlation_id",), "string", "string", target="query", doc="tag the engine's job with this id")
    d.parents()
    d.shell(verb)
    options = OptionSet(tuple(d.specs), model=index.model)
    return _rank(options, shapes, body_name) if shapes else options


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
