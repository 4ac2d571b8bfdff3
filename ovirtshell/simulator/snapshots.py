"""VM snapshots: create, remove, preview / commit / undo and restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Fault, conflict, incomplete

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Snapshots:
    """Mixed into ``Simulator``: snapshot hooks and actions."""

    def pre_add_snapshot(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.vm_of(node)
        if vm.get("status") == "image_locked":
            raise conflict("create", "Snapshot", "VM is locked. Please try again in a few "
                           "minutes.")
        data.update(date=self.now(), snapshot_type="regular", snapshot_status="locked",
                    vm={"id": vm["id"]})
        data.setdefault("persist_memorystate", False)

    def post_add_snapshot(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.vm_of(node)
        vid, sid, coll = vm["id"], data["id"], node.coll or ""
        job = self.start_job(req, f"Creating VM Snapshot {data['description']} for VM "
                             f"{vm['name']}")
        was_down = vm.get("status") == "down"
        if was_down:
            self.set_vm(vid, status="image_locked")
        self.event(45, "normal", f"Snapshot '{data['description']}' creation for VM "
                   f"'{vm['name']}' was initiated by {self.user_label(req)}.", req, vm=vid)

        def done() -> None:
            self.update_obj(coll, sid, snapshot_status="ok")
            if was_down and (self.store.get("vms", vid) or {}).get("status") == "image_locked":
                self.set_vm(vid, status="down")
            self.event(68, "normal", f"Snapshot '{data['description']}' creation for VM "
                       f"'{vm['name']}' has been completed.", vm=vid)
            self.end_job(job)

        self.scheduler.after(2.0, done)

    def pre_remove_snapshot(self: Simulator, req: Request, node: Node) -> None:
        if (node.obj or {}).get("snapshot_status") == "locked":
            raise conflict("remove", "Snapshot", "Snapshot is currently being created or "
                           "removed.")

    def _snapshot_param(self: Simulator, node: Node, params: dict) -> tuple[dict, str]:
        vm = self.vm_of(node)
        coll = f"vms/{vm['id']}/snapshots"
        ref = params.get("snapshot") or {}
        if not ref.get("id"):
            raise incomplete("Action", "snapshot.id", "preview_snapshot")
        snap = self.store.get(coll, ref["id"])
        if snap is None:
            raise Fault(404, "Operation Failed", f"Entity not found: Snapshot: id={ref['id']}")
        return snap, coll

    def act_vm_preview_snapshot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "down":
            raise conflict("preview", "Snapshot", "VM is not down.")
        snap, coll = self._snapshot_param(node, params)
        self.update_obj(coll, snap["id"], snapshot_status="in_preview")
        return {}

    def _in_preview(self: Simulator, node: Node) -> tuple[dict, str]:
        vm = self.vm_of(node)
        coll = f"vms/{vm['id']}/snapshots"
        for s in self.store.items(coll):
            if s.get("snapshot_status") == "in_preview":
                return s, coll
        raise conflict("commit", "Snapshot", "VM is not in preview mode.")

    def act_vm_commit_snapshot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        snap, coll = self._in_preview(node)
        self.update_obj(coll, snap["id"], snapshot_status="ok")
        return {}

    def act_vm_undo_snapshot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        snap, coll = self._in_preview(node)
        self.update_obj(coll, snap["id"], snapshot_status="ok")
        return {}

    def act_snapshot_restore(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "down":
            raise conflict("restore", "Snapshot", "VM is not down.")
        return {}
