"""Disks and disk attachments: defaults, locked → ok, removal and detaching."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from .errors import Fault, conflict
from .rules import RUNNING, check_required
from .seed import NAMESPACE

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Disks:
    """Mixed into ``Simulator``: disk and disk attachment hooks."""

    def pre_add_disk(self: Simulator, req: Request, node: Node, data: dict) -> None:
        self._disk_defaults(data)

    def _disk_defaults(self: Simulator, data: dict) -> None:
        data.setdefault("name", data.get("alias") or f"disk_{data['id'][:8]}")
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

    def post_add_disk(self: Simulator, req: Request, node: Node, data: dict) -> None:
        did = data["id"]
        job = self.start_job(req, f"Adding Disk {data['name']}")
        self.event(2021, "normal", f"Add-Disk operation of '{data['name']}' was successfully "
                   "completed.", req)

        def ok() -> None:
            self.update_obj("disks", did, status="ok")
            self.end_job(job)

        self.scheduler.sequence(f"disk:{did}", [(2.0, ok)])

    def pre_remove_disk(self: Simulator, req: Request, node: Node) -> None:
        if (node.obj or {}).get("status") == "locked":
            raise conflict("remove", "Virtual Disk", "Disk is locked. Please try again later.")
        for coll, items in self.store.colls.items():
            if coll.endswith("/diskattachments") and node.id in items and coll.startswith("vms/"):
                vm = self.store.get("vms", coll.split("/")[1]) or {}
                if vm.get("status") in RUNNING and items[node.id].get("active"):
                    raise conflict("remove", "Virtual Disk", "At least one of the VMs is not "
                                   "down.")

    def post_remove_disk(self: Simulator, req: Request, node: Node) -> None:
        for coll in [c for c, items in self.store.colls.items()
                     if c.endswith("/diskattachments") and node.id in items]:
            self.store.delete(coll, str(node.id))

    def pre_add_disk_attachment(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.vm_of(node)
        disk = data.get("disk") or {}
        if disk.get("id") and self.store.get("disks", disk["id"]) is not None:
            did = disk["id"]
            if self.store.get(node.coll or "", did) is not None:
                raise conflict("attach", "Virtual Disk", "The disk is already attached to the "
                               "VM.")
        else:
            check_required("disk", disk)
            self.resolve_refs("disk", disk)
            did = self.new_id()
            d = {k: v for k, v in disk.items() if k != "href"}
            d["id"] = did
            self._disk_defaults(d)
            self.store.put("disks", "disk", d)
            job = self.start_job(req, f"Adding Disk {d['name']} to VM {vm['name']}")

            def ok() -> None:
                self.update_obj("disks", did, status="ok")
                self.end_job(job)

            self.scheduler.sequence(f"disk:{did}", [(2.0, ok)])
        data["id"] = did
        data["disk"] = {"id": did}
        data["vm"] = {"id": vm["id"]}
        data.setdefault("active", True)
        data.setdefault("bootable", False)
        data.setdefault("pass_discard", False)
        data.setdefault("read_only", False)
        data.setdefault("uses_scsi_reservation", False)

    def post_remove_disk_attachment(self: Simulator, req: Request, node: Node) -> None:
        if req.query.get("detach_only", "true").lower() in ("false", "0", "no", "f"):
            self.store.delete("disks", str(node.id))
