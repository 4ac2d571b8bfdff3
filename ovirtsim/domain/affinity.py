"""Affinity groups and labels: their label members, the labels of VMs and hosts, and the
rules placement obeys.

Members are reference lists on the group or label (``vms``, ``hosts``, ``vm_labels``,
``host_labels``; see ``memberships``). Enforcing rules filter hosts out; non-enforcing ones
only make hosts less preferred. A label ties VMs to hosts: a labelled VM runs only on the
hosts of its labels (when the label has hosts).
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import NotFound
from ..core.registry import View
from ..dispatch.references import resolve_refs
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .memberships import _members


def ids(obj: dict, key: str) -> list[str]:
    """The ids of a member list (``vms``, ``hosts``, ``vm_labels``, ``host_labels``)."""
    return [r["id"] for r in obj.get(key) or [] if isinstance(r, dict) and r.get("id")]


on.view("affinity_group", "vm_labels", _members("affinitylabels", "vm_labels"))
on.view("affinity_group", "host_labels", _members("affinitylabels", "host_labels"))


def _labels_of(key: str) -> View:
    """The labels of a VM or host (``/vms/x/affinitylabels``): attaching one adds the VM or
    host to the label's members."""

    def match(ctx: Context, parent: dict | None, label: dict) -> bool:
        return (parent or {}).get("id") in ids(label, key)

    def attach(ctx: Context, node: Node, parent: Node, data: dict) -> dict:
        resolve_refs(ctx, "affinity_label", data)
        label = ctx.store.get("affinitylabels", data.get("id") or "")
        if label is None:
            raise NotFound()
        refs = list(label.get(key) or [])
        if parent.id not in ids(label, key):
            ctx.store.update("affinitylabels", label["id"], **{key: [*refs, {"id": parent.id}]})
        return ctx.store.get("affinitylabels", label["id"]) or label

    def detach(ctx: Context, node: Node, parent: Node) -> None:
        label = node.obj or {}
        refs = [r for r in label.get(key) or [] if r.get("id") != parent.id]
        ctx.store.update("affinitylabels", str(label.get("id")), **{key: refs})

    return View("affinitylabels", match=match, attach=attach, detach=detach)


on.view("vm", "affinity_labels", _labels_of("vms"))
on.view("host", "affinity_labels", _labels_of("hosts"))


@on.before("add", "affinity_group")
def group_defaults(ctx: Context, node: Node, data: dict) -> None:
    legacy_positive = data.get("positive", True)
    legacy_enforcing = data.get("enforcing", True)
    rule = {"enabled": True, "positive": legacy_positive, "enforcing": legacy_enforcing}
    data["vms_rule"] = {**rule, **(data.get("vms_rule") or {})}
    data["hosts_rule"] = {"enabled": True, "positive": True, "enforcing": False,
                          **(data.get("hosts_rule") or {})}
    data["positive"] = data["vms_rule"]["positive"]
    data["enforcing"] = data["vms_rule"]["enforcing"]
    data.setdefault("priority", 1.0)
    data.setdefault("broken", False)


@on.before("update", "affinity_group")
def group_update(ctx: Context, node: Node, data: dict) -> None:
    if "positive" in data or "enforcing" in data:
        vr = dict(data.get("vms_rule") or (node.obj or {}).get("vms_rule") or {})
        for k in ("positive", "enforcing"):
            if k in data:
                vr[k] = data[k]
        data["vms_rule"] = vr


@on.before("add", "affinity_label")
def label_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("read_only", False)
    data.setdefault("has_implicit_affinity_group", False)


def groups_of(ctx: Context, vm: dict) -> list[dict]:
    """The affinity groups of the VM's cluster that hold it (directly or by a label)."""
    cl = (vm.get("cluster") or {}).get("id")
    labels = {lb["id"] for lb in ctx.store.items("affinitylabels")
              if vm["id"] in ids(lb, "vms")}
    return [g for g in ctx.store.items(f"clusters/{cl}/affinitygroups")
            if vm["id"] in ids(g, "vms") or labels & set(ids(g, "vm_labels"))]


def _member_hosts(ctx: Context, group: dict, vm: dict, placed: dict[str, str]) -> set[str]:
    """Hosts where the group's other VMs run (``placed`` overrides: planned moves)."""
    out = set()
    labels = set(ids(group, "vm_labels"))
    members = set(ids(group, "vms")) | {
        v for lb in ctx.store.items("affinitylabels") if lb["id"] in labels
        for v in ids(lb, "vms")}
    for vid in members - {vm["id"]}:
        if vid in placed:
            out.add(placed[vid])
            continue
        other = ctx.store.get("vms", vid) or {}
        hid = (other.get("host") or {}).get("id")
        if hid and other.get("status") in RUNNING:
            out.add(hid)
    return out


def violations(ctx: Context, vm: dict, host: dict,
               placed: dict[str, str] | None = None) -> tuple[list[str], int]:
    """Why the VM may not run on the host (enforcing rules: names of the filters that
    refuse it) and how many non-enforcing rules the host breaks."""
    hard: list[str] = []
    soft = 0
    hid = host["id"]
    for g in groups_of(ctx, vm):
        vr = g.get("vms_rule") or {"enabled": True, "positive": g.get("positive", True),
                                   "enforcing": g.get("enforcing", True)}
        if vr.get("enabled", True):
            others = _member_hosts(ctx, g, vm, placed or {})
            broken = (others and hid not in others) if vr.get("positive", True) \
                else hid in others
            if broken:
                if vr.get("enforcing", True):
                    hard.append("VmAffinityGroups")
                else:
                    soft += 1
        hr = g.get("hosts_rule") or {}
        hosts = set(ids(g, "hosts")) | {
            h for lb in ctx.store.items("affinitylabels")
            if lb["id"] in set(ids(g, "host_labels")) for h in ids(lb, "hosts")}
        if hosts and hr.get("enabled", True):
            broken = hid not in hosts if hr.get("positive", True) else hid in hosts
            if broken:
                if hr.get("enforcing", False):
                    hard.append("VmToHostsAffinityGroups")
                else:
                    soft += 1
    for lb in ctx.store.items("affinitylabels"):
        if vm["id"] in ids(lb, "vms") and ids(lb, "hosts") and hid not in ids(lb, "hosts"):
            hard.append("Label")
    return hard, soft
