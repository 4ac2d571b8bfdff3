"""Storage domains: add, attach to / detach from data centers, activate and deactivate."""

from __future__ import annotations

from typing import Any

from ..core import registry as on
from ..core.context import Context
from ..core.errors import NotFound, camel, conflict, incomplete
from ..core.registry import View
from ..core.seed import GiB
from ..dispatch.references import resolve_refs
from ..web.routing import Node


@on.before("add", "storage_domain")
def storage_domain_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.pop("host", None)
    data.update(status="unattached", available=500 * GiB, used=0, committed=0,
                external_status="ok", master=False)
    data.setdefault("storage_format", "v5")


def attach_related(ctx: Context, node: Node, parent: Node, data: dict) -> dict:
    """POST /datacenters/x/storagedomains: attach an existing object to the parent."""
    assert node.view is not None and node.view.key is not None
    store, coll, key = ctx.store, node.coll or "", node.view.key
    resolve_refs(ctx, node.type or "", data)
    oid = data.get("id")
    if not oid:
        raise incomplete(camel(node.type or ""), "id|name")
    obj = store.get(coll, oid)
    if obj is None:
        raise NotFound()
    refs = list(obj.get(key) or [])
    if any(r.get("id") == parent.id for r in refs):
        raise conflict("attach", "Storage Domain", "Storage Domain is already attached.")
    refs.append({"id": parent.id})
    status = dict(obj.get("_dc_status") or {})
    status[str(parent.id)] = "locked"
    obj = store.update(coll, oid, **{key: refs, "_dc_status": status, "status": None}) or obj

    def active() -> None:
        cur = store.get(coll, oid)
        if cur:
            st = dict(cur.get("_dc_status") or {})
            st[str(parent.id)] = "active"
            store.update(coll, oid, _dc_status=st)

    ctx.scheduler.sequence(f"sd:{oid}", [(2.0, active)])
    return store.get(coll, oid) or obj


def detach_related(ctx: Context, node: Node, parent: Node) -> None:
    """DELETE /datacenters/x/storagedomains/y: detach, not remove."""
    assert node.view is not None and node.view.key is not None and node.obj is not None
    obj = node.obj
    refs = [r for r in obj.get(node.view.key) or [] if r.get("id") != parent.id]
    status = {k: v for k, v in (obj.get("_dc_status") or {}).items() if k != parent.id}
    changes: dict[str, Any] = {node.view.key: refs or None, "_dc_status": status}
    if not refs:
        changes["status"] = "unattached"
    ctx.store.update(node.coll or "", str(obj["id"]), **changes)


on.view("data_center", "storage_domains",
        View("storagedomains", "data_centers", many=True, attach=attach_related,
             detach=detach_related))
on.view("storage_domain", "disks",
        View("disks", "storage_domains", many=True, attach=attach_related,
             detach=detach_related))
on.view("storage_domain", "disk_profiles", View("diskprofiles", "storage_domain"))


@on.extra("storage_domain")
def status_in_data_center(ctx: Context, coll_node: Node, obj: dict) -> dict | None:
    """Below a data center, a storage domain shows its status there."""
    parent = coll_node.parent_entity()
    if parent is None or parent.type != "data_center":
        return None
    st = (obj.get("_dc_status") or {}).get(str(parent.id))
    return {"status": st, "data_center": {"id": parent.id}} if st else None


@on.action("attached_storage_domain", "deactivate")
def deactivate(ctx: Context, node: Node, params: dict) -> dict:
    return _sd_status(ctx, node, "active", "maintenance", "preparing_for_maintenance")


@on.action("attached_storage_domain", "activate")
def activate(ctx: Context, node: Node, params: dict) -> dict:
    return _sd_status(ctx, node, "maintenance", "active", "activating")


def _sd_status(ctx: Context, node: Node, need: str, final: str, middle: str) -> dict:
    store = ctx.store
    parent = node.ancestor("data_center")  # the action's node is the storage domain itself
    sd = store.get("storagedomains", str(node.id)) or {}
    dc = str(parent.id) if parent else ""
    st = dict(sd.get("_dc_status") or {})
    if st.get(dc) != need:
        raise conflict("change status of", "Storage Domain", f"Storage Domain status is not "
                       f"{need.capitalize()}.")
    st[dc] = middle
    store.update("storagedomains", sd["id"], _dc_status=st)

    def done() -> None:
        cur = dict((store.get("storagedomains", sd["id"]) or {}).get("_dc_status") or {})
        cur[dc] = final
        store.update("storagedomains", sd["id"], _dc_status=cur)

    ctx.scheduler.sequence(f"sd:{sd['id']}", [(2.0, done)])
    return {}


@on.action("storage_domain", "is_attached")
def is_attached(ctx: Context, node: Node, params: dict) -> dict:
    return {"is_attached": bool((node.obj or {}).get("data_centers"))}
