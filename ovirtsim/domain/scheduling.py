"""The cluster's scheduling policy: its properties, the simulated load of hosts, and the
weight that orders candidate hosts (even distribution, power saving, VM count)."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..dispatch.rules import RUNNING
from ..web.routing import Node

# each running vCPU keeps a quarter of a host thread busy: enough for loads to follow VMs
VCPU_LOAD = 25.0


def cluster_of(ctx: Context, obj: dict) -> dict:
    return ctx.store.get("clusters", (obj.get("cluster") or {}).get("id", "")) or {}


def policy_of(ctx: Context, cluster: dict) -> dict:
    """The cluster's scheduling policy (``none`` when it names none)."""
    ref = cluster.get("scheduling_policy") or {}
    pol = ctx.store.get("schedulingpolicies", ref["id"]) if ref.get("id") else \
        ctx.store.find_by_name("schedulingpolicies", ref["name"]) if ref.get("name") else None
    return pol or ctx.store.find_by_name("schedulingpolicies", "none") or {"name": "none"}


def properties(ctx: Context, cluster: dict) -> dict[str, str]:
    """The policy's properties, overridden by the cluster's custom ones."""
    props = {p["name"]: str(p.get("value", "")) for p in policy_of(ctx, cluster).get(
        "properties") or [] if p.get("name")}
    for p in cluster.get("custom_scheduling_policy_properties") or []:
        if p.get("name"):
            props[p["name"]] = str(p.get("value", ""))
    return props


@on.before("add", "cluster")
def policy_properties_on_add(ctx: Context, node: Node, data: dict) -> None:
    """A new cluster takes its policy's properties, unless it brings its own (as the engine
    copies them into the cluster)."""
    if data.get("custom_scheduling_policy_properties") is None:
        _copy_policy_properties(ctx, data, data)


@on.before("update", "cluster")
def policy_properties_on_update(ctx: Context, node: Node, data: dict) -> None:
    """A new policy without properties given resets them to the new policy's."""
    old = (node.obj or {}).get("scheduling_policy") or {}
    new = data.get("scheduling_policy") or {}
    changed = (new.get("id") and new["id"] != old.get("id")) or \
        (new.get("name") and new["name"] != policy_of(ctx, node.obj or {}).get("name"))
    if changed and data.get("custom_scheduling_policy_properties") is None:
        _copy_policy_properties(ctx, data, data)


def _copy_policy_properties(ctx: Context, cluster: dict, data: dict) -> None:
    props = policy_of(ctx, cluster).get("properties") or []
    data["custom_scheduling_policy_properties"] = [
        {"name": p["name"], "value": p.get("value", "")} for p in props if p.get("name")]


def number(props: dict[str, str], name: str, default: float) -> float:
    try:
        return float(props.get(name, default))
    except ValueError:
        return default


def vms_on(ctx: Context, hid: str) -> list[dict]:
    """The running VMs a host carries (migrating ones count on their source)."""
    return [v for v in ctx.store.items("vms")
            if (v.get("host") or {}).get("id") == hid and v.get("status") in RUNNING]


def vcpus(vm: dict) -> int:
    t = (vm.get("cpu") or {}).get("topology") or {}
    return int(t.get("sockets", 1) or 1) * int(t.get("cores", 1) or 1) * \
        int(t.get("threads", 1) or 1)


def threads(host: dict) -> int:
    t = (host.get("cpu") or {}).get("topology") or {}
    return max(1, int(t.get("sockets", 1) or 1) * int(t.get("cores", 1) or 1) *
               int(t.get("threads", 1) or 1))


def cpu_load(ctx: Context, host: dict, extra: dict | None = None) -> float:
    """Percent of the host's CPU its running VMs use (plus ``extra`` if placed there)."""
    vms = vms_on(ctx, host["id"]) + ([extra] if extra else [])
    return min(100.0, sum(vcpus(v) * VCPU_LOAD for v in vms) / threads(host))


def memory_used(ctx: Context, host: dict) -> int:
    return sum(int(v.get("memory", 0)) for v in vms_on(ctx, host["id"]))


def ordering(ctx: Context, cluster: dict, vm: dict):
    """A sort key over candidate hosts: the best host for ``vm`` sorts first."""
    name = policy_of(ctx, cluster).get("name")
    props = properties(ctx, cluster)
    high = number(props, "HighUtilization", 80)

    def key(host: dict) -> tuple:
        load = cpu_load(ctx, host)
        count = len(vms_on(ctx, host["id"]))
        free = int(host.get("_sched_base") or host.get("max_scheduling_memory") or
                   host.get("memory", 0)) - memory_used(ctx, host)
        if name == "power_saving":
            # the busiest host that stays under HighUtilization with the VM on it
            over = cpu_load(ctx, host, vm) > high
            return (over, -load, -count, -free)
        if name == "vm_evenly_distributed":
            return (count, load, -free)
        if name == "evenly_distributed":
            return (load, count, -free)
        return (-free, count)

    return key
