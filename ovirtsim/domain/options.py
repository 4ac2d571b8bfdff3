"""Engine options (``/options/{name}``): ``?version=4.7`` narrows the values to that
cluster level, as the engine's SystemOptionService does."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..web.routing import Node


@on.extra("system_option")
def values_of_version(ctx: Context, coll_node: Node, obj: dict) -> dict | None:
    version = ctx.req.query.get("version") if ctx.req is not None else None
    if not version:
        return None
    return {"values": [v for v in obj.get("values") or [] if v.get("version") == version]}
