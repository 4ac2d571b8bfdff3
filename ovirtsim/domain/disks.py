"""Disks and disk attachments: defaults, locked → ok, removal and detaching."""

from __future__ import annotations

import uuid

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, event, start_job
from ..core.seed import NAMESPACE
from ..dispatch.references import resolve_refs
from ..dispatch.rules import RUNNING, check_required
from ..web.routing import Node
from .vms import vm_of


@on.before("add", "disk")
def disk_add(ctx: Context, node: Node, data: dict) -> None:
    disk_defaults(data)


def disk_defaults(data: dict) -> None:
    """Complete a new disk document (status locked until the image is 'created')."""
    data.setdefault("name", data.get("alias") or f"disk_{data['id'][:8]}")
    if data.get("lun_storage"):
        direct_lun(data)
        return
    size = int(data.get("provisioned_size", 0))
    if size <= 0:
        raise Fault(400, "Operation Failed", "[Cannot add Virtual Disk. Disk size must be "
                    "positive.]")
    data.setdefault("sparse", data.get("format") == "cow")
    data.update(status="locked", actual_size=0 if data["sparse"] else size,
                total_size=0 if data["sparse"] else size,
                image_id=str(uuid.uuid5(NAMESPACE, f"image:{data['id']}")))
    data.setdefault("storage_type", "image")
    data.setdefault("content_type", "data")
    data.setdefault("shareable", False)
    data.setdefault("wipe_after_delete", False)
    data.setdefault("propagate_errors", False)
    data.setdefault("backup", "none")
    if data.get("format") == "cow":
        data.setdefault("qcow_version", "qcow2_v3")


def direct_lun(data: dict) -> None:
    """A direct LUN disk: no image, the LUN's size, on no storage domain."""
    units = (data["lun_storage"].get("logical_units") or [{}])
    size = int(units[0].get("size") or data.get("provisioned_size") or 0)
    data.update(storage_type="lun", status="ok", provisioned_size=size, actual_size=size,
                total_size=size, sparse=False)
    data.pop("storage_domains", None)
    data["lun_storage"].setdefault("id", units[0].get("id"))
    data.setdefault("content_type", "data")
    data.setdefault("shareable", False)
    data.setdefault("propagate_errors", False)
    data.setdefault("wipe_after_delete", False)


@on.after("add", "disk")
def disk_created(ctx: Context, node: Node, data: dict) -> None:
    did = data["id"]
    job = start_job(ctx, f"Adding Disk {data['name']}")
    event(ctx, 2021, "normal", f"Add-Disk operation of '{data['name']}' was successfully "
          "completed.")

    def ok() -> None:
        ctx.store.update("disks", did, status="ok")
        end_job(ctx, job)

    ctx.scheduler.sequence(f"disk:{did}", [(2.0, ok)])


@on.before("remove", "disk")
def disk_removable(ctx: Context, node: Node) -> None:
    if (node.obj or {}).get("status") == "locked":
        raise conflict("remove", "Virtual Disk", "Disk is locked. Please try again later.")
    for coll, items in ctx.store.colls.items():
        if coll.endswith("/diskattachments") and node.id in items and coll.startswith("vms/"):
            vm = ctx.store.get("vms", coll.split("/")[1]) or {}
            if vm.get("status") in RUNNING and items[node.id].get("active"):
                raise conflict("remove", "Virtual Disk", "At least one of the VMs is not "
                               "down.")


@on.after("remove", "disk")
def disk_removed(ctx: Context, node: Node) -> None:
    for coll in [c for c, items in ctx.store.colls.items()
                 if c.endswith("/diskattachments") and node.id in items]:
        ctx.store.delete(coll, str(node.id))


@on.before("add", "disk_attachment")
def attach_disk(ctx: Context, node: Node, data: dict) -> None:
    store = ctx.store
    vm = vm_of(ctx, node)
    disk = data.get("disk") or {}
    if disk.get("id") and store.get("disks", disk["id"]) is not None:
        did = disk["id"]
        if store.get(node.coll or "", did) is not None:
            raise conflict("attach", "Virtual Disk", "The disk is already attached to the "
                           "VM.")
    else:
        check_required("disk", disk)
        resolve_refs(ctx, "disk", disk)
        did = ctx.new_id()
        d = {k: v for k, v in disk.items() if k != "href"}
        d["id"] = did
        disk_defaults(d)
        store.put("disks", "disk", d)
        job = start_job(ctx, f"Adding Disk {d['name']} to VM {vm['name']}")

        def ok() -> None:
            store.update("disks", did, status="ok")
            end_job(ctx, job)

        ctx.scheduler.sequence(f"disk:{did}", [(2.0, ok)])
    data["id"] = did
    data["disk"] = {"id": did}
    data["vm"] = {"id": vm["id"]}
    data.setdefault("active", True)
    data.setdefault("bootable", False)
    data.setdefault("pass_discard", False)
    data.setdefault("read_only", False)
    data.setdefault("uses_scsi_reservation", False)


@on.after("remove", "disk_attachment")
def detach_disk(ctx: Context, node: Node) -> None:
    assert ctx.req is not None
    if ctx.req.query.get("detach_only", "true").lower() in ("false", "0", "no", "f"):
        ctx.store.delete("disks", str(node.id))
