"""Templates: created from a down VM (copying its disks and nics), and removal."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict
from ..core.journal import end_job, start_job
from ..core.seed import ZERO
from ..dispatch.rules import TEMPLATE_KEYS
from ..web.routing import Node
from .vms import set_vm


@on.before("add", "template")
def template_from_vm(ctx: Context, node: Node, data: dict) -> None:
    ref = data.get("vm") or {}
    if not ref.get("id"):
        from .images import find
        ref["id"] = find(ctx, "vms", ref, "Vm")["id"]
    vm = ctx.store.get("vms", ref["id"]) or {}
    snaps = [s.get("id") for s in ref.get("snapshots") or [] if s.get("id")]
    if snaps:  # from a snapshot: the VM may run, the snapshot must exist and be ok
        snap = ctx.store.get(f"vms/{vm.get('id')}/snapshots", str(snaps[0]))
        if snap is None:
            raise conflict("add", "Template", "The snapshot does not exist.")
        if snap.get("snapshot_status") not in (None, "ok"):
            raise conflict("add", "Template", "The snapshot is locked.")
        data["_from_snapshot"] = snap["id"]
    elif vm.get("status") != "down":
        raise conflict("add", "Template", "VM must be down.")
    for key in TEMPLATE_KEYS:
        if key in vm and key not in data:
            data[key] = vm[key]
    data.setdefault("cluster", vm.get("cluster"))
    if (data.get("version") or {}).get("base_template"):
        data["_asked_version"] = data["version"]  # a sub-version: see versions.py
    data.update(status="locked", creation_time=ctx.now(),
                version={"version_number": 1, "version_name": "base",
                         "base_template": {"id": data["id"]}})


@on.after("add", "template")
def template_created(ctx: Context, node: Node, data: dict) -> None:
    store = ctx.store
    tid, vid = data["id"], data["vm"]["id"]
    job = start_job(ctx, f"Creating Template {data['name']} from VM")
    for att in store.items(f"vms/{vid}/diskattachments"):
        disk = store.get("disks", att["id"])
        if disk is None:
            continue
        did = ctx.new_id()
        store.put("disks", "disk", {**disk, "id": did, "status": "locked",
                                    "image_id": ctx.new_id()})
        store.put(f"templates/{tid}/diskattachments", "disk_attachment",
                  {**{k: v for k, v in att.items() if k != "vm"}, "id": did,
                   "disk": {"id": did}, "template": {"id": tid}})
    for nic in store.items(f"vms/{vid}/nics"):
        store.put(f"templates/{tid}/nics", "nic",
                  {**{k: v for k, v in nic.items() if k not in ("vm", "mac")},
                   "id": ctx.new_id(), "template": {"id": tid}})
    from_snapshot = data.pop("_from_snapshot", None)
    if from_snapshot:
        store.update("templates", tid, _from_snapshot=None)
    else:
        set_vm(ctx, vid, status="image_locked")

    def ok() -> None:
        store.update("templates", tid, status="ok")
        for att in store.items(f"templates/{tid}/diskattachments"):
            store.update("disks", att["id"], status="ok")
        if (store.get("vms", vid) or {}).get("status") == "image_locked":
            set_vm(ctx, vid, status="down")
        end_job(ctx, job)

    ctx.scheduler.sequence(f"template:{tid}", [(2.0, ok)])


@on.before("remove", "template")
def template_removable(ctx: Context, node: Node) -> None:
    if node.id == ZERO:
        raise conflict("remove", "Template", "Removing Blank Template is not allowed.")
    users = [v["name"] for v in ctx.store.items("vms")
             if (v.get("template") or {}).get("id") == node.id]
    if users:
        raise conflict("remove", "Template", "The following VMs are based on this Template: "
                       + ", ".join(users[:10]))
    # its disks go with it (read the attachments now: they go with the template's
    # sub-collections when it is deleted; the transaction is whole)
    for att in list(ctx.store.colls.get(f"templates/{node.id}/diskattachments", {}).values()):
        ctx.store.delete("disks", att["id"])
