"""Startup recovery: finish transitions a previous process left half-way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Simulator


class Recovery:
    """Mixed into ``Simulator``: settle the state after a restart with ``--data``."""

    def settle(self: Simulator) -> None:
        """Finish transitions a previous process left half-way (restart with --data)."""
        final = {"wait_for_launch": "up", "powering_up": "up", "restoring_state": "up",
                 "reboot_in_progress": "up", "migrating": "up", "powering_down": "down",
                 "saving_state": "suspended", "image_locked": "down"}
        with self.store.batch():
            for vm in self.store.items("vms"):
                st = vm.get("status")
                if st in final:
                    changes: dict[str, Any] = {"status": final[st]}
                    if final[st] in ("down", "suspended"):
                        changes["host"] = None
                    self.update_obj("vms", vm["id"], **changes)
            for h in self.store.items("hosts"):
                if h.get("status") in ("installing", "initializing", "unassigned"):
                    self.update_obj("hosts", h["id"], status="up")
                elif h.get("status") == "preparing_for_maintenance":
                    self.update_obj("hosts", h["id"], status="maintenance")
            for d in self.store.items("disks"):
                if d.get("status") == "locked":
                    self.update_obj("disks", d["id"], status="ok")
            for t in self.store.items("templates"):
                if t.get("status") == "locked":
                    self.update_obj("templates", t["id"], status="ok")
            for coll in [c for c in self.store.colls if c.endswith("/snapshots")]:
                for s in self.store.items(coll):
                    if s.get("snapshot_status") == "locked":
                        self.update_obj(coll, s["id"], snapshot_status="ok")
            for j in self.store.items("jobs"):
                if j.get("status") == "started" and not j.get("external"):
                    self.end_job(j["id"])
