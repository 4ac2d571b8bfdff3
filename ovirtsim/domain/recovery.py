"""Startup recovery: finish transitions a previous process left half-way."""

from __future__ import annotations

from typing import Any

from ..core import registry as on
from ..core.context import Context
from ..core.journal import end_job

FINAL = {"wait_for_launch": "up", "powering_up": "up", "restoring_state": "up",
         "reboot_in_progress": "up", "migrating": "up", "powering_down": "down",
         "saving_state": "suspended", "image_locked": "down"}


@on.on_startup
def settle(ctx: Context) -> None:
    """Finish transitions a previous process left half-way (restart with --data)."""
    store = ctx.store
    for vm in store.items("vms"):
        st = vm.get("status")
        if st in FINAL:
            changes: dict[str, Any] = {"status": FINAL[st]}
            if FINAL[st] in ("down", "suspended"):
                changes["host"] = None
            store.update("vms", vm["id"], **changes)
    for h in store.items("hosts"):
        if h.get("status") in ("installing", "initializing", "unassigned"):
            store.update("hosts", h["id"], status="up")
        elif h.get("status") == "preparing_for_maintenance":
            store.update("hosts", h["id"], status="maintenance")
    for d in store.items("disks"):
        if d.get("status") == "locked":
            store.update("disks", d["id"], status="ok")
    for t in store.items("templates"):
        if t.get("status") == "locked":
            store.update("templates", t["id"], status="ok")
    for coll in [c for c in store.colls if c.endswith("/snapshots")]:
        for s in store.items(coll):
            if s.get("snapshot_status") == "locked":
                store.update(coll, s["id"], snapshot_status="ok")
    for j in store.items("jobs"):
        if j.get("status") == "started" and not j.get("external"):
            end_job(ctx, j["id"])
