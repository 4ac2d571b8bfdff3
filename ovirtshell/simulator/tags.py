"""Tags: defaults, and tags assigned to objects (``/vms/x/tags``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Fault, incomplete
from .seed import ZERO

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Tags:
    """Mixed into ``Simulator``: tag hooks."""

    def assign_tag(self: Simulator, node: Node, data: dict) -> dict:
        tag = None
        if data.get("id"):
            tag = self.store.get("tags", data["id"])
        elif data.get("name"):
            tag = self.find_by_name("tags", data["name"])
        else:
            raise incomplete("Tag", "id|name")
        if tag is None:
            raise Fault(404, "Operation Failed",
                        f"Entity not found: Tag: {data.get('id') or data.get('name')}")
        doc = {"id": tag["id"], "name": tag["name"]}
        parent = node.parent_entity()
        if parent is not None and parent.type in self.model.members("tag"):
            doc[parent.type] = {"id": parent.id}
        return self.store.put(node.coll or "", "tag", doc)

    def pre_add_tag(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.setdefault("parent", {"id": ZERO})
