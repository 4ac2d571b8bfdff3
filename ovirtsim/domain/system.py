"""The system service's actions."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..web.routing import Node


@on.action("system", "reload_configurations")
def reload_configurations(ctx: Context, node: Node, params: dict) -> dict:
    return {}
