"""VM snapshots: create, remove, preview / commit / undo and restore."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict, incomplete
from ..core.journal import end_job, event, start_job, user_label
from ..web.routing import Node
from .vms import set_vm, vm_of


@on.before("add", "snapshot")
def snapshot_defaults(ctx: Context, node: Node, data: dict) -> None:
    vm = vm_of(ctx, node)
    if vm.get("status") == "image_locked":
        raise conflict("create", "Snapshot", "VM is locked. Please try again in a few "
                       "minutes.")
    data.update(date=ctx.now(), snapshot_type="regular", snapshot_status="locked",
                vm={"id": vm["id"]})
    data.setdefault("persist_memorystate", False)


@on.after("add", "snapshot")
def snapshot_created(ctx: Context, node: Node, data: dict) -> None:
    store = ctx.store
    vm = vm_of(ctx, node)
    vid, sid, coll = vm["id"], data["id"], node.coll or ""
    job = start_job(ctx, f"Creating VM Snapshot {data['description']} for VM {vm['name']}")
    was_down = vm.get("status") == "down"
    if was_down:
        set_vm(ctx, vid, status="image_locked")
    event(ctx, 45, "normal", f"Snapshot '{data['description']}' creation for VM "
          f"'{vm['name']}' was initiated by {user_label(ctx)}.", vm=vid)

    def done() -> None:
        store.update(coll, sid, snapshot_status="ok")
        if was_down and (store.get("vms", vid) or {}).get("status") == "image_locked":
            set_vm(ctx, vid, status="down")
        event(ctx.background(), 68, "normal", f"Snapshot '{data['description']}' creation "
              f"for VM '{vm['name']}' has been completed.", vm=vid)
        end_job(ctx, job)

    ctx.scheduler.after(2.0, done)


@on.before("remove", "snapshot")
def snapshot_removable(ctx: Context, node: Node) -> None:
    if (node.obj or {}).get("snapshot_status") == "locked":
        raise conflict("remove", "Snapshot", "Snapshot is currently being created or "
                       "removed.")


def snapshot_param(ctx: Context, node: Node, params: dict) -> tuple[dict, str]:
    vm = vm_of(ctx, node)
    coll = f"vms/{vm['id']}/snapshots"
    ref = params.get("snapshot") or {}
    if not ref.get("id"):
        raise incomplete("Action", "snapshot.id", "preview_snapshot")
    snap = ctx.store.get(coll, ref["id"])
    if snap is None:
        raise Fault(404, "Operation Failed", f"Entity not found: Snapshot: id={ref['id']}")
    return snap, coll


@on.action("vm", "preview_snapshot")
def preview_snapshot(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    if vm.get("status") != "down":
        raise conflict("preview", "Snapshot", "VM is not down.")
    snap, coll = snapshot_param(ctx, node, params)
    ctx.store.update(coll, snap["id"], snapshot_status="in_preview")
    return {}


def in_preview(ctx: Context, node: Node) -> tuple[dict, str]:
    vm = vm_of(ctx, node)
    coll = f"vms/{vm['id']}/snapshots"
    for s in ctx.store.items(coll):
        if s.get("snapshot_status") == "in_preview":
            return s, coll
    raise conflict("commit", "Snapshot", "VM is not in preview mode.")


@on.action("vm", "commit_snapshot")
def commit_snapshot(ctx: Context, node: Node, params: dict) -> dict:
    snap, coll = in_preview(ctx, node)
    ctx.store.update(coll, snap["id"], snapshot_status="ok")
    return {}


@on.action("vm", "undo_snapshot")
def undo_snapshot(ctx: Context, node: Node, params: dict) -> dict:
    snap, coll = in_preview(ctx, node)
    ctx.store.update(coll, snap["id"], snapshot_status="ok")
    return {}


@on.action("snapshot", "restore")
def restore(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    if vm.get("status") != "down":
        raise conflict("restore", "Snapshot", "VM is not down.")
    return {}
