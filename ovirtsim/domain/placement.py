"""Where VMs run: hosts chosen by free memory, and migration between hosts."""

from __future__ import annotations

from collections.abc import Callable

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, event, start_job, user_label
from ..dispatch.references import ref_name
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .vms import set_vm, vm_of


def free_memory(ctx: Context, host: dict) -> int:
    used = sum(int(v.get("memory", 0)) for v in ctx.store.items("vms")
               if (v.get("host") or {}).get("id") == host["id"] and v.get("status") in RUNNING)
    return int(host.get("max_scheduling_memory") or host.get("memory", 0)) - used


def pick_host(ctx: Context, vm: dict, exclude: str | None = None,
              only: list[str] | None = None) -> dict | None:
    """The up host of the VM's cluster with the most free memory that fits the VM."""
    cl = (vm.get("cluster") or {}).get("id")
    best, best_free = None, -1
    for h in ctx.store.items("hosts"):
        if h.get("status") != "up" or (h.get("cluster") or {}).get("id") != cl:
            continue
        if h["id"] == exclude or (only and h["id"] not in only):
            continue
        free = free_memory(ctx, h)
        if free >= int(vm.get("memory", 0)) and free > best_free:
            best, best_free = h, free
    return best


def host_param(ctx: Context, params: dict) -> dict | None:
    """The host an action's parameters name (by id or name), 404 when it does not exist."""
    ref = params.get("host")
    if not isinstance(ref, dict):
        return None
    if ref.get("id"):
        h = ctx.store.get("hosts", ref["id"])
    elif ref.get("name"):
        h = ctx.store.find_by_name("hosts", ref["name"])
    else:
        return None
    if h is None:
        raise Fault(404, "Operation Failed",
                    f"Entity not found: Host: {ref.get('id') or ref.get('name')}")
    return h


@on.action("vm", "migrate")
def migrate(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    if vm.get("status") != "up":
        raise conflict("migrate", "VM", "VM is not running.")
    src = (vm.get("host") or {}).get("id")
    target = host_param(ctx, params)
    if target is not None:
        if target["id"] == src:
            raise conflict("migrate", "VM", "The VM is already running on the destination "
                           "host.")
        if target.get("status") != "up" or free_memory(ctx, target) < int(vm.get("memory", 0)):
            raise conflict("migrate", "VM", "There is no host that satisfies current "
                           "scheduling constraints.")
    else:
        target = pick_host(ctx, vm, exclude=src)
        if target is None:
            raise conflict("migrate", "VM", "There is no host that satisfies current "
                           "scheduling constraints. See below for details:, The host(s) did "
                           "not satisfy internal filter Migration.")
    job = migrate_vm(ctx, vm, target)
    return {"job": {"id": job}}


def migrate_vm(ctx: Context, vm: dict, target: dict,
               after: Callable[[], None] | None = None) -> str:
    """Move a running VM to another host (migrating, then up there); returns the job id."""
    vid, name = vm["id"], vm["name"]
    src_name = ref_name(ctx, vm.get("host"), "host")
    job = start_job(ctx, f"Migrating VM {name} to Host {target['name']}")
    set_vm(ctx, vid, status="migrating")
    event(ctx, 62, "normal", f"Migration started (VM: {name}, Source: {src_name}, "
          f"Destination: {target['name']}, User: {user_label(ctx)}).", vm=vid)

    def done() -> None:
        set_vm(ctx, vid, status="up", host={"id": target["id"]})
        event(ctx.background(), 63, "normal", f"Migration completed (VM: {name}, Source: "
              f"{src_name}, Destination: {target['name']}).", vm=vid, host=target["id"])
        end_job(ctx, job)
        if after:
            after()

    ctx.scheduler.sequence(f"vm:{vid}", [(2.0, done)])
    return job


@on.action("vm", "cancel_migration")
def cancel_migration(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    if vm.get("status") != "migrating":
        raise conflict("cancel migration for", "VM", "VM is not being migrated.")
    ctx.scheduler.cancel(f"vm:{vm['id']}")
    set_vm(ctx, vm["id"], status="up")
    event(ctx, 65, "normal", f"Migration cancelled (VM: {vm['name']}).", vm=vm["id"])
    return {}
