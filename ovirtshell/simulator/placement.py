"""Where VMs run: hosts chosen by free memory, and migration between hosts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import Fault, conflict
from .rules import RUNNING

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Placement:
    """Mixed into ``Simulator``: host choice and VM migration."""

    def free_memory(self: Simulator, host: dict) -> int:
        used = sum(int(v.get("memory", 0)) for v in self.store.items("vms")
                   if (v.get("host") or {}).get("id") == host["id"] and v.get("status") in RUNNING)
        return int(host.get("max_scheduling_memory") or host.get("memory", 0)) - used

    def pick_host(self: Simulator, vm: dict, exclude: str | None = None,
                  only: list[str] | None = None) -> dict | None:
        """The up host of the VM's cluster with the most free memory that fits the VM."""
        cl = (vm.get("cluster") or {}).get("id")
        best, best_free = None, -1
        for h in self.store.items("hosts"):
            if h.get("status") != "up" or (h.get("cluster") or {}).get("id") != cl:
                continue
            if h["id"] == exclude or (only and h["id"] not in only):
                continue
            free = self.free_memory(h)
            if free >= int(vm.get("memory", 0)) and free > best_free:
                best, best_free = h, free
        return best

    def _host_param(self: Simulator, params: dict) -> dict | None:
        ref = params.get("host")
        if not isinstance(ref, dict):
            return None
        if ref.get("id"):
            h = self.store.get("hosts", ref["id"])
        elif ref.get("name"):
            h = self.find_by_name("hosts", ref["name"])
        else:
            return None
        if h is None:
            raise Fault(404, "Operation Failed",
                        f"Entity not found: Host: {ref.get('id') or ref.get('name')}")
        return h

    def act_vm_migrate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "up":
            raise conflict("migrate", "VM", "VM is not running.")
        src = (vm.get("host") or {}).get("id")
        target = self._host_param(params)
        if target is not None:
            if target["id"] == src:
                raise conflict("migrate", "VM", "The VM is already running on the destination "
                               "host.")
            if target.get("status") != "up" or self.free_memory(target) < int(vm.get("memory", 0)):
                raise conflict("migrate", "VM", "There is no host that satisfies current "
                               "scheduling constraints.")
        else:
            target = self.pick_host(vm, exclude=src)
            if target is None:
                raise conflict("migrate", "VM", "There is no host that satisfies current "
                               "scheduling constraints. See below for details:, The host(s) did "
                               "not satisfy internal filter Migration.")
        job = self.migrate_vm(req, vm, target)
        return {"job": {"id": job}}

    def migrate_vm(self: Simulator, req: Request | None, vm: dict, target: dict,
                   after: Callable[[], None] | None = None) -> str:
        vid, name = vm["id"], vm["name"]
        src_name = self.ref_name(vm.get("host"), "host")
        job = self.start_job(req, f"Migrating VM {name} to Host {target['name']}")
        self.set_vm(vid, status="migrating")
        self.event(62, "normal", f"Migration started (VM: {name}, Source: {src_name}, "
                   f"Destination: {target['name']}, User: {self.user_label(req)}).", req, vm=vid)

        def done() -> None:
            self.set_vm(vid, status="up", host={"id": target["id"]})
            self.event(63, "normal", f"Migration completed (VM: {name}, Source: {src_name}, "
                       f"Destination: {target['name']}).", vm=vid, host=target["id"])
            self.end_job(job)
            if after:
                after()

        self.scheduler.sequence(f"vm:{vid}", [(2.0, done)])
        return job

    def act_vm_cancel_migration(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "migrating":
            raise conflict("cancel migration for", "VM", "VM is not being migrated.")
        self.scheduler.cancel(f"vm:{vm['id']}")
        self.set_vm(vm["id"], status="up")
        self.event(65, "normal", f"Migration cancelled (VM: {vm['name']}).", req, vm=vm["id"])
        return {}
