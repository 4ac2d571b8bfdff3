"""Instance types: a VM created with one takes its hardware (memory, CPUs, HA), unless the
request gives those fields itself; ``vms.vm_defaults`` applies it before the template."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault
from ..web.routing import Node

HARDWARE = ("memory", "memory_policy", "cpu", "high_availability", "io", "display",
            "migration", "usb", "soundcard_enabled", "console", "virtio_scsi",
            "cpu_shares")


def find_instance_type(ctx: Context, ref: dict) -> dict:
    if ref.get("id"):
        it = ctx.store.get("instancetypes", str(ref["id"]))
        if it is None:
            raise Fault(404, "Operation Failed", f"Entity not found: InstanceType: "
                        f"id={ref['id']}")
        return it
    name = str(ref.get("name", ""))
    items = ctx.store.items("instancetypes")
    it = next((i for i in items if i.get("name") == name), None) or \
        next((i for i in items if str(i.get("name", "")).lower() == name.lower()), None)
    if it is None:
        raise Fault(404, "Operation Failed", f"Entity not found: InstanceType: name={name}")
    return it


def apply_instance_type(ctx: Context, data: dict) -> None:
    """Copy the instance type's hardware into a new VM's request (given fields win)."""
    ref = data.get("instance_type")
    if not isinstance(ref, dict) or not (ref.get("id") or ref.get("name")):
        return
    it = find_instance_type(ctx, ref)
    data["instance_type"] = {"id": it["id"]}
    for key in HARDWARE:
        if key in it and key not in data:
            data[key] = it[key]


@on.before("add", "instance_type")
def instance_type_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("memory", 1024**3)
    data.setdefault("memory_policy", {"guaranteed": data["memory"],
                                      "max": 4 * int(data["memory"])})
    data.setdefault("cpu", {"topology": {"sockets": 1, "cores": 1, "threads": 1}})
    data.setdefault("status", "ok")
