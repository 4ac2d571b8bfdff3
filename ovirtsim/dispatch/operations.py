"""Generic add / update / remove of stored objects around the registered handlers.

For each operation: the engine's generic rules (required fields, references, unique
names), then the ``before`` handlers of the type, the store change, the ``after``
handlers — all inside one store transaction, so an operation is stored whole or not at all.
"""

from __future__ import annotations

from typing import Any

from ..core.context import Context
from ..core.errors import camel, conflict
from ..core.journal import end_job, start_job
from ..core.registry import HANDLERS
from ..web.routing import Node
from .references import resolve_refs
from .rules import LABEL, UNIQUE, check_required


def add_object(ctx: Context, node: Node, data: dict) -> dict:
    """Validate, complete and store a new object of a collection node."""
    type_name = node.type or ""
    store = ctx.store
    data.pop("href", None)
    parent = node.parent_entity()
    if parent is not None and node.loc in HANDLERS.adders:
        return HANDLERS.adders[node.loc](ctx, node, data)
    if parent is not None and node.view and node.view.attach:
        return node.view.attach(ctx, node, parent, data)
    check_required(type_name, data)
    resolve_refs(ctx, type_name, data)
    if parent is not None and parent.obj is not None:
        if node.view and node.view.key and node.view.source:
            data[node.view.key] = {"id": parent.id}
        elif parent.type in ctx.model.members(type_name):
            data[parent.type] = {"id": parent.id}
    sub_version = type_name == "template" and bool((data.get("version") or {}).get(
        "base_template"))  # template versions share their base's name
    if type_name in UNIQUE and data.get("name") and not sub_version and \
            store.find_by_name(node.coll or "", data["name"]) is not None:
        label = LABEL.get(type_name, camel(type_name))
        raise conflict("add", label, f"The {label} name is already in use, please choose a "
                       "unique name and try again.")
    data["id"] = ctx.new_id()
    for fn in HANDLERS.hooks("before", "add", type_name):
        fn(ctx, node, data)
    store.put(node.coll or "", type_name, data)
    for fn in HANDLERS.hooks("after", "add", type_name):
        fn(ctx, node, data)
    return store.get(node.coll or "", data["id"]) or data


def update_object(ctx: Context, node: Node, data: dict) -> dict:
    """Merge the given fields into an object (PUT sends only what changes)."""
    assert node.obj is not None
    type_name = node.type or ""
    data.pop("id", None)
    data.pop("href", None)
    resolve_refs(ctx, type_name, data)
    old = node.obj
    if data.get("name") and data["name"] != old.get("name") and type_name in UNIQUE:
        other = ctx.store.find_by_name(node.coll or "", data["name"])
        if other is not None and other["id"] != old["id"]:
            label = LABEL.get(type_name, camel(type_name))
            raise conflict("update", label, f"The {label} name is already in use, please "
                           "choose a unique name and try again.")
    for fn in HANDLERS.hooks("before", "update", type_name):
        fn(ctx, node, data)
    new = merge(ctx.model, type_name, old, data)
    ctx.store.put(node.coll or "", type_name, new)
    for fn in HANDLERS.hooks("after", "update", type_name):
        fn(ctx, node, new)
    return new


def remove_object(ctx: Context, node: Node) -> str | None:
    """Delete an object (with the engine's refusals); returns a job id."""
    assert node.obj is not None
    type_name = node.type or ""
    store = ctx.store
    parent = node.parent_entity()
    if parent is not None and node.view and node.view.detach:
        node.view.detach(ctx, node, parent)
        return None
    for fn in HANDLERS.hooks("before", "remove", type_name):
        fn(ctx, node)
    job = start_job(ctx, f"Removing {camel(type_name)} {node.obj.get('name', node.id)}")
    store.delete(node.coll or "", str(node.id))
    for fn in HANDLERS.hooks("after", "remove", type_name):
        fn(ctx, node)
    for p in store.items("permissions"):
        if (p.get(type_name) or {}).get("id") == node.id:
            store.delete("permissions", p["id"])
    end_job(ctx, job)
    return job


def merge_value(old: object, new: object) -> object:
    """Deep-merge plain data: dicts merge, everything else replaces."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for k, v in new.items():
            out[k] = merge_value(out.get(k), v)
        return out
    return new


def merge(model: Any, type_name: str, old: dict, new: dict) -> dict:
    """PUT semantics: only the given fields change; references are replaced, not merged."""
    out = dict(old)
    members = model.members(type_name)
    for k, v in new.items():
        m = members.get(k)
        if m is not None and m.is_link:
            out[k] = v
        else:
            out[k] = merge_value(out.get(k), v)
    return out
