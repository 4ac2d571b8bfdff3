"""Templates: created from a down VM (copying its disks and nics), and removal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import conflict
from .rules import TEMPLATE_KEYS
from .seed import ZERO

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Templates:
    """Mixed into ``Simulator``: template hooks."""

    def pre_add_template(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.store.get("vms", data["vm"]["id"]) or {}
        if vm.get("status") != "down":
            raise conflict("add", "Template", "VM must be down.")
        for key in TEMPLATE_KEYS:
            if key in vm and key not in data:
                data[key] = vm[key]
        data.setdefault("cluster", vm.get("cluster"))
        data.update(status="locked", creation_time=self.now(),
                    version={"version_number": 1, "version_name": "base",
                             "base_template": {"id": data["id"]}})

    def post_add_template(self: Simulator, req: Request, node: Node, data: dict) -> None:
        tid, vid = data["id"], data["vm"]["id"]
        job = self.start_job(req, f"Creating Template {data['name']} from VM")
        for att in self.store.items(f"vms/{vid}/diskattachments"):
            disk = self.store.get("disks", att["id"])
            if disk is None:
                continue
            did = self.new_id()
            self.store.put("disks", "disk", {**disk, "id": did, "status": "locked"})
            self.store.put(f"templates/{tid}/diskattachments", "disk_attachment",
                           {**{k: v for k, v in att.items() if k != "vm"}, "id": did,
                            "disk": {"id": did}, "template": {"id": tid}})
        for nic in self.store.items(f"vms/{vid}/nics"):
            self.store.put(f"templates/{tid}/nics", "nic",
                           {**{k: v for k, v in nic.items() if k not in ("vm", "mac")},
                            "id": self.new_id(), "template": {"id": tid}})
        self.set_vm(vid, status="image_locked")

        def ok() -> None:
            self.update_obj("templates", tid, status="ok")
            for att in self.store.items(f"templates/{tid}/diskattachments"):
                self.update_obj("disks", att["id"], status="ok")
            if (self.store.get("vms", vid) or {}).get("status") == "image_locked":
                self.set_vm(vid, status="down")
            self.end_job(job)

        self.scheduler.sequence(f"template:{tid}", [(2.0, ok)])

    def pre_remove_template(self: Simulator, req: Request, node: Node) -> None:
        if node.id == ZERO:
            raise conflict("remove", "Template", "Removing Blank Template is not allowed.")
        users = [v["name"] for v in self.store.items("vms")
                 if (v.get("template") or {}).get("id") == node.id]
        if users:
            raise conflict("remove", "Template", "The following VMs are based on this Template: "
                           + ", ".join(users[:10]))

    def post_remove_template(self: Simulator, req: Request, node: Node) -> None:
        for att in list(self.store.colls.get(f"templates/{node.id}/diskattachments", {}).values()):
            self.store.delete("disks", att["id"])
