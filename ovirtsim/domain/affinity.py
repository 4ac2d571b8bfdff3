"""Affinity groups and labels: their members, and the rules placement obeys.

A group keeps the ids of its members (``_vms``, ``_hosts``, ``_vm_labels``,
``_host_labels``); ``POST .../affinitygroups/{g}/vms`` with an existing VM's id makes it a
member. Enforcing rules filter hosts out; non-enforcing ones only make hosts less preferred.
A label ties VMs to hosts: a labelled VM runs only on hosts that carry its labels.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import NotFound, conflict, incomplete
from ..core.registry import View
from ..dispatch.references import resolve_refs
from ..dispatch.rules import RUNNING
from ..web.routing import Node

MEMBERS = {"vms": ("_vms", "vms", "VM"), "hosts": ("_hosts", "hosts", "Host"),
           "vm_labels": ("_vm_labels", "affinitylabels", "Label"),
           "host_labels": ("_host_labels", "affinitylabels", "Label")}


def _membership(link: str, owner: str) -> View:
    key, source, label = MEMBERS[link]

    def match(ctx: Context, parent: dict | None, obj: dict) -> bool:
        return obj.get("id") in ((parent or {}).get(key) or [])

    def attach(ctx: Context, node: Node, parent: Node, data: dict) -> dict:
        resolve_refs(ctx, node.type or "", data)
        oid = data.get("id")
        if not oid:
            raise incomplete(label, "id|name")
        obj = ctx.store.get(source, oid)
        if obj is None:
            raise NotFound()
        group = ctx.store.get(parent.coll or "", str(parent.id)) or {}
        ids = list(group.get(key) or [])
        if oid in ids:
            raise conflict("add", label, f"The {label} is already a member of the "
                           f"{owner}.")
        ctx.store.update(parent.coll or "", str(parent.id), **{key: [*ids, oid]})
        return obj

    def detach(ctx: Context, node: Node, parent: Node) -> None:
        group = ctx.store.get(parent.coll or "", str(parent.id)) or {}
        ids = [i for i in group.get(key) or [] if i != node.id]
        ctx.store.update(parent.coll or "", str(parent.id), **{key: ids})

    return View(source, match=match, attach=attach, detach=detach)


for _link in MEMBERS:
    on.view("affinity_group", _link, _membership(_link, "Affinity Group"))
on.view("affinity_label", "vms", _membership("vms", "Affinity Label"))
on.view("affinity_label", "hosts", _membership("hosts", "Affinity Label"))


def _labels_of(kind: str) -> View:
    key = MEMBERS[kind][0]

    def match(ctx: Context, parent: dict | None, label: dict) -> bool:
        return (parent or {}).get("id") in (label.get(key) or [])

    def attach(ctx: Context, node: Node, parent: Node, data: dict) -> dict:
        resolve_refs(ctx, "affinity_label", data)
        label = ctx.store.get("affinitylabels", data.get("id") or "")
        if label is None:
            raise NotFound()
        ids = list(label.get(key) or [])
        if parent.id not in ids:
            ctx.store.update("affinitylabels", label["id"], **{key: [*ids, parent.id]})
        return ctx.store.get("affinitylabels", label["id"]) or label

    def detach(ctx: Context, node: Node, parent: Node) -> None:
        label = node.obj or {}
        ids = [i for i in label.get(key) or [] if i != parent.id]
        ctx.store.update("affinitylabels", str(label.get("id")), **{key: ids})

    return View("affinitylabels", match=match, attach=attach, detach=detach)


on.view("vm", "affinity_labels", _labels_of("vms"))
on.view("host", "affinity_labels", _labels_of("hosts"))


def _take_inline_members(data: dict) -> None:
    for link, (key, _, _) in MEMBERS.items():
        refs = data.pop(link, None)
        if isinstance(refs, list):
            data[key] = [r["id"] for r in refs if isinstance(r, dict) and r.get("id")]


@on.before("add", "affinity_group")
def group_defaults(ctx: Context, node: Node, data: dict) -> None:
    _take_inline_members(data)
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
    _take_inline_members(data)
    if "positive" in data or "enforcing" in data:
        vr = dict(data.get("vms_rule") or (node.obj or {}).get("vms_rule") or {})
        for k in ("positive", "enforcing"):
            if k in data:
                vr[k] = data[k]
        data["vms_rule"] = vr


@on.before("add", "affinity_label")
def label_defaults(ctx: Context, node: Node, data: dict) -> None:
    _take_inline_members(data)
    data.setdefault("read_only", False)
    data.setdefault("has_implicit_affinity_group", False)


def groups_of(ctx: Context, vm: dict) -> list[dict]:
    """The affinity groups of the VM's cluster that hold it (directly or by a label)."""
    cl = (vm.get("cluster") or {}).get("id")
    labels = {lb["id"] for lb in ctx.store.items("affinitylabels")
              if vm["id"] in (lb.get("_vms") or [])}
    return [g for g in ctx.store.items(f"clusters/{cl}/affinitygroups")
            if vm["id"] in (g.get("_vms") or []) or labels & set(g.get("_vm_labels") or [])]


def _member_hosts(ctx: Context, group: dict, vm: dict, placed: dict[str, str]) -> set[str]:
    """Hosts where the group's other VMs run (``placed`` overrides: planned moves)."""
    out = set()
    labels = set(group.get("_vm_labels") or [])
    members = set(group.get("_vms") or []) | {
        v for lb in ctx.store.items("affinitylabels") if lb["id"] in labels
        for v in lb.get("_vms") or []}
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
        hosts = set(g.get("_hosts") or []) | {
            h for lb in ctx.store.items("affinitylabels")
            if lb["id"] in set(g.get("_host_labels") or []) for h in lb.get("_hosts") or []}
        if hosts and hr.get("enabled", True):
            broken = hid not in hosts if hr.get("positive", True) else hid in hosts
            if broken:
                if hr.get("enforcing", False):
                    hard.append("VmToHostsAffinityGroups")
                else:
                    soft += 1
    for lb in ctx.store.items("affinitylabels"):
        if vm["id"] in (lb.get("_vms") or []) and hid not in (lb.get("_hosts") or []):
            hard.append("Label")
    return hard, soft
