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
from .affinity import violations
from .scheduling import ordering, policy_of
from .vms import scheduling_base, set_vm, vm_of


def free_memory(ctx: Context, host: dict) -> int:
    used = sum(int(v.get("memory", 0)) for v in ctx.store.items("vms")
               if (v.get("host") or {}).get("id") == host["id"] and v.get("status") in RUNNING)
    return scheduling_base(host) - used


def candidates(ctx: Context, vm: dict, exclude: str | None = None,
               only: list[str] | None = None, placed: dict[str, str] | None = None,
               extra_memory: dict[str, int] | None = None) -> tuple[list[dict], list[str]]:
    """Hosts that may run the VM, best first by the cluster's policy; and the names of the
    filters that refused the others (for the engine's 'did not satisfy' message)."""
    cl = (vm.get("cluster") or {}).get("id")
    cluster = ctx.store.get("clusters", cl or "") or {}
    refused: list[str] = []
    ok: list[tuple[int, dict]] = []
    if policy_of(ctx, cluster).get("name") == "cluster_maintenance" and \
            vm.get("status") not in RUNNING and \
            not (vm.get("high_availability") or {}).get("enabled"):
        return [], ["ClusterInMaintenance"]  # only running and HA VMs during maintenance
    for h in ctx.store.items("hosts"):
        if (h.get("cluster") or {}).get("id") != cl or h["id"] == exclude:
            continue
        if h.get("status") != "up":
            continue
        if only and h["id"] not in only:
            refused.append("PinToHost")
            continue
        if free_memory(ctx, h) - (extra_memory or {}).get(h["id"], 0) < \
                int(vm.get("memory", 0)):
            refused.append("Memory")
            continue
        hard, soft = violations(ctx, vm, h, placed)
        if hard:
            refused.extend(hard)
            continue
        ok.append((soft, h))
    key = ordering(ctx, cluster, vm)
    ok.sort(key=lambda sh: (sh[0], key(sh[1])))
    return [h for _, h in ok], refused


def pick_host(ctx: Context, vm: dict, exclude: str | None = None,
              only: list[str] | None = None, placed: dict[str, str] | None = None,
              extra_memory: dict[str, int] | None = None) -> dict | None:
    """The best up host of the VM's cluster that passes every filter, or None."""
    hosts, _ = candidates(ctx, vm, exclude, only, placed, extra_memory)
    return hosts[0] if hosts else None


def no_host(ctx: Context, vm: dict, verb: str, exclude: str | None = None,
            only: list[str] | None = None) -> Fault:
    """The engine's fault when no host passes the filters, naming the ones that refused."""
    _, refused = candidates(ctx, vm, exclude, only)
    why = "The host(s) did not satisfy internal filter Memory because of insufficient " \
        "free memory." if not refused or refused[0] == "Memory" else \
        f"The host(s) did not satisfy internal filter {refused[0]}."
    if refused and refused[0] == "ClusterInMaintenance":
        why = "The host(s) did not satisfy internal filter ClusterInMaintenance because the " \
            "cluster is in maintenance: only highly available VMs may start."
    if refused and refused[0] in ("VmAffinityGroups", "VmToHostsAffinityGroups", "Label"):
        why = f"The host(s) did not satisfy internal filter {refused[0]} because of the " \
            "affinity rules of the VM."
    return conflict(verb, "VM", "There is no host that satisfies current scheduling "
                    f"constraints. See below for details:, {why}")


def pinned_hosts(vm: dict) -> list[str]:
    """Hosts the VM's placement policy names (a pinned VM runs only there)."""
    return [h["id"] for h in (vm.get("placement_policy") or {}).get("hosts") or []
            if isinstance(h, dict) and h.get("id")]


def migratable(vm: dict) -> bool:
    return (vm.get("placement_policy") or {}).get("affinity", "migratable") == "migratable"


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
    if (vm.get("placement_policy") or {}).get("affinity") == "pinned":
        raise conflict("migrate", "VM", "VM is non migratable.")
    src = (vm.get("host") or {}).get("id")
    target = host_param(ctx, params)
    if target is not None:
        if target["id"] == src:
            raise conflict("migrate", "VM", "The VM is already running on the destination "
                           "host.")
        if target not in candidates(ctx, vm, exclude=src)[0]:
            raise no_host(ctx, vm, "migrate", exclude=src, only=[target["id"]])
    else:
        target = pick_host(ctx, vm, exclude=src)
        if target is None:
            raise no_host(ctx, vm, "migrate", exclude=src)
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
