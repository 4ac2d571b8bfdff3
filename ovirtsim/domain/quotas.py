"""Quotas: the memory and vCPUs of running VMs counted against their quota's cluster limits.

The data center's ``quota_mode`` decides: ``disabled`` counts nothing, ``audit`` allows and
records an event, ``enabled`` refuses to run a VM that would pass the hard limit (the limit
plus ``cluster_hard_limit_pct`` grace).
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import event
from ..core.seed import GiB
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .scheduling import vcpus


def _quota_coll(ctx: Context, quota_id: str) -> str | None:
    for dc in ctx.store.items("datacenters"):
        if ctx.store.get(f"datacenters/{dc['id']}/quotas", quota_id):
            return f"datacenters/{dc['id']}/quotas"
    return None


def usage(ctx: Context, quota_id: str, cluster_id: str | None, skip: str | None = None
          ) -> tuple[int, int]:
    """Memory (bytes) and vCPUs of the running VMs of a quota (in a cluster, or all)."""
    mem = cpus = 0
    for v in ctx.store.items("vms"):
        if v["id"] == skip or (v.get("quota") or {}).get("id") != quota_id or \
                v.get("status") not in RUNNING:
            continue
        if cluster_id and (v.get("cluster") or {}).get("id") != cluster_id:
            continue
        mem += int(v.get("memory", 0))
        cpus += vcpus(v)
    return mem, cpus


def check_quota(ctx: Context, vm: dict, verb: str) -> None:
    """Refuse (enforced) or record (audit) running a VM beyond its quota's limits."""
    qid = (vm.get("quota") or {}).get("id")
    if not qid:
        return
    coll = _quota_coll(ctx, qid)
    if coll is None:
        return
    dc = ctx.store.get("datacenters", coll.split("/")[1]) or {}
    mode = dc.get("quota_mode", "disabled")
    if mode == "disabled":
        return
    quota = ctx.store.get(coll, qid) or {}
    grace = int(quota.get("cluster_hard_limit_pct", 20) or 0)
    cl = (vm.get("cluster") or {}).get("id")
    for limit in ctx.store.items(f"{coll}/{qid}/quotaclusterlimits"):
        lcl = (limit.get("cluster") or {}).get("id")
        if lcl and lcl != cl:
            continue
        mem, cpus = usage(ctx, qid, lcl, skip=vm["id"])
        mem += int(vm.get("memory", 0))
        cpus += vcpus(vm)
        over = []
        mlim = float(limit.get("memory_limit", -1))
        if mlim >= 0 and mem > mlim * GiB * (100 + grace) / 100:
            over.append("memory")
        vlim = int(limit.get("vcpu_limit", -1))
        if vlim >= 0 and cpus > vlim * (100 + grace) / 100:
            over.append("vcpu")
        if not over:
            continue
        what = " and ".join(over)
        if mode == "enabled":
            raise conflict(verb, "VM", f"Quota {quota.get('name')} {what} limit exceeded "
                           f"in cluster {(ctx.store.get('clusters', cl or '') or {}).get('name')}"
                           ". Contact the administrator to extend the quota.")
        event(ctx, 10004, "warning", f"Quota {quota.get('name')} {what} limit exceeded "
              f"(audit mode): VM {vm.get('name')} was allowed to run.", vm=vm["id"])


@on.before("add", "quota_cluster_limit")
def limit_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("memory_limit", -1)
    data.setdefault("vcpu_limit", -1)


@on.before("add", "quota")
def quota_defaults(ctx: Context, node: Node, data: dict) -> None:
    for k, v in (("cluster_hard_limit_pct", 20), ("cluster_soft_limit_pct", 80),
                 ("storage_hard_limit_pct", 20), ("storage_soft_limit_pct", 80)):
        data.setdefault(k, v)


@on.extra("quota_cluster_limit")
def limit_usage(ctx: Context, coll_node: Node, obj: dict) -> dict | None:
    """What the quota's running VMs use now (memory in GiB, as the limit)."""
    quota = coll_node.parent_entity()
    if quota is None or quota.id is None:
        return None
    mem, cpus = usage(ctx, quota.id, (obj.get("cluster") or {}).get("id"))
    return {"memory_usage": round(mem / GiB, 2), "vcpu_usage": cpus}


def _resolve_quota(ctx: Context, node: Node, data: dict) -> None:
    """A VM's quota given by name: the quota of that name in its cluster's data center."""
    ref = data.get("quota")
    if not isinstance(ref, dict) or ref.get("id") or not ref.get("name"):
        return
    cluster_ref = data.get("cluster") or (node.obj or {}).get("cluster") or {}
    cluster = ctx.store.get("clusters", str(cluster_ref.get("id", ""))) or {}
    dc = (cluster.get("data_center") or {}).get("id")
    found = ctx.store.find_by_name(f"datacenters/{dc}/quotas", str(ref["name"]))
    if found is None:
        raise Fault(404, "Operation Failed", f"Entity not found: Quota: name={ref['name']}")
    data["quota"] = {"id": found["id"]}


on.before("add", "vm")(_resolve_quota)
on.before("update", "vm")(_resolve_quota)
