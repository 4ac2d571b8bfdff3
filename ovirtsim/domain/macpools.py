"""MAC pools: a VM's new NICs draw addresses from its cluster's pool (its ranges, in
order, skipping addresses in use unless the pool allows duplicates)."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict
from ..web.routing import Node


def _int(mac: str) -> int:
    return int(mac.replace(":", ""), 16)


def _mac(n: int) -> str:
    h = f"{n:012x}"
    return ":".join(h[i:i + 2] for i in range(0, 12, 2))


def pool_of_cluster(ctx: Context, cluster_id: str | None) -> dict | None:
    cluster = ctx.store.get("clusters", cluster_id or "") or {}
    ref = cluster.get("mac_pool") or {}
    pool = ctx.store.get("macpools", ref["id"]) if ref.get("id") else \
        ctx.store.find_by_name("macpools", ref["name"]) if ref.get("name") else None
    return pool or next((p for p in ctx.store.items("macpools") if p.get("default_pool")),
                        None)


def used_macs(ctx: Context) -> set[str]:
    return {str((n.get("mac") or {}).get("address", "")).lower()
            for coll in [c for c in ctx.store.colls if c.startswith("vms/")
                         and c.endswith("/nics")] for n in ctx.store.items(coll)}


def mac_from_pool(ctx: Context, pool: dict) -> str:
    """The next free address of a pool's ranges (a counter per pool keeps it cheap)."""
    ranges = [(_int(r["from"]), _int(r["to"])) for r in pool.get("ranges") or []
              if r.get("from") and r.get("to")]
    total = sum(b - a + 1 for a, b in ranges)
    if not total:
        raise conflict("add", "NIC", "Not enough MAC addresses left in MAC Address Pool.")
    used = set() if pool.get("allow_duplicates") else used_macs(ctx)
    for _ in range(min(total, 65536)):
        k = (ctx.store.next_counter(f"mac:{pool['id']}") - 1) % total
        for a, b in ranges:
            if k <= b - a:
                mac = _mac(a + k)
                break
            k -= b - a + 1
        if mac not in used:
            return mac
    raise conflict("add", "NIC", "Not enough MAC addresses left in MAC Address Pool.")


@on.before("add", "mac_pool")
def mac_pool_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("allow_duplicates", False)
    data.setdefault("default_pool", False)
    for r in data.get("ranges") or []:
        if r.get("from") and r.get("to") and _int(r["from"]) > _int(r["to"]):
            raise conflict("add", "MAC Pool", "The MAC range is invalid: its start is after "
                           "its end.")
