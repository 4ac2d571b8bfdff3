"""Generic add / update / remove of stored objects, with the per-type hooks.

Hooks are found by name (``pre_add_vm``, ``post_remove_host``, ``act_vm_start``): a type
without hooks gets plain storage, an action without a handler a 501 fault.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import camel, conflict
from .rules import LABEL, UNIQUE, check_required

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Crud:
    """Mixed into ``Simulator``: validate, complete, store and delete objects."""

    def add_object(self: Simulator, req: Request, node: Node, data: dict) -> dict:
        """Validate, complete and store a new object of a collection node."""
        type_name = node.type or ""
        data.pop("href", None)
        parent = node.parent_entity()
        if node.loc == "tags" and parent is not None:
            return self.assign_tag(node, data)
        if parent is not None and node.view and node.view.many and node.view.source:
            return self.attach_related(req, node, parent, data)
        check_required(type_name, data)
        self.resolve_refs(type_name, data)
        if parent is not None and parent.obj is not None:
            if node.view and node.view.key and node.view.source:
                data[node.view.key] = {"id": parent.id}
            elif parent.type in self.model.members(type_name):
                data[parent.type] = {"id": parent.id}
        if type_name in UNIQUE and data.get("name") and \
                self.find_by_name(node.coll or "", data["name"]) is not None:
            label = LABEL.get(type_name, camel(type_name))
            raise conflict("add", label, f"The {label} name is already in use, please choose a "
                           "unique name and try again.")
        data["id"] = self.new_id()
        pre: Callable | None = getattr(self, f"pre_add_{type_name}", None)
        if pre is not None:
            pre(req, node, data)
        self.store.put(node.coll or "", type_name, data)
        post: Callable | None = getattr(self, f"post_add_{type_name}", None)
        if post is not None:
            post(req, node, data)
        return self.store.get(node.coll or "", data["id"]) or data

    def update_object(self: Simulator, req: Request, node: Node, data: dict) -> dict:
        """Merge the given fields into an object (PUT sends only what changes)."""
        assert node.obj is not None
        type_name = node.type or ""
        data.pop("id", None)
        data.pop("href", None)
        self.resolve_refs(type_name, data)
        old = node.obj
        if data.get("name") and data["name"] != old.get("name") and type_name in UNIQUE:
            other = self.find_by_name(node.coll or "", data["name"])
            if other is not None and other["id"] != old["id"]:
                label = LABEL.get(type_name, camel(type_name))
                raise conflict("update", label, f"The {label} name is already in use, please "
                               "choose a unique name and try again.")
        pre: Callable | None = getattr(self, f"pre_update_{type_name}", None)
        if pre is not None:
            pre(req, node, data)
        new = merge(self.model, type_name, old, data)
        self.store.put(node.coll or "", type_name, new)
        if type_name == "vm":
            self.event(35, "normal", f"VM {new.get('name')} configuration was updated by "
                       f"{self.user_label(req)}.", req, vm=new["id"])
        return new

    def remove_object(self: Simulator, req: Request, node: Node) -> str | None:
        """Delete an object (with the engine's refusals); returns a job id."""
        assert node.obj is not None
        type_name = node.type or ""
        parent = node.parent_entity()
        if parent is not None and node.view and node.view.many and node.view.source:
            self.detach_related(node, parent)
            return None
        pre: Callable | None = getattr(self, f"pre_remove_{type_name}", None)
        if pre is not None:
            pre(req, node)
        job = self.start_job(req, f"Removing {camel(type_name)} {node.obj.get('name', node.id)}")
        self.store.delete(node.coll or "", str(node.id))
        post: Callable | None = getattr(self, f"post_remove_{type_name}", None)
        if post is not None:
            post(req, node)
        for p in self.store.items("permissions"):
            if any((p.get(k) or {}).get("id") == node.id for k in (type_name,)):
                self.store.delete("permissions", p["id"])
        self.end_job(job)
        return job

    def action_handler(self: Simulator, node: Node) -> Callable | None:
        """The simulated implementation of an action, or None (the app answers 501)."""
        assert node.action is not None
        return getattr(self, f"act_{node.service.name}_{node.action.name}", None)


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
