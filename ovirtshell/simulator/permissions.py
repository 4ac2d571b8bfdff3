"""Who may see and change what: admins, per-object permissions, ``Filter: true``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import incomplete
from .seed import SUPERUSER, ZERO

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


FILTERED = frozenset(
    "vms templates hosts clusters datacenters storagedomains disks networks vnicprofiles "
    "vmpools".split()
)


class Permissions:
    """Mixed into ``Simulator``: permission checks and filtered visibility."""

    def is_admin(self: Simulator, user: dict) -> bool:
        for p in self.store.items("permissions"):
            if (p.get("user") or {}).get("id") == user.get("id") and p["role"]["id"] == SUPERUSER:
                return True
        return False

    def visible_ids(self: Simulator, user: dict) -> set[str] | None:
        """Object ids a user has permissions on, or None when it may see everything."""
        ids: set[str] = set()
        for p in self.store.items("permissions"):
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

    def visible(self: Simulator, node: Node, obj: dict, ids: set[str] | None) -> bool:
        if ids is None:
            return True
        if obj.get("id") in ids:
            return True
        for key in ("cluster", "data_center"):
            if (obj.get(key) or {}).get("id") in ids:
                return True
        return False

    def filtered(self: Simulator, req: Request, node: Node) -> bool:
        top = node.path.split("/", 1)[0]
        return req.filter and node.path == top and top in FILTERED

    def user_may_write(self: Simulator, req: Request, node: Node) -> bool:
        """Non-admin users may only act on objects they hold permissions on."""
        ids = self.visible_ids(req.user)
        if ids is None:
            return True
        n: Node | None = node
        while n is not None:
            if n.kind == "entity" and n.id in ids:
                return True
            n = n.parent
        return False

    def pre_add_permission(self: Simulator, req: Request, node: Node, data: dict) -> None:
        if not data.get("user") and not data.get("group"):
            raise incomplete("Permission", "user|group.id")
