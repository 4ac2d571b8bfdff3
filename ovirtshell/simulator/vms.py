"""VM objects: add (from a template), update, remove and clone, with their disks and nics."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from .crud import merge_value
from .errors import Fault, NotFound, conflict, incomplete
from .rules import RUNNING, TEMPLATE_KEYS
from .seed import NAMESPACE, GiB, mac_for

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Vms:
    """Mixed into ``Simulator``: VM hooks and the state helpers other domains use."""

    def pre_add_vm(self: Simulator, req: Request, node: Node, data: dict) -> None:
        tpl = self.store.get("templates", data["template"]["id"]) or {}
        for key in TEMPLATE_KEYS:
            if key in tpl:
                data[key] = merge_value(tpl[key], data[key]) if key in data else tpl[key]
        data.setdefault("memory", GiB)
        if int(data["memory"]) <= 0:
            raise Fault(400, "Operation Failed", "[Cannot add VM. Memory size must be positive.]")
        data.setdefault("memory_policy", {})
        data["memory_policy"].setdefault("guaranteed", data["memory"])
        data["memory_policy"].setdefault("max", 4 * int(data["memory"]))
        data.setdefault("type", "server")
        data.setdefault("stateless", False)
        data.setdefault("delete_protected", False)
        data.setdefault("placement_policy", {"affinity": "migratable"})
        data.setdefault("display", {"type": "vnc", "monitors": 1})
        data.setdefault("os", {"type": "other", "boot": {"devices": ["hd"]}})
        data["status"] = "down"
        data["creation_time"] = self.now()
        data["stop_time"] = self.now()
        data["origin"] = "ovirt"
        data["original_template"] = {"id": data["template"]["id"]}
        data["run_once"] = False
        data["next_run_configuration_exists"] = False
        data["has_illegal_images"] = False
        data.pop("host", None)
        profile = next((p for p in self.store.items("cpuprofiles")
                        if (p.get("cluster") or {}).get("id") == data["cluster"]["id"]), None)
        if profile and "cpu_profile" not in data:
            data["cpu_profile"] = {"id": profile["id"]}

    def post_add_vm(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vid, tid = data["id"], data["template"]["id"]
        job = self.start_job(req, f"Creating VM {data['name']} from Template "
                             f"{self.ref_name(data['template'], 'template')} in Cluster "
                             f"{self.ref_name(data['cluster'], 'cluster')}")
        disks = self.copy_disks(f"templates/{tid}/diskattachments", vid, data["name"])
        self.copy_nics(f"templates/{tid}/nics", vid)
        self.event(34, "normal", f"VM {data['name']} was created by {self.user_label(req)}.",
                   req, vm=vid, cluster=data["cluster"]["id"])
        self.lock_then(vid, disks, job, f"VM {data['name']} creation has been completed.")

    def lock_then(self: Simulator, vid: str, disks: list[str], job: str,
                  message: str) -> None:
        """VM image_locked while copied disks are locked, then down / ok."""
        if not disks:
            self.end_job(job)
            return
        self.update_obj("vms", vid, status="image_locked")

        def done() -> None:
            for d in disks:
                self.update_obj("disks", d, status="ok")
            if (self.store.get("vms", vid) or {}).get("status") == "image_locked":
                self.update_obj("vms", vid, status="down")
                self.event(53, "normal", message, vm=vid)
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, done)])

    def copy_disks(self: Simulator, source_coll: str, vid: str, vm_name: str) -> list[str]:
        """Copy the disks attached at ``source_coll`` for a new VM (status locked)."""
        new_ids = []
        for i, att in enumerate(self.store.items(source_coll)):
            disk = self.store.get("disks", att["id"])
            if disk is None:
                continue
            did = self.new_id()
            nd = dict(disk)
            nd.update(id=did, name=f"{vm_name}_Disk{i + 1}", status="locked",
                      image_id=str(uuid.uuid5(NAMESPACE, f"image:{did}")))
            self.store.put("disks", "disk", nd)
            na = {k: v for k, v in att.items() if k not in ("template", "vm")}
            na.update(id=did, disk={"id": did}, vm={"id": vid})
            self.store.put(f"vms/{vid}/diskattachments", "disk_attachment", na)
            new_ids.append(did)
        return new_ids

    def copy_nics(self: Simulator, source_coll: str, vid: str) -> None:
        for nic in self.store.items(source_coll):
            nn = {k: v for k, v in nic.items() if k not in ("template", "vm")}
            nn.update(id=self.new_id(), vm={"id": vid}, mac={"address": self.new_mac()})
            self.store.put(f"vms/{vid}/nics", "nic", nn)

    def new_mac(self: Simulator) -> str:
        return mac_for(0x8000 + self.store.next_counter("mac"))

    def pre_remove_vm(self: Simulator, req: Request, node: Node) -> None:
        vm = node.obj or {}
        if vm.get("status") in RUNNING:
            raise conflict("remove", "VM", "VM is running.")
        if vm.get("status") == "image_locked":
            raise conflict("remove", "VM", "VM is locked. Please try again in a few minutes.")
        if vm.get("delete_protected"):
            raise conflict("remove", "VM", "VM is delete protected.")

    def post_remove_vm(self: Simulator, req: Request, node: Node) -> None:
        vm = node.obj or {}
        detach_only = req.query.get("detach_only", "false").lower() in ("true", "1", "")
        if not detach_only:
            for att in list(self.store.colls.get(f"vms/{node.id}/diskattachments", {}).values()):
                self.store.delete("disks", att["id"])
        self.scheduler.cancel(f"vm:{node.id}")
        self.event(113, "normal", f"VM {vm.get('name')} was successfully removed.", req)

    def pre_update_vm(self: Simulator, req: Request, node: Node, data: dict) -> None:
        if "memory" in data and int(data["memory"]) <= 0:
            raise Fault(400, "Operation Failed", "[Cannot edit VM. Memory size must be positive.]")
        data.pop("status", None)
        data.pop("host", None)

    def vm_of(self: Simulator, node: Node) -> dict:
        vm = node.obj if node.type == "vm" else None
        if vm is None:
            anc = node.ancestor("vm")
            vm = anc.obj if anc else None
        if vm is None:
            raise NotFound()
        return self.store.get("vms", vm["id"]) or vm

    def set_vm(self: Simulator, vid: str, **changes: Any) -> None:
        before = self.store.get("vms", vid)
        if before is None:
            return
        old_host = (before.get("host") or {}).get("id")
        after = self.update_obj("vms", vid, **changes) or before
        for hid in {old_host, (after.get("host") or {}).get("id")}:
            if hid:
                self.refresh_host(hid)

    def refresh_host(self: Simulator, hid: str) -> None:
        vms = [v for v in self.store.items("vms") if (v.get("host") or {}).get("id") == hid]
        summary = {"active": sum(1 for v in vms if v.get("status") in RUNNING),
                   "migrating": sum(1 for v in vms if v.get("status") == "migrating"),
                   "total": len(vms)}
        self.update_obj("hosts", hid, summary=summary)

    def act_vm_clone(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        new = params.get("vm") or {}
        if not new.get("name"):
            raise incomplete("Action", "vm.name", "clone")
        if self.find_by_name("vms", new["name"]):
            raise conflict("add", "VM", "The VM name is already in use, please choose a unique "
                           "name and try again.")
        if vm.get("status") not in ("down",):
            raise conflict("clone", "VM", "VM must be down.")
        vid = self.new_id()
        doc = {k: v for k, v in vm.items() if k not in ("host", "start_time", "fqdn")}
        doc.update(id=vid, name=new["name"], status="down", creation_time=self.now())
        if new.get("description") is not None:
            doc["description"] = new["description"]
        self.store.put("vms", "vm", doc)
        job = self.start_job(req, f"Cloning VM {vm['name']} to {new['name']}")
        disks = self.copy_disks(f"vms/{vm['id']}/diskattachments", vid, new["name"])
        self.copy_nics(f"vms/{vm['id']}/nics", vid)
        self.event(34, "normal", f"VM {new['name']} was created by {self.user_label(req)}.",
                   req, vm=vid)
        self.update_obj("vms", vm["id"], status="image_locked") if disks else None
        src = vm["id"]

        def src_back() -> None:
            if (self.store.get("vms", src) or {}).get("status") == "image_locked":
                self.update_obj("vms", src, status="down")

        self.lock_then(vid, disks, job, f"VM {new['name']} was cloned.")
        self.scheduler.sequence(f"vm:{src}", [(2.0, src_back)])
        return {"job": {"id": job}}
