"""The authorization gate: every operation of the dispatch path asks here first.

Who may see and change what: administrators, per-object permissions, ``Filter: true``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.context import Context
from ..core.errors import Fault, NotFound
from ..core.seed import SUPERUSER, ZERO
from ..core.store import Store
from ..web.routing import Node

FILTERED = frozenset(
    "vms templates hosts clusters datacenters storagedomains disks networks vnicprofiles "
    "vmpools".split()
)
READS = frozenset({"list", "get"})


def is_admin(store: Store, user: dict) -> bool:
    """Whether the user holds an administrative role at system level."""
    for p in store.items("permissions"):
        if (p.get("user") or {}).get("id") == user.get("id") and p["role"]["id"] == SUPERUSER:
            return True
    return False


def visible_ids(store: Store, user: dict) -> set[str] | None:
    """Object ids a user has permissions on, or None when it may see everything."""
    ids: set[str] = set()
    for p in store.items("permissions"):
        if (p.get("user") or {}).get("id") != user.get("id"):
            continue
        objs = [p.get(k) for k in ("vm", "cluster", "data_center", "host", "storage_domain",
                                   "template", "vm_pool", "disk")]
        objs = [o for o in objs if o]
        if not objs:
            return None
        ids.update(o["id"] for o in objs)
    ids.add(ZERO)
    return ids


def visible(obj: dict, ids: set[str] | None) -> bool:
    if ids is None:
        return True
    if obj.get("id") in ids:
        return True
    return any((obj.get(key) or {}).get("id") in ids for key in ("cluster", "data_center"))


def filtered(ctx: Context, node: Node) -> bool:
    """Whether a listing of this collection node shows only what the user may see."""
    assert ctx.req is not None
    top = node.path.split("/", 1)[0]
    return ctx.req.filter and node.path == top and top in FILTERED


def readable(ctx: Context, coll_node: Node) -> Callable[[dict], bool]:
    """A predicate over the items of a collection node: which ones the user may read."""
    if not filtered(ctx, coll_node):
        return lambda obj: True
    assert ctx.req is not None
    ids = visible_ids(ctx.store, ctx.req.user)
    return lambda obj: visible(obj, ids)


def authorize(ctx: Context, node: Node, operation: str) -> None:
    """Refuse an operation the request's user may not perform on the node (403/404)."""
    assert ctx.req is not None
    user = ctx.req.user
    if operation in READS:
        if operation == "get" and node.parent is not None and node.obj is not None \
                and not readable(ctx, node.parent)(node.obj):
            raise NotFound()
        return
    if operation == "action":
        return
    if is_admin(ctx.store, user):
        return
    ids = visible_ids(ctx.store, user)
    if ids is None:
        return
    if any(n.id in ids for n in node.entities()):
        return
    raise Fault(403, "Operation Failed", "[User is not authorized to perform this action.]")
