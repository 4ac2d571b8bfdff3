"""The periodic load balancer: one migration per run, as the cluster's policy asks.

``evenly_distributed`` moves a VM off a host above HighUtilization; ``power_saving`` also
empties hosts below LowUtilization onto busier ones (consolidating); ``vm_evenly_distributed``
evens VM counts above HighVmCount. With ``--time-scale 0`` a run repeats until nothing moves;
otherwise it comes back every ``INTERVAL`` seconds (scaled) while the policy balances.
``POST /sim/balance`` runs the balancer now.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..web.routing import Node
from .placement import candidates, migratable, migrate_vm
from .scheduling import cpu_load, number, policy_of, properties, vms_on

INTERVAL = 30.0
BALANCING = ("evenly_distributed", "power_saving", "vm_evenly_distributed")


def _hosts(ctx: Context, cid: str) -> list[dict]:
    return [h for h in ctx.store.items("hosts")
            if (h.get("cluster") or {}).get("id") == cid and h.get("status") == "up"]


def _move_one(ctx: Context, source: dict, fits) -> bool:
    """Migrate the first migratable VM of ``source`` to the first candidate ``fits`` accepts."""
    for vm in sorted(vms_on(ctx, source["id"]), key=lambda v: int(v.get("memory", 0))):
        if not migratable(vm) or vm.get("status") != "up":
            continue
        hosts, _ = candidates(ctx, vm, exclude=source["id"])
        target = next((h for h in hosts if fits(h, vm)), None)
        if target is not None:
            migrate_vm(ctx.background(), vm, target)
            return True
    return False


def balance_once(ctx: Context, cluster: dict) -> bool:
    """One balancing step in a cluster; True when it started a migration."""
    name = policy_of(ctx, cluster).get("name")
    if name not in BALANCING:
        return False
    hosts = _hosts(ctx, cluster["id"])
    if any(v.get("status") == "migrating" for h in hosts for v in vms_on(ctx, h["id"])):
        return False                      # one migration at a time, as the engine
    props = properties(ctx, cluster)
    high = number(props, "HighUtilization", 80)
    if name == "vm_evenly_distributed":
        high_count = number(props, "HighVmCount", 10)
        threshold = number(props, "MigrationThreshold", 5)
        counts = {h["id"]: len(vms_on(ctx, h["id"])) for h in hosts}
        if not counts:
            return False
        busiest = max(hosts, key=lambda h: counts[h["id"]])
        low = min(counts.values())
        if counts[busiest["id"]] <= high_count or counts[busiest["id"]] - low < threshold:
            return False
        return _move_one(ctx, busiest, lambda h, vm: counts[h["id"]] + 1 <
                         counts[busiest["id"]])
    over = [h for h in hosts if cpu_load(ctx, h) > high]
    if over:
        src = max(over, key=lambda h: cpu_load(ctx, h))
        return _move_one(ctx, src, lambda h, vm: cpu_load(ctx, h, vm) <= high)
    if name != "power_saving":
        return False
    low_util = number(props, "LowUtilization", 20)
    reserve = int(number(props, "HostsInReserve", 0))
    used = [h for h in hosts if vms_on(ctx, h["id"])]
    if len(hosts) - len(used) >= reserve and len(used) <= 1:
        return False
    under = sorted((h for h in used if cpu_load(ctx, h) < low_util),
                   key=lambda h: (cpu_load(ctx, h), len(vms_on(ctx, h["id"]))))
    for src in under:
        src_load, src_count = cpu_load(ctx, src), len(vms_on(ctx, src["id"]))

        def fits(h: dict, vm: dict, src_load: float = src_load,
                 src_count: int = src_count) -> bool:
            # onto a host already in use and busier than the source, staying under High
            load, count = cpu_load(ctx, h), len(vms_on(ctx, h["id"]))
            return count > 0 and (load, count) > (src_load, src_count) and \
                cpu_load(ctx, h, vm) <= high

        if _move_one(ctx, src, fits):
            return True
    return False


def schedule_balance(ctx: Context, cid: str) -> None:
    """Balance a cluster now (time scale 0: until stable) and then periodically."""
    bg = ctx.background()
    if ctx.scheduler.time_scale <= 0:
        balance_now(bg, cid)
        return

    def run() -> None:
        cluster = bg.store.get("clusters", cid)
        if cluster is None or policy_of(bg, cluster).get("name") not in BALANCING:
            return
        balance_once(bg, cluster)
        bg.scheduler.sequence(f"balance:{cid}", [(INTERVAL, run)])

    ctx.scheduler.sequence(f"balance:{cid}", [(INTERVAL, run)])


def balance_now(ctx: Context, cid: str, limit: int = 100) -> int:
    """Run balancing steps until nothing moves (each migration completes at scale 0)."""
    moved = 0
    while moved < limit:
        cluster = ctx.store.get("clusters", cid)
        if cluster is None or not balance_once(ctx, cluster):
            break
        moved += 1
        if ctx.scheduler.time_scale > 0:
            break
    return moved


@on.after("update", "cluster")
def cluster_policy_changed(ctx: Context, node: Node, doc: dict) -> None:
    schedule_balance(ctx, doc["id"])


@on.after("add", "cluster")
def cluster_added(ctx: Context, node: Node, doc: dict) -> None:
    schedule_balance(ctx, doc["id"])


@on.on_startup
def resume_balancing(ctx: Context) -> None:
    for cl in ctx.store.items("clusters"):
        if policy_of(ctx, cl).get("name") in BALANCING and ctx.scheduler.time_scale > 0:
            schedule_balance(ctx, cl["id"])


@on.control("balance")
def balance_control(ctx: Context, method: str, rest: list[str], body: dict
                    ) -> tuple[int, dict]:
    """``POST /sim/balance`` runs a balancing step in every cluster now."""
    if method != "POST" or rest:
        return 404, {"error": "POST /sim/balance"}
    moved = {cl["name"]: balance_now(ctx, cl["id"]) for cl in ctx.store.items("clusters")}
    return 200, {"migrations": moved}
