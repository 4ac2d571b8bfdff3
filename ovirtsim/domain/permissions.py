"""Permissions and users as objects: what a permission must name, what may not go."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict, incomplete
from ..core.seed import sid
from ..web.routing import Node

ADMIN = sid("user", "admin")
ADMIN_PERMISSION = sid("permission", "admin-system")


@on.before("add", "permission")
def permission_subject(ctx: Context, node: Node, data: dict) -> None:
    if not data.get("user") and not data.get("group"):
        raise incomplete("Permission", "user|group.id")


@on.before("remove", "permission")
def permission_removable(ctx: Context, node: Node) -> None:
    if node.id == ADMIN_PERMISSION:
        raise conflict("remove", "Permission", "The administrator's system permission cannot "
                       "be removed.")


@on.before("remove", "user")
def user_removable(ctx: Context, node: Node) -> None:
    # the engine's own rule; removing admin@internal would lock everyone out for good
    if ctx.req is not None and ctx.req.user.get("id") == node.id:
        raise conflict("remove", "User", "User is currently logged in.")
    if node.id == ADMIN:
        raise conflict("remove", "User", "The built-in admin user cannot be removed.")
