"""A cluster's upgrade mode (`POST /clusters/{id}/upgrade`): a tool that upgrades the hosts
one by one (Ansible's cluster_upgrade role) marks the cluster while it works, reports its
progress, and ends it; the engine shows `upgrade_in_progress` and the percentage."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..web.routing import Node

ACTIONS = ("start", "update_progress", "finish")


@on.action("cluster", "upgrade")
def upgrade(ctx: Context, node: Node, params: dict) -> dict:
    cluster = ctx.store.get("clusters", str(node.id)) or {}
    action = params.get("upgrade_action")
    if action not in ACTIONS:
        raise Fault(400, "Incomplete parameters",
                    "Action [upgradeAction] required for upgrade" if action is None else
                    f"Invalid value '{action}' for upgrade_action: expected one of "
                    + ", ".join(ACTIONS), True)
    running = bool(cluster.get("upgrade_in_progress"))
    if action == "start":
        if running:
            raise conflict("start the upgrade of", "Cluster", "The Cluster is already being "
                           "upgraded.", True)
        corr = ctx.req.correlation_id if ctx.req is not None else None
        ctx.store.update("clusters", cluster["id"], upgrade_in_progress=True,
                         upgrade_percent_complete=0, upgrade_correlation_id=corr)
        return {}
    if not running:
        raise conflict("update the upgrade of", "Cluster", "The Cluster is not being upgraded.",
                       True)
    if action == "finish":
        ctx.store.update("clusters", cluster["id"], upgrade_in_progress=False,
                         upgrade_percent_complete=None, upgrade_correlation_id=None)
        return {}
    try:
        percent = int(params.get("upgrade_percent_complete"))
    except (TypeError, ValueError):
        raise Fault(400, "Incomplete parameters", "Action [upgradePercentComplete] required "
                    "for upgrade", True) from None
    if not 0 <= percent <= 100:
        raise Fault(400, "Invalid value", "upgrade_percent_complete must be between 0 and 100",
                    True)
    ctx.store.update("clusters", cluster["id"], upgrade_percent_complete=percent)
    return {}
