"""VM power lifecycle: start, stop, shutdown, suspend, reboot, reset, freeze and thaw."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import conflict
from .rules import RUNNING

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Power:
    """Mixed into ``Simulator``: simulated VM power actions."""

    def act_vm_start(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        st = vm.get("status")
        if st in RUNNING:
            raise conflict("run", "VM", "VM is running.")
        if st == "image_locked":
            raise conflict("run", "VM", "VM is locked. Please try again in a few minutes.")
        overrides = params.get("vm") or {}
        pinned = [h["id"] for h in ((overrides.get("placement_policy") or {}).get("hosts") or
                                    (vm.get("placement_policy") or {}).get("hosts") or [])
                  if h.get("id")]
        names = [h["name"] for h in ((overrides.get("placement_policy") or {}).get("hosts") or [])
                 if h.get("name") and not h.get("id")]
        for n in names:
            h = self.find_by_name("hosts", n)
            if h:
                pinned.append(h["id"])
        host = self.pick_host(vm, only=pinned or None)
        if host is None:
            raise conflict("run", "VM", "There is no host that satisfies current scheduling "
                           "constraints. See below for details:, The host(s) did not satisfy "
                           "internal filter Memory because of insufficient free memory.")
        vid, name, hid = vm["id"], vm["name"], host["id"]
        job = self.start_job(req, f"Launching VM {name}")
        paused = bool(params.get("pause"))
        user = self.user_label(req)

        def up() -> None:
            self.set_vm(vid, status="paused" if paused else "up", start_time=self.now(),
                        fqdn=f"{name}.example.com", stop_time=None,
                        run_once=bool(params.get("vm")))
            self.event(32, "normal", f"VM {name} started on Host {host['name']}", req,
                       vm=vid, host=hid)
            self.end_job(job)

        if st == "suspended":
            self.set_vm(vid, status="restoring_state", host={"id": hid})
            self.scheduler.sequence(f"vm:{vid}", [(2.0, up)])
        else:
            self.set_vm(vid, status="wait_for_launch", host={"id": hid})
            self.event(153, "normal", f"VM {name} was started by {user} (Host: {host['name']}).",
                       req, vm=vid, host=hid)
            self.scheduler.sequence(f"vm:{vid}", [
                (1.0, lambda: self.set_vm(vid, status="powering_up")), (2.0, up)])
        return {"job": {"id": job}}

    def _require_running(self: Simulator, vm: dict, verb: str,
                         allowed: frozenset[str] | set[str] = RUNNING) -> None:
        if vm.get("status") not in allowed:
            raise conflict(verb, "VM", "VM is not running.")

    def act_vm_stop(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "stop", RUNNING | {"suspended"})
        job = self.start_job(req, f"Stopping VM {vm['name']}")
        self.scheduler.cancel(f"vm:{vm['id']}")
        host = self.ref_name(vm.get("host"), "host") or "N/A"
        self.set_vm(vm["id"], status="down", host=None, stop_time=self.now(), fqdn=None)
        self.event(33, "normal", f"VM {vm['name']} powered off by {self.user_label(req)} "
                   f"(Host: {host}).", req, vm=vm["id"])
        self.end_job(job)
        return {"job": {"id": job}}

    def act_vm_shutdown(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "shutdown")
        vid, name = vm["id"], vm["name"]
        job = self.start_job(req, f"Shutting down VM {name}")
        self.set_vm(vid, status="powering_down")
        self.event(73, "normal", f"VM shutdown initiated by {self.user_label(req)} on VM {name}.",
                   req, vm=vid)

        def down() -> None:
            self.set_vm(vid, status="down", host=None, stop_time=self.now(), fqdn=None)
            self.event(61, "normal", f"VM {name} is down. Exit message: User shut down from "
                       "within the guest", vm=vid)
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, down)])
        return {"job": {"id": job}}

    def act_vm_suspend(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "up":
            raise conflict("suspend", "VM", "VM is not up.")
        vid, name = vm["id"], vm["name"]
        job = self.start_job(req, f"Suspending VM {name}")
        self.set_vm(vid, status="saving_state")

        def done() -> None:
            self.set_vm(vid, status="suspended", host=None)
            self.event(35, "normal", f"Suspending VM {name} has been completed.", vm=vid)
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, done)])
        return {"job": {"id": job}}

    def act_vm_reboot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "reboot", {"up"})
        vid = vm["id"]
        job = self.start_job(req, f"Rebooting VM {vm['name']}")
        self.set_vm(vid, status="reboot_in_progress")
        self.event(157, "normal", f"VM {vm['name']} was restarted by {self.user_label(req)}.",
                   req, vm=vid)

        def up() -> None:
            self.set_vm(vid, status="up", start_time=self.now())
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, up)])
        return {"job": {"id": job}}

    def act_vm_reset(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "reset", {"up", "paused"})
        job = self.start_job(req, f"Resetting VM {vm['name']}")
        self.set_vm(vm["id"], status="up", start_time=self.now())
        self.event(10940, "normal", f"VM {vm['name']} was reset by {self.user_label(req)}.",
                   req, vm=vm["id"])
        self.end_job(job)
        return {"job": {"id": job}}

    def act_vm_freeze_filesystems(self: Simulator, req: Request, node: Node,
                                  params: dict) -> dict:
        self._require_running(self.vm_of(node), "freeze filesystems on", {"up"})
        return {}

    def act_vm_thaw_filesystems(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self._require_running(self.vm_of(node), "thaw filesystems on", {"up"})
        return {}
