"""Model-driven routing: URL segments resolved to nodes, and the views that show
objects stored elsewhere (``/datacenters/x/clusters``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .consoles import consoles_view
from .errors import NotFound
from .model import Method, Service
from .stats import statistics_view

if TYPE_CHECKING:
    from .engine import Simulator


@dataclass
class View:
    """A sub-collection that shows objects stored elsewhere (``/datacenters/x/clusters``)."""

    source: str | None
    key: str | None = None
    many: bool = False
    match: Callable[[Simulator, dict, dict], bool] | None = None
    generate: Callable[[Simulator, Node], list[dict]] | None = None


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


def build_views() -> dict[tuple[str, str], View]:
    def dc_of_cluster(sim: Simulator, parent: dict, obj: dict) -> bool:
        return (obj.get("data_center") or {}).get("id") == (parent.get("data_center") or {}).get("id")

    v = {
        ("data_center", "clusters"): View("clusters", "data_center"),
        ("data_center", "networks"): View("networks", "data_center"),
        ("data_center", "storage_domains"): View("storagedomains", "data_centers", many=True),
        ("cluster", "networks"): View("networks", match=dc_of_cluster),
        ("cluster", "cpu_profiles"): View("cpuprofiles", "cluster"),
        ("network", "vnic_profiles"): View("vnicprofiles", "network"),
        ("storage_domain", "disks"): View("disks", "storage_domains", many=True),
        ("storage_domain", "disk_profiles"): View("diskprofiles", "storage_domain"),
        ("vm", "graphics_consoles"): View(None, generate=consoles_view),
    }
    for parent in ("vm", "host", "disk", "nic", "host_nic", "gluster_brick", "gluster_volume"):
        v[(parent, "statistics")] = View(None, generate=statistics_view)
    return v


class Routing:
    """Mixed into ``Simulator``: resolve paths and list the items of collections."""

    def root_node(self: Simulator) -> Node:
        return Node("root", self.model.services[self.model.root], "")

    def step(self: Simulator, node: Node, seg: str, last: bool) -> Node:
        """Resolve one more URL segment below ``node``."""
        svc = node.service
        if node.kind == "action":
            raise NotFound()
        if seg in svc.sub:
            loc, sname = svc.sub[seg]
            child = self.model.services[sname]
            path = f"{node.path}/{seg}" if node.path else seg
            view = self.views.get((svc.name, loc)) if node.kind == "entity" else None
            if view is None and loc == "permissions" and node.kind == "entity":
                key = node.type if node.type in self.model.members("permission") else None
                view = View("permissions", key)
            if view is None and loc == "permissions" and node.kind == "root":
                view = None
            kind = "collection" if (child.item or "list" in child.methods) else "singleton"
            coll = view.source if view else path
            return Node(kind, child, path, coll=coll, type=child.item_type(self.model),
                        parent=node, view=view, loc=loc)
        if last and seg in svc.actions:
            return Node("action", svc, f"{node.path}/{seg}", parent=node, action=svc.actions[seg],
                        coll=node.coll, id=node.id, type=node.type, obj=node.obj)
        if node.kind == "collection" and svc.item:
            obj = self.lookup(node, seg)
            if obj is None:
                raise NotFound()
            item = self.model.services[svc.item]
            return Node("entity", item, f"{node.path}/{seg}", coll=node.coll, id=seg,
                        type=node.type, parent=node, obj=obj, view=node.view, loc=node.loc)
        raise NotFound()

    def resolve(self: Simulator, segments: list[str]) -> Node:
        node = self.root_node()
        for i, seg in enumerate(segments):
            node = self.step(node, seg, i == len(segments) - 1)
        return node

    def lookup(self: Simulator, node: Node, oid: str) -> dict | None:
        """An item of a collection node by id (through views)."""
        if node.view and node.view.generate:
            for item in node.view.generate(self, node):
                if item.get("id") == oid:
                    return item
            return None
        obj = self.store.get(node.coll or "", oid)
        if obj is None:
            return None
        if node.view and not self._in_view(node, obj):
            return None
        return obj

    def _in_view(self: Simulator, node: Node, obj: dict) -> bool:
        view = node.view
        assert view is not None
        parent = node.parent_entity()
        if parent is None or parent.obj is None:
            return True
        if view.match:
            return view.match(self, parent.obj, obj)
        if view.key is None:
            return False
        val = obj.get(view.key)
        if view.many:
            return any(r.get("id") == parent.id for r in (val or []))
        return (val or {}).get("id") == parent.id

    def collection_items(self: Simulator, node: Node) -> list[dict]:
        """Every item of a collection node."""
        if node.view and node.view.generate:
            return node.view.generate(self, node)
        items = self.store.items(node.coll or "")
        if node.view:
            items = [o for o in items if self._in_view(node, o)]
        if node.coll == "events":
            items.sort(key=lambda e: int(e["id"]), reverse=True)
        return items
