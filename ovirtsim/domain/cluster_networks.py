"""Networks attached to clusters: POST /clusters/x/networks attaches an existing network of
the cluster's data center (required, roles), it does not create one; DELETE detaches."""

from __future__ import annotations

from ..core.context import Context
from ..core.errors import Fault, conflict
from ..web.routing import Node

ROLES = ("display", "migration", "management", "default_route", "gluster")


def cluster_attach(ctx: Context, node: Node, parent: Node, data: dict) -> dict:
    store = ctx.store
    cluster = parent.obj or {}
    net = store.get("networks", str(data["id"])) if data.get("id") else \
        next((n for n in store.items("networks") if n.get("name") == data.get("name") and
              (n.get("data_center") or {}).get("id") ==
              (cluster.get("data_center") or {}).get("id")), None)
    if net is None:
        raise Fault(404, "Operation Failed", f"Entity not found: Network: "
                    f"{'id=' + data['id'] if data.get('id') else 'name=' + str(data.get('name'))}")
    if (net.get("data_center") or {}).get("id") != (cluster.get("data_center") or {}).get("id"):
        raise conflict("attach", "Network", "The Network does not belong to the Cluster's "
                       "Data Center.")
    attached = dict(net.get("_clusters") or {})
    if str(parent.id) in attached:
        raise conflict("attach", "Network", "The Network is already attached to the Cluster.")
    usages = [u for u in data.get("usages") or [] if u in ROLES or u == "vm"] or \
        list(net.get("usages") or ["vm"])
    attached[str(parent.id)] = {"required": bool(data.get("required", True)),
                                "usages": usages}
    return store.update("networks", net["id"], _clusters=attached) or net


def cluster_detach(ctx: Context, node: Node, parent: Node) -> None:
    net = node.obj or {}
    if "management" in ((net.get("_clusters") or {}).get(str(parent.id)) or {}).get(
            "usages", []):
        raise conflict("detach", "Network", "The management network cannot be detached.")
    attached = {k: v for k, v in (net.get("_clusters") or {}).items() if k != parent.id}
    ctx.store.update("networks", str(net["id"]), _clusters=attached)


def cluster_fields(ctx: Context, coll_node: Node, obj: dict) -> dict | None:
    """Below a cluster, a network shows its cluster role: required and usages."""
    parent = coll_node.parent_entity()
    if parent is None or parent.type != "cluster":
        return None
    info = (obj.get("_clusters") or {}).get(str(parent.id))
    if not info:
        return None
    return {"required": info["required"], "usages": info["usages"],
            "cluster": {"id": parent.id}}
