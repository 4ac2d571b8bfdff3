"""Model-driven routing: URL segments resolved to nodes, through the registered views
that show objects stored elsewhere (``/datacenters/x/clusters``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.context import Context
from ..core.errors import NotFound
from ..core.model import Method, Service
from ..core.registry import HANDLERS, View


@dataclass
class Node:
    """A resolved URL: root, collection, entity, singleton or action."""

    kind: str
    service: Service
    path: str
    coll: str | None = None
    id: str | None = None
    type: str | None = None
    parent: Node | None = None
    obj: dict | None = None
    view: View | None = None
    loc: str | None = None
    action: Method | None = None

    def ancestor(self, type_name: str) -> Node | None:
        """The nearest enclosing entity of a type."""
        n = self.parent
        while n is not None:
            if n.kind == "entity" and n.type == type_name:
                return n
            n = n.parent
        return None

    def parent_entity(self) -> Node | None:
        """The entity that owns this collection (or this entity's collection)."""
        n = self.parent
        while n is not None and n.kind != "entity":
            n = n.parent
        return n

    def entities(self) -> list[Node]:
        """This node's entities from the innermost outwards (the object, then its owners)."""
        out = []
        n: Node | None = self
        while n is not None:
            if n.kind == "entity":
                out.append(n)
            n = n.parent
        return out


def root_node(ctx: Context) -> Node:
    return Node("root", ctx.model.services[ctx.model.root], "")


def step(ctx: Context, node: Node, seg: str, last: bool) -> Node:
    """Resolve one more URL segment below ``node``."""
    model = ctx.model
    svc = node.service
    if node.kind == "action":
        raise NotFound()
    if seg in svc.sub:
        loc, sname = svc.sub[seg]
        child = model.services[sname]
        path = f"{node.path}/{seg}" if node.path else seg
        view = HANDLERS.views.get((svc.name, loc)) if node.kind == "entity" else None
        if view is None and loc == "permissions" and node.kind == "entity":
            key = node.type if node.type in model.members("permission") else None
            view = View("permissions", key)
        kind = "collection" if (child.item or "list" in child.methods) else "singleton"
        coll = view.source if view and view.source else path
        return Node(kind, child, path, coll=coll, type=child.item_type(model),
                    parent=node, view=view, loc=loc)
    if last and seg in svc.actions:
        return Node("action", svc, f"{node.path}/{seg}", parent=node, action=svc.actions[seg],
                    coll=node.coll, id=node.id, type=node.type, obj=node.obj)
    if node.kind == "collection" and svc.item:
        obj = lookup(ctx, node, seg)
        if obj is None:
            raise NotFound()
        item = model.services[svc.item]
        return Node("entity", item, f"{node.path}/{seg}", coll=node.coll, id=seg,
                    type=node.type, parent=node, obj=obj, view=node.view, loc=node.loc)
    raise NotFound()


def resolve(ctx: Context, segments: list[str]) -> Node:
    """The node of a URL below the API root (404 for anything the model or store lacks)."""
    node = root_node(ctx)
    for i, seg in enumerate(segments):
        node = step(ctx, node, seg, i == len(segments) - 1)
    return node


def entity_node(ctx: Context, coll: str, type_name: str, obj: dict) -> Node:
    """The node of a top-level entity (``vms/{id}``) without resolving a URL."""
    top = step(ctx, root_node(ctx), coll, False)
    item_svc = ctx.model.services[top.service.item or top.service.name]
    return Node("entity", item_svc, f"{coll}/{obj['id']}", coll=coll, id=str(obj["id"]),
                type=type_name, parent=top, obj=obj)


def lookup(ctx: Context, node: Node, oid: str) -> dict | None:
    """An item of a collection node by id (through views)."""
    if node.view and node.view.generate:
        for item in node.view.generate(ctx, node):
            if item.get("id") == oid:
                return item
        return None
    obj = ctx.store.get(node.coll or "", oid)
    if obj is None:
        return None
    if node.view and not in_view(ctx, node, obj):
        return None
    return obj


def in_view(ctx: Context, node: Node, obj: dict) -> bool:
    """Whether a stored object belongs to a view's parent."""
    view = node.view
    assert view is not None
    parent = node.parent_entity()
    if parent is None or parent.obj is None:
        return True
    if view.match:
        return bool(view.match(ctx, parent.obj, obj))
    if view.key is None:
        return False
    val = obj.get(view.key)
    if view.many:
        return any(r.get("id") == parent.id for r in (val or []))
    return (val or {}).get("id") == parent.id


def collection_items(ctx: Context, node: Node) -> list[dict]:
    """Every item of a collection node."""
    if node.view and node.view.generate:
        return node.view.generate(ctx, node)
    items = ctx.store.items(node.coll or "")
    if node.view:
        items = [o for o in items if in_view(ctx, node, o)]
    if node.coll == "events":
        # a dismissed event keeps its row, hidden from listings (the engine's "deleted")
        items = [e for e in items if not e.get("_deleted")]
        items.sort(key=lambda e: int(e["id"]), reverse=True)
    return items
