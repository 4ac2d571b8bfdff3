"""Tags: defaults, and tags assigned to objects (``/vms/x/tags``)."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, incomplete
from ..core.seed import ZERO
from ..web.routing import Node


@on.add_into("tags")
def assign_tag(ctx: Context, node: Node, data: dict) -> dict:
    """POST /vms/x/tags assigns an existing tag (by id or name) to the object."""
    store = ctx.store
    if data.get("id"):
        tag = store.get("tags", data["id"])
    elif data.get("name"):
        tag = store.find_by_name("tags", data["name"])
    else:
        raise incomplete("Tag", "id|name")
    if tag is None:
        raise Fault(404, "Operation Failed",
                    f"Entity not found: Tag: {data.get('id') or data.get('name')}")
    doc = {"id": tag["id"], "name": tag["name"]}
    parent = node.parent_entity()
    if parent is not None and parent.type in ctx.model.members("tag"):
        doc[parent.type] = {"id": parent.id}
    return store.put(node.coll or "", "tag", doc)


@on.before("add", "tag")
def tag_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("parent", {"id": ZERO})
