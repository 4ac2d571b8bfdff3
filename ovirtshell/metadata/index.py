"""The resource tree of an engine's API model: command-line type names, parents, verbs and actions.

Everything is derived from the model's services and locators (nothing about oVirt types is
hard-coded), so a newer engine with new collections or actions works without a new shell.
An `Index` is built once per model, never changes afterwards, and is pickled into the cache.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovirtshell.metadata.model import Method, Model, Parameter, Service
from ovirtshell.status import UsageError

if TYPE_CHECKING:
    from ovirtshell.metadata.options import OptionSet

CRUD = frozenset({"add", "get", "list", "update", "remove"})
MAX_DEPTH = 5  # collection nesting levels below the root (the model's deepest useful path is 4)

# Command verbs and the capability each needs; the SDK-style names are accepted too.
VERBS = {
    "list": "can_list",
    "show": "can_get",
    "get": "can_get",
    "create": "can_add",
    "add": "can_add",
    "update": "can_update",
    "delete": "can_remove",
    "remove": "can_remove",
}


@dataclass(frozen=True)
class Resource:
    """One place a type lives: a collection (or a single object) below a parent."""

    name: str  # command-line type name: "vm", "diskattachment"
    plural: str  # "vms", "diskattachments"
    segment: str  # URL segment: the locator name without underscores
    parent: Resource | None
    collection_service: str
    entity_service: str | None  # None: the collection's members cannot be addressed one by one
    item_type: str | None
    can_list: bool = False
    can_get: bool = False
    can_add: bool = False
    can_update: bool = False
    can_remove: bool = False
    searchable: bool = False
    actions: tuple[str, ...] = ()  # model action names (with underscores), signatures merged away
    singleton: bool = False  # a single object at the segment itself: no id in its URL

    @property
    def parents(self) -> tuple[str, ...]:
        """Parent type names, outermost first."""
        chain: list[str] = []
        node = self.parent
        while node is not None:
            chain.append(node.name)
            node = node.parent
        return tuple(reversed(chain))

    def collection_template(self) -> str:
        """The collection's URL below the API root, parents as placeholders: "/vms/{vm}/nics"."""
        base = self.parent.path_template() if self.parent else ""
        return f"{base}/{self.segment}"

    def path_template(self) -> str:
        """One object's URL below the API root: "/vms/{vm}/nics/{nic}"."""
        if self.singleton or self.entity_service is None:
            return self.collection_template()
        return f"{self.collection_template()}/{{{self.name}}}"


def _norm(word: str) -> str:
    return word.lower().replace("_", "").replace("-", "")


def _key(p: Parameter) -> tuple[str, str, bool]:
    return (p.name, p.type, p.is_list)


def _plural_of(word: str, hint: str) -> bool:
    """Whether `hint` is a singular form of `word` (vms/vm, policies/policy, errata/erratum)."""
    return len(os.path.commonprefix([word, hint])) >= max(2, len(hint) - 2)


def singular(plural: str, hints: Sequence[str], item_locator: str | None = None) -> str:
    """The singular of a collection locator name, guided by the model's own singular names.

    The last word is replaced by a hint's last word when they match (`vnic_profiles` with the
    item locator `profile` gives `vnic_profile`); otherwise English rules apply, and a word
    they cannot handle takes the item locator's word (`people` with `person`).
    """
    words = plural.split("_")
    last = words[-1]
    for hint in hints:
        word = hint.split("_")[-1] if hint else ""
        if word and _plural_of(last, word):
            return "_".join([*words[:-1], word])
    if last.endswith("ies") and len(last) > 3:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "xes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    elif item_locator:
        last = item_locator.split("_")[-1]
    return "_".join([*words[:-1], last])


def _covers(sig: Method, base: Method, model: Model) -> bool:
    """A signature repeats its base's inputs (plus its own) and returns the same outputs."""
    s_in = {_key(p) for p in sig.parameters if p.is_in}
    b_in = {_key(p) for p in base.parameters if p.is_in}
    s_out = {_key(p) for p in sig.parameters if p.is_out}
    b_out = {_key(p) for p in base.parameters if p.is_out}
    if s_out != b_out or not b_in <= s_in:
        return False
    return any((t := model.types.get(k[1])) is not None and t.kind == "struct" for k in b_in)


def merge_signatures(service: Service, model: Model) -> tuple[dict[str, Method], frozenset[str]]:
    """The service's real methods with signature parameters merged in, and the signature names.

    A signature is a run of non-CRUD methods right before its base whose inputs include all of
    the base's (sharing a struct parameter). To tell it from two look-alike actions (template
    disk copy/export), the run must be at least two long unless the base takes its body as an
    in/out parameter (add, update).
    """
    methods = service.methods
    owner: dict[int, int] = {}
    for j, base in enumerate(methods):
        if base.name in ("get", "list", "remove") or j in owner:
            continue
        run = []
        i = j - 1
        while i >= 0 and methods[i].name not in CRUD and i not in owner and _covers(methods[i], base, model):
            run.append(i)
            i -= 1
        has_body = any(p.is_in and p.is_out for p in base.parameters)
        if run and (len(run) >= 2 or has_body):
            for i in run:
                owner[i] = j
    merged: dict[str, Method] = {}
    for j, base in enumerate(methods):
        if j in owner or base.name in merged:
            continue
        params = list(base.parameters)
        seen = {p.name for p in params}
        for i in sorted(i for i, o in owner.items() if o == j):
            for p in methods[i].parameters:
                if p.name not in seen:
                    seen.add(p.name)
                    params.append(p)
        merged[base.name] = Method(base.name, tuple(params), base.doc)
    signatures = frozenset(methods[i].name for i in owner) - frozenset(merged)
    return merged, signatures


class Index:
    """Type names, resources, verbs and actions of one model; immutable once built."""

    def __init__(self, model: Model):
        methods: dict[str, dict[str, Method]] = {}
        signatures: dict[str, frozenset[str]] = {}
        for name, service in model.services.items():
            methods[name], signatures[name] = merge_signatures(service, model)
        entity_types = {
            p.type
            for service in methods.values()
            for m in service.values()
            if m.name in ("get", "list")
            for p in m.parameters
            if p.is_out
        }
        attrs: dict[str, Any] = {
            "model": model,
            "_methods": methods,
            "_signatures": signatures,
            "_entity_types": frozenset(t for t in entity_types if t in model.types),
        }
        for key, value in attrs.items():
            object.__setattr__(self, key, value)
        resources = self._walk()
        by_name: dict[str, list[Resource]] = {}
        plurals: dict[str, str] = {}
        for r in resources:
            by_name.setdefault(r.name, []).append(r)
            plurals.setdefault(r.plural, r.name)
        object.__setattr__(self, "_resources", {k: tuple(v) for k, v in by_name.items()})
        object.__setattr__(self, "_plurals", plurals)
        object.__setattr__(self, "_option_cache", {})

    model: Model
    _methods: dict[str, dict[str, Method]]
    _signatures: dict[str, frozenset[str]]
    _entity_types: frozenset[str]
    _resources: dict[str, tuple[Resource, ...]]
    _plurals: dict[str, str]
    _option_cache: dict[tuple[Any, ...], OptionSet]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("an Index is immutable")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_option_cache", None)  # derived on demand; not worth the cache file's space
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__["_option_cache"] = {}

    # -- building -------------------------------------------------------------------------

    def _walk(self) -> list[Resource]:
        """Breadth-first from the root, so each type's shortest (top-level) places come first."""
        found: list[Resource] = []
        queue: list[tuple[str, Resource | None, tuple[str, ...]]] = [(self.model.root, None, (self.model.root,))]
        while queue:
            container, parent, chain = queue.pop(0)
            service = self.model.services.get(container)
            if service is None:
                continue
            for locator in service.locators:
                if locator.by_id:
                    continue
                resource = self._resource(locator.name, locator.service, parent)
                if resource is None:
                    continue
                found.append(resource)
                entity = resource.entity_service
                if entity and entity not in chain and len(chain) <= MAX_DEPTH:
                    queue.append((entity, resource, (*chain, entity)))
        return found

    def _resource(self, locator: str, service_name: str, parent: Resource | None) -> Resource | None:
        collection = self.model.services.get(service_name)
        if collection is None:
            return None
        methods = self._methods[service_name]
        item = next((loc for loc in collection.locators if loc.by_id), None)
        singleton = item is None and "get" in methods and "list" not in methods
        entity = item.service if item else (service_name if singleton else None)
        entity_methods = self._methods.get(entity, {}) if entity else {}
        item_type = self._item_type(methods, entity_methods)
        hints = [item.name] if item else []
        if item_type:
            hints.append(item_type)
        name = singular(locator, hints, item.name if item else None).replace("_", "")
        list_method = methods.get("list")
        resource = Resource(
            name=name,
            plural=locator.replace("_", ""),
            segment=locator.replace("_", ""),
            parent=parent,
            collection_service=service_name,
            entity_service=entity,
            item_type=item_type,
            can_list="list" in methods,
            can_get="get" in entity_methods,
            can_add="add" in methods,
            can_update="update" in entity_methods,
            can_remove="remove" in entity_methods,
            searchable=bool(list_method and list_method.parameter("search")),
            actions=tuple(n for n in entity_methods if n not in CRUD) if entity else (),
            singleton=singleton,
        )
        flags = (resource.can_list, resource.can_get, resource.can_add, resource.can_update, resource.can_remove)
        return resource if any(flags) or resource.actions else None

    def _item_type(self, methods: dict[str, Method], entity_methods: dict[str, Method]) -> str | None:
        for method, want_out in ((methods.get("list"), True), (entity_methods.get("get"), True), (methods.get("add"), False)):
            if method is None:
                continue
            for p in method.parameters:
                if (p.is_out if want_out else p.is_in) and p.type in self.model.types:
                    if want_out or self.model.types[p.type].kind == "struct":
                        return p.type
        return None

    # -- queries --------------------------------------------------------------------------

    def method(self, service: str, name: str) -> Method | None:
        """A service's method with its signatures' parameters merged in (None for a signature)."""
        return self._methods.get(service, {}).get(name)

    def signatures(self, service: str) -> frozenset[str]:
        """The service's signature methods: merged into their base, never actions or URLs."""
        return self._signatures.get(service, frozenset())

    def is_entity_type(self, type_name: str) -> bool:
        """Whether objects of this type live in a collection (so they are referenced, not embedded)."""
        return type_name in self._entity_types

    def type_names(self, verb: str) -> list[str]:
        """Type names valid for a verb in some context, sorted."""
        if verb == "action":
            return sorted(n for n, rs in self._resources.items() if any(r.actions for r in rs))
        flag = VERBS.get(verb)
        if flag is None:
            raise UsageError(f"unknown verb {verb!r}")
        return sorted(n for n, rs in self._resources.items() if any(getattr(r, flag) for r in rs))

    def all_names(self) -> list[str]:
        return sorted(self._resources)

    def plural(self, name: str) -> str:
        rs = self._resources.get(name)
        return rs[0].plural if rs else name

    def resolve(self, word: str) -> str | None:
        """Singular or plural (underscores and hyphens ignored) to the type name."""
        key = _norm(word)
        if key in self._resources:
            return key
        return self._plurals.get(key)

    def resources(self, name: str) -> list[Resource]:
        return list(self._resources.get(self.resolve(name) or name, ()))

    def resource(self, name: str, parents: Sequence[str] = ()) -> Resource:
        """The place of a type matching the parent types given (in any order)."""
        candidates = self.resources(name)
        if not candidates:
            raise UsageError(f"unknown type {name!r}")
        name = candidates[0].name
        given = [self.resolve(p) or _norm(p) for p in parents]
        if not given:
            for r in candidates:
                if r.parent is None:
                    return r
            raise UsageError(f"{name} needs a parent: {_parent_choices(candidates)}")
        wanted = set(given)
        for r in candidates:
            if set(r.parents) == wanted:
                return r
        for r in candidates:
            if wanted <= set(r.parents):
                return r
        listed = ", ".join(sorted(wanted))
        raise UsageError(f"{name} has no parent {listed}: use {_parent_choices(candidates)}")

    def actions(self, name: str, parents: Sequence[str] = ()) -> list[str]:
        return list(self.resource(name, parents).actions)

    def action_method(self, resource: Resource, action_word: str) -> Method:
        """The merged method of an action; "cancel_migration" and "cancelmigration" both work."""
        key = _norm(action_word)
        for action in resource.actions:
            if _norm(action) == key:
                method = self.method(resource.entity_service or "", action)
                if method is not None:
                    return method
        import difflib

        close = difflib.get_close_matches(action_word, list(resource.actions), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        listed = ", ".join(resource.actions) or "none"
        raise UsageError(f"unknown action {action_word!r} for {resource.name}{hint}; actions: {listed}")

    def options(self, verb: str, name: str, parents: Sequence[str] = (), action: str | None = None) -> OptionSet:
        """The options of a command line (memoised: the index never changes)."""
        from ovirtshell.metadata.derive import build_options

        resource = self.resource(name, parents)
        key = (verb, resource.collection_template(), action and _norm(action))
        cached = self._option_cache.get(key)
        if cached is None:
            cached = build_options(self, verb, resource, action)
            self._option_cache[key] = cached
        return cached


def _parent_choices(candidates: Sequence[Resource], limit: int = 6) -> str:
    chains: list[tuple[str, ...]] = []
    for r in candidates:
        if r.parents and r.parents not in chains:
            chains.append(r.parents)
    chains.sort(key=len)
    shown = [" ".join(f"--parent-{p}-name|identifier" for p in chain) for chain in chains[:limit]]
    more = " ..." if len(chains) > limit else ""
    return " or ".join(shown) + more
