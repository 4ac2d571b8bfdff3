"""Permissions as objects: what a new permission must name."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import incomplete
from ..web.routing import Node


@on.before("add", "permission")
def permission_subject(ctx: Context, node: Node, data: dict) -> None:
    if not data.get("user") and not data.get("group"):
        raise incomplete("Permission", "user|group.id")
