"""Networks, their vnic profiles, and VM network interfaces."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict
from ..core.registry import View
from ..web.routing import Node
from .cluster_networks import cluster_attach, cluster_detach, cluster_fields
from .vms import new_mac

on.extra("network")(cluster_fields)


def _in_cluster(ctx: Context, cluster: dict, network: dict) -> bool:
    return str(cluster.get("id")) in (network.get("_clusters") or {})


on.view("data_center", "networks", View("networks", "data_center"))
on.view("cluster", "networks", View("networks", match=_in_cluster,
                                    attach=cluster_attach, detach=cluster_detach))
on.view("network", "vnic_profiles", View("vnicprofiles", "network"))


@on.before("add", "network")
def network_defaults(ctx: Context, node: Node, data: dict) -> None:
    dc = data["data_center"]["id"]
    for n in ctx.store.items("networks"):
        if n.get("name") == data["name"] and (n.get("data_center") or {}).get("id") == dc:
            raise conflict("add", "Network", "The Network name is already in use, please "
                           "choose a unique name and try again.")
    data.setdefault("mtu", 0)
    data.setdefault("stp", False)
    data.setdefault("usages", ["vm"])


@on.after("add", "network")
def network_profile(ctx: Context, node: Node, data: dict) -> None:
    ctx.store.put("vnicprofiles", "vnic_profile", {
        "id": ctx.new_id(), "name": data["name"], "network": {"id": data["id"]},
        "port_mirroring": False, "pass_through": {"mode": "disabled"}})


@on.before("add", "nic")
def nic_defaults(ctx: Context, node: Node, data: dict) -> None:
    for other in ctx.store.items(node.coll or ""):
        if other.get("name") == data["name"]:
            raise conflict("add", "Interface", "The VM Network Interface name is already "
                           "in use.")
    data.setdefault("interface", "virtio")
    data.setdefault("linked", True)
    data.setdefault("plugged", True)
    if not (data.get("mac") or {}).get("address"):
        owner = node.parent_entity()
        cluster = ((owner.obj if owner else None) or {}).get("cluster") or {}
        data["mac"] = {"address": new_mac(ctx, cluster.get("id"))}


@on.action("vm_nic", "activate")
def nic_activate(ctx: Context, node: Node, params: dict) -> dict:
    ctx.store.update(node.coll or "", str(node.id), plugged=True)
    return {}


@on.action("vm_nic", "deactivate")
def nic_deactivate(ctx: Context, node: Node, params: dict) -> dict:
    ctx.store.update(node.coll or "", str(node.id), plugged=False)
    return {}
