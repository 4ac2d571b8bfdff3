"""VM power lifecycle: start, stop, shutdown, suspend, reboot, reset, freeze and thaw."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict
from ..core.journal import event, finished_job, scheduled_job, user_label
from ..dispatch.references import ref_name
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .placement import no_host, pick_host, pinned_hosts
from .quotas import check_quota
from .vms import set_vm, vm_of


@on.action("vm", "start")
def start(ctx: Context, node: Node, params: dict) -> dict:
    return start_vm(ctx, vm_of(ctx, node), params)


def start_vm(ctx: Context, vm: dict, params: dict) -> dict:
    """Place and launch a VM (wait_for_launch, powering_up, up); returns the reply fields."""
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
        h = ctx.store.find_by_name("hosts", n)
        if h:
            pinned.append(h["id"])
    if (vm.get("placement_policy") or {}).get("affinity") == "pinned" and not pinned:
        pinned = pinned_hosts(vm)
    check_quota(ctx, vm, "run")
    host = pick_host(ctx, vm, only=pinned or None)
    if host is None:
        raise no_host(ctx, vm, "run", only=pinned or None)
    vid, name, hid = vm["id"], vm["name"], host["id"]
    paused = bool(params.get("pause"))

    def up() -> None:
        set_vm(ctx, vid, status="paused" if paused else "up", start_time=ctx.now(),
               fqdn=f"{name}.example.com", stop_time=None, run_once=bool(params.get("vm")))
        event(ctx, 32, "normal", f"VM {name} started on Host {host['name']}", vm=vid, host=hid)

    if st == "suspended":
        set_vm(ctx, vid, status="restoring_state", host={"id": hid})
        steps = [(2.0, up)]
    else:
        set_vm(ctx, vid, status="wait_for_launch", host={"id": hid})
        event(ctx, 153, "normal", f"VM {name} was started by {user_label(ctx)} "
              f"(Host: {host['name']}).", vm=vid, host=hid)
        steps = [(1.0, lambda: set_vm(ctx, vid, status="powering_up")), (2.0, up)]
    return scheduled_job(ctx, f"Launching VM {name}", f"vm:{vid}", steps)


def require_running(vm: dict, verb: str, allowed: frozenset[str] | set[str] = RUNNING) -> None:
    if vm.get("status") not in allowed:
        raise conflict(verb, "VM", "VM is not running.")


@on.action("vm", "stop")
def stop(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    require_running(vm, "stop", RUNNING | {"suspended"})
    ctx.scheduler.cancel(f"vm:{vm['id']}")
    host = ref_name(ctx, vm.get("host"), "host") or "N/A"
    set_vm(ctx, vm["id"], status="down", host=None, stop_time=ctx.now(), fqdn=None)
    event(ctx, 33, "normal", f"VM {vm['name']} powered off by {user_label(ctx)} "
          f"(Host: {host}).", vm=vm["id"])
    return finished_job(ctx, f"Stopping VM {vm['name']}")


@on.action("vm", "shutdown")
def shutdown(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    require_running(vm, "shutdown")
    vid, name = vm["id"], vm["name"]
    set_vm(ctx, vid, status="powering_down")
    event(ctx, 73, "normal", f"VM shutdown initiated by {user_label(ctx)} on VM {name}.",
          vm=vid)

    def down() -> None:
        set_vm(ctx, vid, status="down", host=None, stop_time=ctx.now(), fqdn=None)
        event(ctx.background(), 61, "normal", f"VM {name} is down. Exit message: User shut "
              "down from within the guest", vm=vid)

    return scheduled_job(ctx, f"Shutting down VM {name}", f"vm:{vid}", [(2.0, down)])


@on.action("vm", "suspend")
def suspend(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    if vm.get("status") != "up":
        raise conflict("suspend", "VM", "VM is not up.")
    vid, name = vm["id"], vm["name"]
    set_vm(ctx, vid, status="saving_state")

    def done() -> None:
        set_vm(ctx, vid, status="suspended", host=None)
        event(ctx.background(), 35, "normal", f"Suspending VM {name} has been completed.",
              vm=vid)

    return scheduled_job(ctx, f"Suspending VM {name}", f"vm:{vid}", [(2.0, done)])


@on.action("vm", "reboot")
def reboot(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    require_running(vm, "reboot", {"up"})
    vid = vm["id"]
    set_vm(ctx, vid, status="reboot_in_progress")
    event(ctx, 157, "normal", f"VM {vm['name']} was restarted by {user_label(ctx)}.", vm=vid)
    return scheduled_job(ctx, f"Rebooting VM {vm['name']}", f"vm:{vid}",
                         [(2.0, lambda: set_vm(ctx, vid, status="up", start_time=ctx.now()))])


@on.action("vm", "reset")
def reset(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    require_running(vm, "reset", {"up", "paused"})
    set_vm(ctx, vm["id"], status="up", start_time=ctx.now())
    event(ctx, 10940, "normal", f"VM {vm['name']} was reset by {user_label(ctx)}.",
          vm=vm["id"])
    return finished_job(ctx, f"Resetting VM {vm['name']}")


@on.action("vm", "freeze_filesystems")
def freeze_filesystems(ctx: Context, node: Node, params: dict) -> dict:
    require_running(vm_of(ctx, node), "freeze filesystems on", {"up"})
    return {}


@on.action("vm", "thaw_filesystems")
def thaw_filesystems(ctx: Context, node: Node, params: dict) -> dict:
    require_running(vm_of(ctx, node), "thaw filesystems on", {"up"})
    return {}
