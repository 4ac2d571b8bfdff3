"""Statistics of VMs and hosts: a few live-looking values that follow the state."""

from __future__ import annotations

import uuid

from ..core import registry as on
from ..core.context import Context
from ..core.registry import View
from ..core.seed import NAMESPACE
from ..dispatch.rules import RUNNING
from ..web.routing import Node


def statistics_view(ctx: Context, node: Node) -> list[dict]:
    """A few live-looking statistics of a VM or host (values follow the state)."""
    parent = node.parent_entity()
    if parent is None or parent.obj is None:
        return []
    obj = parent.obj
    running = obj.get("status") in RUNNING
    mem = int(obj.get("memory", 0))
    key = parent.type or "vm"
    now = ctx.now()
    stats: list[tuple[str, str, str, str, float]] = [
        ("memory.installed", "Total memory configured", "bytes", "integer", mem),
        ("memory.used", "Memory used (agent)", "bytes", "integer", mem // 3 if running else 0),
        ("cpu.current.guest", "CPU used by guest", "percent", "decimal", 3.0 if running else 0),
        ("cpu.current.hypervisor", "CPU overhead", "percent", "decimal", 0.5 if running else 0),
        ("cpu.current.total", "Total CPU used", "percent", "decimal", 3.5 if running else 0),
        ("elapsed.time", "Elapsed VM runtime", "seconds", "integer",
         max(0, (now - int(obj.get("start_time", now))) // 1000) if running else 0),
    ]
    out = []
    for name, desc, unit, vtype, val in stats:
        out.append({
            "id": str(uuid.uuid5(NAMESPACE, f"statistic:{name}")), "name": name,
            "description": desc, "kind": "gauge", "type": vtype, "unit": unit,
            "values": [{"datum": val}], key: {"id": obj["id"]},
        })
    return out


for _parent in ("vm", "host", "disk", "host_nic", "gluster_brick", "gluster_volume"):
    on.view(_parent, "statistics", View(None, generate=statistics_view))
