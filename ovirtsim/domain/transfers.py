"""Image transfers and VM backups with the engine's phases.

A transfer goes initializing -> transferring (with a ticket served by the simulator's own
imageio endpoint at ``/images/{ticket}``) -> finalizing_success -> finished_success;
``cancel`` ends it in finished_failure, ``pause``/``resume`` hold it. A backup goes
initializing -> starting -> ready, and ``finalize`` -> finalizing -> succeeded, leaving a
checkpoint for the next, incremental, backup.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, event, start_job
from ..core.registry import View
from ..web.routing import Node
from .images import charge, domain_of

ACTIVE = ("initializing", "transferring", "resuming", "paused_user", "paused_system")


def _disk_of(ctx: Context, data: dict) -> dict:
    ref = data.get("disk") or data.get("image") or {}
    disk = ctx.store.get("disks", str(ref.get("id"))) if ref.get("id") else None
    if disk is None and data.get("snapshot"):
        raise Fault(400, "Operation Failed", "[Cannot transfer Virtual Disk. Snapshot "
                    "transfers need the disk of the snapshot.]")
    if disk is None:
        raise Fault(400, "Incomplete parameters", "ImageTransfer [disk.id|image.id] required "
                    "for add")
    return disk


@on.before("add", "image_transfer")
def transfer_defaults(ctx: Context, node: Node, data: dict) -> None:
    disk = _disk_of(ctx, data)
    direction = data.setdefault("direction", "upload")
    for t in ctx.store.items("imagetransfers"):
        if (t.get("disk") or {}).get("id") == disk["id"] and t.get("phase") in ACTIVE:
            raise conflict("transfer", "Virtual Disk", "The disk is already being "
                           "transferred.")
    backup = data.get("backup")
    if backup:
        b = _backup(ctx, str(backup.get("id")))
        if b.get("phase") != "ready":
            raise conflict("transfer", "Virtual Disk", "The VM backup is not ready.")
    elif disk.get("status") != "ok":
        raise conflict("transfer", "Virtual Disk", "Disk is locked. Please try again later.")
    host = next((h for h in ctx.store.items("hosts") if h.get("status") == "up"), None)
    if host is None:
        raise conflict("transfer", "Virtual Disk", "There is no active host in the Data "
                       "Center.")
    origin = (ctx.req.headers.get("x-sim-origin") if ctx.req else None) or ""
    ticket = ctx.new_id()
    data.pop("image", None)
    data.update(disk={"id": disk["id"]}, image={"id": disk.get("image_id") or disk["id"]},
                host={"id": host["id"]}, phase="initializing", transferred=0, active=False,
                _ticket=ticket, _ops=["write", "read"] if direction == "upload" else ["read"],
                _origin=origin)
    data.setdefault("format", "raw")
    data.setdefault("inactivity_timeout", 60)
    data.setdefault("timeout_policy", "legacy")
    data.setdefault("shallow", False)


@on.after("add", "image_transfer")
def transfer_started(ctx: Context, node: Node, data: dict) -> None:
    store, tid = ctx.store, data["id"]
    did = data["disk"]["id"]
    disk = store.get("disks", did) or {}
    job = start_job(ctx, f"{'Uploading' if data['direction'] == 'upload' else 'Downloading'} "
                    f"Disk {disk.get('name')}")
    store.update("imagetransfers", tid, _job=job)
    if data["direction"] == "upload":
        store.update("disks", did, status="locked")
    url = f"{data['_origin']}/images/{data['_ticket']}"

    def transferring() -> None:
        store.update("imagetransfers", tid, phase="transferring", active=True,
                     transfer_url=url, proxy_url=url)

    ctx.scheduler.sequence(f"transfer:{tid}", [(1.0, transferring)])


def _transfer(ctx: Context, node: Node) -> dict:
    return dict(ctx.store.get("imagetransfers", str(node.id)) or {})


def _finish(ctx: Context, t: dict, middle: str, final: str, ok: bool) -> None:
    store, tid = ctx.store, t["id"]
    did = (t.get("disk") or {}).get("id")
    store.update("imagetransfers", tid, phase=middle, active=False)
    name = (store.get("disks", str(did)) or {}).get("name")

    def done() -> None:
        store.update("imagetransfers", tid, phase=final)
        disk = store.get("disks", str(did))
        if disk is not None and t.get("direction") == "upload":
            written = int(store.meta_get(f"image-written:{did}", 0) or 0)  # type: ignore[arg-type]
            changes: dict = {"status": "ok"}
            if ok and disk.get("sparse"):
                old = int(disk.get("actual_size") or 0)
                new = max(old, written)
                changes.update(actual_size=new, total_size=new)
                charge(ctx, domain_of(disk), new - old)
            store.update("disks", did, **changes)
        event(ctx.background(), 1032 if ok else 1033, "normal" if ok else "error",
              f"Image {'Upload' if t.get('direction') == 'upload' else 'Download'} of disk "
              f"{name} {'succeeded' if ok else 'was cancelled'}.")
        if t.get("_job"):
            end_job(ctx, t["_job"], "finished" if ok else "failed")

    ctx.scheduler.sequence(f"transfer:{tid}", [(2.0, done)])


@on.action("image_transfer", "finalize")
def finalize(ctx: Context, node: Node, params: dict) -> dict:
    t = _transfer(ctx, node)
    if t.get("phase") not in ("transferring", "paused_user", "paused_system"):
        raise conflict("finalize", "Image Transfer", f"The transfer is {t.get('phase')}.",
                       True)
    _finish(ctx, t, "finalizing_success", "finished_success", True)
    return {}


@on.action("image_transfer", "cancel")
def cancel(ctx: Context, node: Node, params: dict) -> dict:
    t = _transfer(ctx, node)
    if t.get("phase") not in ACTIVE:
        raise conflict("cancel", "Image Transfer", f"The transfer is {t.get('phase')}.", True)
    ctx.store.update("imagetransfers", t["id"], phase="cancelled_user")
    _finish(ctx, t, "finalizing_failure", "finished_failure", False)
    return {}


@on.action("image_transfer", "pause")
def pause(ctx: Context, node: Node, params: dict) -> dict:
    t = _transfer(ctx, node)
    if t.get("phase") != "transferring":
        raise conflict("pause", "Image Transfer", f"The transfer is {t.get('phase')}.", True)
    ctx.store.update("imagetransfers", t["id"], phase="paused_user", active=False)
    return {}


@on.action("image_transfer", "resume")
def resume(ctx: Context, node: Node, params: dict) -> dict:
    t = _transfer(ctx, node)
    if t.get("phase") not in ("paused_user", "paused_system"):
        raise conflict("resume", "Image Transfer", f"The transfer is {t.get('phase')}.", True)
    ctx.store.update("imagetransfers", t["id"], phase="resuming")
    ctx.scheduler.sequence(f"transfer:{t['id']}", [(1.0, lambda: ctx.store.update(
        "imagetransfers", t["id"], phase="transferring", active=True))])
    return {}


@on.action("image_transfer", "extend")
def extend_timeout(ctx: Context, node: Node, params: dict) -> dict:
    return {}


# ----- VM backups ---------------------------------------------------------------------------
def _backup(ctx: Context, bid: str) -> dict:
    for coll, items in ctx.store.colls.items():
        if coll.startswith("vms/") and coll.endswith("/backups") and bid in items:
            return dict(items[bid])
    raise Fault(404, "Operation Failed", f"Entity not found: Backup: id={bid}")


@on.before("add", "backup")
def backup_defaults(ctx: Context, node: Node, data: dict) -> None:
    vm = node.ancestor("vm")
    vm_obj = (vm.obj if vm else None) or {}
    vid = vm_obj.get("id")
    for b in ctx.store.items(node.coll or ""):
        if b.get("phase") not in ("succeeded", "failed"):
            raise conflict("backup", "VM", "A backup is already running for the VM.")
    atts = {a["id"] for a in ctx.store.items(f"vms/{vid}/diskattachments")}
    disks = data.get("disks") or [{"id": d} for d in sorted(atts)]
    for d in disks:
        if d.get("id") not in atts:
            raise conflict("backup", "VM", f"Disk {d.get('id')} is not attached to the VM.")
    checkpoints = {c["id"] for c in ctx.store.items(f"vms/{vid}/checkpoints")}
    frm = data.get("from_checkpoint_id")
    if frm and frm not in checkpoints:
        raise conflict("backup", "VM", f"Checkpoint {frm} does not exist; take a full "
                       "backup.")
    now = ctx.now()
    data.update(phase="initializing", vm={"id": vid}, disks=[{"id": d["id"]} for d in disks],
                creation_date=now, modification_date=now, to_checkpoint_id=ctx.new_id())
    if vm_obj.get("host"):
        data["host"] = vm_obj["host"]


@on.after("add", "backup")
def backup_started(ctx: Context, node: Node, data: dict) -> None:
    store, coll, bid = ctx.store, node.coll or "", data["id"]
    job = start_job(ctx, "Backing up VM")
    store.update(coll, bid, _job=job)
    ctx.scheduler.sequence(f"backup:{bid}", [
        (1.0, lambda: store.update(coll, bid, phase="starting", modification_date=ctx.now())),
        (1.0, lambda: store.update(coll, bid, phase="ready", modification_date=ctx.now()))])


@on.action("vm_backup", "finalize")
def backup_finalize(ctx: Context, node: Node, params: dict) -> dict:
    store, coll = ctx.store, node.coll or ""
    b = dict(store.get(coll, str(node.id)) or {})
    if b.get("phase") != "ready":
        raise conflict("finalize", "VM backup", f"The backup is {b.get('phase')}.", True)
    store.update(coll, b["id"], phase="finalizing", modification_date=ctx.now())
    vid = (b.get("vm") or {}).get("id")

    def done() -> None:
        store.update(coll, b["id"], phase="succeeded", modification_date=ctx.now())
        store.put(f"vms/{vid}/checkpoints", "checkpoint", {
            "id": b["to_checkpoint_id"], "parent_id": b.get("from_checkpoint_id"),
            "creation_date": ctx.now(), "state": "created", "vm": {"id": vid},
            "disks": b.get("disks") or []})
        event(ctx.background(), 10792, "normal", "Backup of VM finished.", vm=vid)
        if b.get("_job"):
            end_job(ctx, b["_job"])

    ctx.scheduler.sequence(f"backup:{b['id']}", [(2.0, done)])
    return {}


def _in_backup(ctx: Context, parent: dict, disk: dict) -> bool:
    return any(d.get("id") == disk["id"] for d in parent.get("disks") or [])


on.view("vm_backup", "disks", View("disks", match=_in_backup))
