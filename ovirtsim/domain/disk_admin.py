"""Disk administration: convert an image to another format or allocation, and re-read the
size of a direct LUN disk.

``convert`` is the engine's ConvertDiskCommand: a new volume of the wanted format/allocation
is written beside the old one and replaces it, the disk Locked meanwhile; only a disk
on an existing domain with room, attached to no running VM.
``refresh_lun`` is SyncDirectLunsCommand for one disk: the host given reads the LUN's size
again (``_device_size`` is what a storage admin set on the array, as for domain LUNs).
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from . import images

DISK = "Virtual Disk"  # VAR__TYPE__DISK
BLOCK = ("iscsi", "fcp")


def _plugged_vms(ctx: Context, disk_id: str) -> list[dict]:
    """The VMs the disk is plugged into (an active attachment), as VmDao.getForDisk(id, true)."""
    out = []
    for coll, items in ctx.store.colls.items():
        att = items.get(disk_id) if coll.startswith("vms/") and \
            coll.endswith("/diskattachments") else None
        if att is not None and att.get("active", True):
            out.append(ctx.store.get("vms", coll.split("/")[1]) or {})
    return out


@on.action("disk", "convert")
def convert(ctx: Context, node: Node, params: dict) -> dict:
    """ConvertDiskCommand.validate in its order, then the locked conversion as a job."""
    disk = dict(node.obj or {})
    wanted = params.get("disk") or {}
    fmt = str(wanted.get("format") or disk.get("format") or "raw")
    sparse = bool(wanted["sparse"]) if wanted.get("sparse") is not None else \
        bool(disk.get("sparse"))
    sd = ctx.store.get("storagedomains", str(images.domain_of(disk))) \
        if images.domain_of(disk) else None
    if sd is None:
        raise Fault(409, "Operation Failed", "[Storage Domain doesn't exist.]")
    if int(sd.get("available") or 0) < int(disk.get("provisioned_size") or 0) and not sparse:
        raise conflict("convert", DISK, f"Low disk space on Storage Domain {sd['name']}.")
    if any(vm.get("status") in RUNNING for vm in _plugged_vms(ctx, disk["id"])):
        raise conflict("convert", DISK, "VM is running.")
    if (sd.get("storage") or {}).get("type") in BLOCK and fmt == "raw" and sparse:
        raise conflict("convert", DISK, "Disk configuration (RAW Sparse) is incompatible "
                       "with the storage domain type.")
    old = int(disk.get("actual_size") or 0)

    def converted() -> None:
        new = images.initial_size({**disk, "sparse": sparse})
        changes: dict = {"format": fmt, "sparse": sparse, "actual_size": new,
                         "total_size": new, "qcow_version": "qcow2_v3" if fmt == "cow" else None}
        ctx.store.update("disks", disk["id"], **changes)
        images.charge(ctx, sd["id"], new - old)

    return images._locked_work(ctx, disk, "convert", converted)


@on.action("disk", "refresh_lun")
def refresh_lun(ctx: Context, node: Node, params: dict) -> dict:
    """SyncDirectLunsCommand for this disk on the given host: the LUN disk takes the size the
    host now sees. Floating or image disks are not direct LUNs; the host must be Up."""
    disk = dict(node.obj or {})
    host = images.find(ctx, "hosts", params.get("host"), "Host")
    lun = disk.get("lun_storage") or {}
    units = [dict(u) for u in lun.get("logical_units") or []]
    if disk.get("storage_type") != "lun" or not units:
        raise conflict("sync", DISK, "The specified disk does not exist.")
    if host.get("status") != "up":
        raise conflict("sync", DISK, "Operation can be performed only when Host status is "
                       "Up.")
    size = int(units[0].get("_device_size") or units[0].get("size") or 0)
    units[0]["size"] = size
    ctx.store.update("disks", disk["id"], lun_storage={**lun, "logical_units": units},
                     provisioned_size=size, actual_size=size, total_size=size)
    return {}
