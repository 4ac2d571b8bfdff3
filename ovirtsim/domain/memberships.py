"""Memberships: VMs and hosts in affinity groups and labels.

``POST /clusters/c/affinitygroups/g/vms <vm id="…"/>`` adds an existing VM to the group, as
on the engine; it never creates a VM. The group (or label) keeps the references in its own
``vms`` / ``hosts`` list, which is also what it shows inline.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, NotFound, camel, incomplete
from ..core.registry import View
from ..web.routing import Node


def _members(source: str, key: str) -> View:
    def match(ctx: Context, parent: dict, obj: dict) -> bool:
        return any(r.get("id") == obj.get("id") for r in parent.get(key) or [])

    def attach(ctx: Context, node: Node, parent: Node, data: dict) -> dict:
        store = ctx.store
        oid = data.get("id")
        if not oid and data.get("name"):
            found = store.find_by_name(source, str(data["name"]))
            if found is None:
                raise Fault(404, "Operation Failed",
                            f"Entity not found: {camel(node.type or '')}: name={data['name']}")
            oid = found["id"]
        if not oid:
            raise incomplete(camel(node.type or ""), "id|name", "add")
        obj = store.get(source, str(oid))
        if obj is None:
            raise Fault(404, "Operation Failed",
                        f"Entity not found: {camel(node.type or '')}: id={oid}")
        owner = store.get(parent.coll or "", str(parent.id)) or parent.obj or {}
        refs = list(owner.get(key) or [])
        if not any(r.get("id") == oid for r in refs):
            refs.append({"id": oid})
            store.update(parent.coll or "", str(parent.id), **{key: refs})
        return obj

    def detach(ctx: Context, node: Node, parent: Node) -> None:
        if node.obj is None:
            raise NotFound()
        owner = ctx.store.get(parent.coll or "", str(parent.id)) or parent.obj or {}
        refs = [r for r in owner.get(key) or [] if r.get("id") != node.obj.get("id")]
        ctx.store.update(parent.coll or "", str(parent.id), **{key: refs})

    return View(source, match=match, attach=attach, detach=detach)


on.view("affinity_group", "vms", _members("vms", "vms"))
on.view("affinity_group", "hosts", _members("hosts", "hosts"))
on.view("affinity_label", "vms", _members("vms", "vms"))
on.view("affinity_label", "hosts", _members("hosts", "hosts"))
