"""Templates: created from a down VM (copying its disks and nics), and removal."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, start_job
from ..core.seed import ZERO
from ..dispatch.rules import TEMPLATE_KEYS
from ..web.routing import Node
from .vms import set_vm


@on.before("add", "template")
def template_from_vm(ctx: Context, node: Node, data: dict) -> None:
    ref = data["vm"]
    if not ref.get("id"):  # the VM given by name: <vm><name>vm2</name></vm>
        found = ctx.store.find_by_name("vms", str(ref.get("name")))
        if found is None:
            raise Fault(404, "Operation Failed", f"Entity not found: VM: name={ref.get('name')}")
        data["vm"] = {"id": found["id"]}
    vm = ctx.store.get("vms", data["vm"]["id"]) or {}
    if vm.get("status") != "down":
        raise conflict("add", "Template", "VM must be down.")
    for key in TEMPLATE_KEYS:
        if key in vm and key not in data:
            data[key] = vm[key]
    data.setdefault("cluster", vm.get("cluster"))
    data.update(status="locked", creation_time=ctx.now(), version=_version(ctx, data))


def _version(ctx: Context, data: dict) -> dict:
    """A base template (version 1) or a new version of ``version.base_template``."""
    asked = data.get("version") or {}
    base_ref = asked.get("base_template")
    if not base_ref:
        return {"version_number": 1, "version_name": asked.get("version_name") or "base",
                "base_template": {"id": data["id"]}}
    base = ctx.store.get("templates", str(base_ref.get("id"))) if base_ref.get("id") else \
        ctx.store.find_by_name("templates", str(base_ref.get("name")))
    if base is None:
        label = f"id={base_ref['id']}" if base_ref.get("id") else f"name={base_ref.get('name')}"
        raise Fault(404, "Operation Failed", f"Entity not found: Template: {label}")
    root = str(((base.get("version") or {}).get("base_template") or {}).get("id") or base["id"])
    numbers = [int((t.get("version") or {}).get("version_number") or 1)
               for t in ctx.store.items("templates")
               if str(((t.get("version") or {}).get("base_template") or {}).get("id")) == root
               or t["id"] == root]
    data["name"] = (ctx.store.get("templates", root) or base).get("name")  # versions share it
    return {"version_number": max(numbers, default=1) + 1,
            "version_name": asked.get("version_name") or "",
            "base_template": {"id": root}}


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
        store.put("disks", "disk", {**disk, "id": did, "status": "locked"})
        store.put(f"templates/{tid}/diskattachments", "disk_attachment",
                  {**{k: v for k, v in att.items() if k != "vm"}, "id": did,
                   "disk": {"id": did}, "template": {"id": tid}})
    for nic in store.items(f"vms/{vid}/nics"):
        store.put(f"templates/{tid}/nics", "nic",
                  {**{k: v for k, v in nic.items() if k not in ("vm", "mac")},
                   "id": ctx.new_id(), "template": {"id": tid}})
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


@on.after("remove", "template")
def template_removed(ctx: Context, node: Node) -> None:
    for att in list(ctx.store.colls.get(f"templates/{node.id}/diskattachments", {}).values()):
        ctx.store.delete("disks", att["id"])
