"""Hosts: install, activate, maintenance (migrating their VMs away) and removal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import conflict, incomplete
from .rules import RUNNING
from .seed import GiB

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Hosts:
    """Mixed into ``Simulator``: host hooks and actions."""

    def pre_add_host(self: Simulator, req: Request, node: Node, data: dict) -> None:
        if not data.get("cluster"):
            cl = self.find_by_name("clusters", "Default")
            if cl is None:
                raise incomplete("Host", "cluster.id|name")
            data["cluster"] = {"id": cl["id"]}
        data.pop("root_password", None)
        data.setdefault("port", 54321)
        data.setdefault("memory", 16 * GiB)
        data.setdefault("max_scheduling_memory", int(data["memory"]) - 2 * GiB)
        data.setdefault("cpu", {"name": "Simulated CPU", "speed": 2000,
                                "topology": {"sockets": 1, "cores": 8, "threads": 2}})
        data.setdefault("type", "rhel")
        data.update(status="installing", protocol="stomp", external_status="ok",
                    spm={"priority": 5, "status": "none"},
                    summary={"active": 0, "migrating": 0, "total": 0})

    def post_add_host(self: Simulator, req: Request, node: Node, data: dict) -> None:
        hid, name = data["id"], data["name"]
        job = self.start_job(req, f"Adding new Host {name} to Cluster "
                             f"{self.ref_name(data['cluster'], 'cluster')}")
        self.event(42, "normal", f"Host {name} was added by {self.user_label(req)}.", req,
                   host=hid)

        def up() -> None:
            self.update_obj("hosts", hid, status="up")
            self.event(13, "normal", f"Status of host {name} was set to Up.", host=hid)
            self.end_job(job)

        self.scheduler.sequence(f"host:{hid}", [
            (2.0, lambda: self.update_obj("hosts", hid, status="initializing")), (2.0, up)])

    def pre_remove_host(self: Simulator, req: Request, node: Node) -> None:
        st = (node.obj or {}).get("status")
        if st not in ("maintenance", "down", "install_failed", "non_responsive",
                      "non_operational", "pending_approval"):
            raise conflict("remove", "Host", "Host is operational. Please switch Host to "
                           "Maintenance mode first.")

    def act_host_deactivate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        host = self.store.get("hosts", str(node.id)) or {}
        if host.get("status") not in ("up", "non_operational", "non_responsive", "error",
                                      "install_failed", "down", "initializing"):
            raise conflict("switch", "Host(s) to Maintenance mode", "Host is not in a state that "
                           "allows moving to maintenance.")
        hid, name = host["id"], host["name"]
        running = [v for v in self.store.items("vms")
                   if (v.get("host") or {}).get("id") == hid and v.get("status") in RUNNING]
        plan = []
        for v in running:
            target = self.pick_host(v, exclude=hid)
            if target is None:
                raise conflict("switch", "Host(s) to Maintenance mode", "There are no available "
                               f"hosts capable of running VM {v['name']}.")
            plan.append((v, target))
        job = self.start_job(req, f"Moving Host {name} to Maintenance")
        self.update_obj("hosts", hid, status="preparing_for_maintenance")
        for v, target in plan:
            self.migrate_vm(req, v, target)

        def maintenance() -> None:
            self.update_obj("hosts", hid, status="maintenance")
            self.event(16, "normal", f"Host {name} was switched to Maintenance Mode by "
                       f"{self.user_label(req)}.", req, host=hid)
            self.end_job(job)

        self.scheduler.sequence(f"host:{hid}", [(3.0, maintenance)])
        return {"job": {"id": job}}

    def act_host_activate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        host = self.store.get("hosts", str(node.id)) or {}
        if host.get("status") == "up":
            raise conflict("activate", "Host", "Host is already Up.")
        hid, name = host["id"], host["name"]
        job = self.start_job(req, f"Activating Host {name}")
        self.update_obj("hosts", hid, status="unassigned")

        def up() -> None:
            self.update_obj("hosts", hid, status="up")
            self.event(13, "normal", f"Host {name} was activated by {self.user_label(req)}.",
                       req, host=hid)
            self.end_job(job)

        self.scheduler.sequence(f"host:{hid}", [(1.0, lambda: self.update_obj(
            "hosts", hid, status="initializing")), (2.0, up)])
        return {"job": {"id": job}}

    def act_host_refresh(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        return {}
