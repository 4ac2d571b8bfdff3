"""VM pools: a pool of size N is N stateless VMs from its template, ``prestarted_vms`` of
them running; ``allocate_vm`` hands the calling user a VM of the pool (started) with a
UserRole permission on it."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, event, start_job, user_label
from ..core.seed import USERROLE
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .power import start_vm
from .vms import vm_created, vm_defaults

ALLOCATE = "allocate and run VM from"


def pool_vms(ctx: Context, pid: str) -> list[dict]:
    return [v for v in ctx.store.items("vms") if (v.get("vm_pool") or {}).get("id") == pid]


def _owners(ctx: Context, vid: str) -> set[str]:
    return {p["user"]["id"] for p in ctx.store.items("permissions")
            if (p.get("vm") or {}).get("id") == vid and p.get("user")}


@on.before("add", "vm_pool")
def pool_defaults(ctx: Context, node: Node, data: dict) -> None:
    size = int(data.setdefault("size", 1))
    if size < 0:
        raise Fault(400, "Operation Failed", "[Cannot add VM-Pool. The number of VMs must "
                    "be positive.]")
    if int(data.setdefault("prestarted_vms", 0)) > size:
        raise conflict("add", "VM-Pool", "Prestarted VMs cannot exceed the number of VMs in "
                       "the pool.")
    data.setdefault("type", "automatic")
    data.setdefault("max_user_vms", 1)
    data.setdefault("stateful", False)
    data.setdefault("auto_storage_select", False)
    data.setdefault("use_latest_template_version", False)


def _grow(ctx: Context, pool: dict, size: int) -> None:
    """Create VMs named ``POOL-N`` until the pool has ``size`` of them."""
    have = pool_vms(ctx, pool["id"])
    taken = {v["name"] for v in ctx.store.items("vms")}
    n = 0
    while len(have) < size:
        n += 1
        name = f"{pool['name']}-{n}"
        if name in taken:
            continue
        data = {"name": name, "cluster": dict(pool["cluster"]),
                "template": dict(pool["template"]), "vm_pool": {"id": pool["id"]}}
        vm_defaults(ctx, None, data)  # type: ignore[arg-type]
        data.update(id=ctx.new_id(), stateless=not pool.get("stateful", False),
                    vm_pool={"id": pool["id"]})
        ctx.store.put("vms", "vm", data)
        vm_created(ctx, None, data)  # type: ignore[arg-type]
        have.append(data)


def _prestart(ctx: Context, pid: str) -> None:
    """Keep ``prestarted_vms`` unassigned VMs of the pool running."""
    bg = ctx.background()

    def run() -> None:
        pool = bg.store.get("vmpools", pid)
        if pool is None:
            return
        vms = [v for v in pool_vms(bg, pid) if not _owners(bg, v["id"])]
        running = [v for v in vms if v.get("status") in RUNNING]
        for vm in [v for v in vms if v.get("status") == "down"][
                :max(0, int(pool.get("prestarted_vms", 0)) - len(running))]:
            try:
                start_vm(bg, vm, {})
            except Fault:
                break

    ctx.scheduler.sequence(f"pool:{pid}", [(3.0, run)])


@on.after("add", "vm_pool")
def pool_created(ctx: Context, node: Node, data: dict) -> None:
    job = start_job(ctx, f"Creating VM Pool {data['name']}")
    _grow(ctx, data, int(data.get("size", 0)))
    event(ctx, 300, "normal", f"VM Pool {data['name']} (containing {data.get('size')} VMs) "
          f"was created by {user_label(ctx)}.")
    end_job(ctx, job)
    _prestart(ctx, data["id"])


@on.before("update", "vm_pool")
def pool_resize_check(ctx: Context, node: Node, data: dict) -> None:
    old = node.obj or {}
    if "size" in data and int(data["size"]) < int(old.get("size", 0)):
        raise conflict("edit", "VM-Pool", "Decreasing the number of VMs is not supported.")
    if int(data.get("prestarted_vms", old.get("prestarted_vms", 0))) > \
            int(data.get("size", old.get("size", 0))):
        raise conflict("edit", "VM-Pool", "Prestarted VMs cannot exceed the number of VMs "
                       "in the pool.")


@on.after("update", "vm_pool")
def pool_resized(ctx: Context, node: Node, doc: dict) -> None:
    _grow(ctx, doc, int(doc.get("size", 0)))
    _prestart(ctx, doc["id"])


@on.before("remove", "vm_pool")
def pool_removable(ctx: Context, node: Node) -> None:
    if any(v.get("status") in RUNNING for v in pool_vms(ctx, str(node.id))):
        raise conflict("remove", "VM-Pool", "All VMs in the pool must be down first.")


@on.after("remove", "vm_pool")
def pool_removed(ctx: Context, node: Node) -> None:
    for v in pool_vms(ctx, str(node.id)):
        for att in ctx.store.items(f"vms/{v['id']}/diskattachments"):
            ctx.store.delete("disks", att["id"])
        ctx.store.delete("vms", v["id"])
    ctx.scheduler.cancel(f"pool:{node.id}")


@on.action("vm_pool", "allocate_vm")
def allocate_vm(ctx: Context, node: Node, params: dict) -> dict:
    assert ctx.req is not None
    pool = ctx.store.get("vmpools", str(node.id)) or {}
    user = ctx.req.user
    vms = pool_vms(ctx, pool["id"])
    mine = [v for v in vms if user["id"] in _owners(ctx, v["id"])]
    if len(mine) >= int(pool.get("max_user_vms", 1) or 1):
        raise conflict(ALLOCATE, "VM-Pool", "The user has already taken the maximum number "
                       "of VMs allowed for this pool.")
    free = [v for v in vms if not _owners(ctx, v["id"]) and
            v.get("status") in ("up", "down", "powering_up", "wait_for_launch")]
    if not free:
        raise conflict(ALLOCATE, "VM-Pool", "There are no available VMs in the VM-Pool.")
    free.sort(key=lambda v: v.get("status") == "down")       # prestarted ones first
    vm = free[0]
    job = start_job(ctx, f"Allocating a VM from VM Pool {pool['name']} to "
                    f"{user_label(ctx)}")
    if vm.get("status") == "down":
        start_vm(ctx, vm, {})
    ctx.store.put("permissions", "permission", {
        "id": ctx.new_id(), "role": {"id": USERROLE}, "user": {"id": user["id"]},
        "vm": {"id": vm["id"]}})
    event(ctx, 316, "normal", f"VM {vm['name']} was allocated from VM Pool {pool['name']} "
          f"to {user_label(ctx)}.", vm=vm["id"])
    end_job(ctx, job)
    _prestart(ctx, pool["id"])
    return {"job": {"id": job}, "vm": {"id": vm["id"]}}

