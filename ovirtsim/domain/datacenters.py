"""Data centers and clusters: defaults, the management network of a new data center (as
the engine's AddStoragePoolCommand makes it), and the CPU profile and management network
of a new cluster."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.registry import View
from ..web.routing import Node

on.view("data_center", "clusters", View("clusters", "data_center"))
on.view("cluster", "cpu_profiles", View("cpuprofiles", "cluster"))


@on.before("add", "data_center")
def data_center_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("local", False)
    data.setdefault("version", {"major": 4, "minor": 7})
    data.setdefault("storage_format", "v5")
    data.setdefault("quota_mode", "disabled")
    data["status"] = "uninitialized"


MANAGEMENT = "ovirtmgmt"
MANAGEMENT_USAGES = ["vm", "management", "display", "migration", "default_route"]


@on.after("add", "data_center")
def management_network(ctx: Context, node: Node, data: dict) -> None:
    net = ctx.new_id()
    ctx.store.put("networks", "network", {
        "id": net, "name": MANAGEMENT, "description": "Management Network",
        "data_center": {"id": data["id"]}, "mtu": 0, "stp": False, "usages": ["vm"],
        "port_isolation": False})
    ctx.store.put("vnicprofiles", "vnic_profile", {
        "id": ctx.new_id(), "name": MANAGEMENT, "network": {"id": net},
        "port_mirroring": False, "pass_through": {"mode": "disabled"}})


@on.action("data_center", "clean_finished_tasks")
def clean_finished_tasks(ctx: Context, node: Node, params: dict) -> dict:
    return {}


@on.before("add", "cluster")
def cluster_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("cpu", {"architecture": "x86_64", "type": "Intel Nehalem Family"})
    data.setdefault("version", {"major": 4, "minor": 7})


@on.after("add", "cluster")
def cluster_profile(ctx: Context, node: Node, data: dict) -> None:
    ctx.store.put("cpuprofiles", "cpu_profile", {
        "id": ctx.new_id(), "name": data["name"], "cluster": {"id": data["id"]}})
    dc = (data.get("data_center") or {}).get("id")
    want = data.get("management_network") or {}
    net = ctx.store.get("networks", str(want["id"])) if want.get("id") else next(
        (n for n in ctx.store.items("networks") if (n.get("data_center") or {}).get("id") == dc
         and n.get("name") == (want.get("name") or MANAGEMENT)), None) if dc else None
    if net is not None:  # attached with the management roles
        attached = {**(net.get("_clusters") or {}),
                    data["id"]: {"required": True, "usages": list(MANAGEMENT_USAGES)}}
        ctx.store.update("networks", net["id"], _clusters=attached)
