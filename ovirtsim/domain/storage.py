"""Storage domains: add, attach to / detach from data centers, activate and deactivate."""

from __future__ import annotations

from typing import Any

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, NotFound, camel, conflict, incomplete
from ..core.journal import event
from ..core.registry import View
from ..core.seed import GiB
from ..dispatch.references import resolve_refs
from ..web.routing import Node

NEEDS = {"nfs": ("address", "path"), "localfs": ("path",), "posixfs": ("path",),
         "glusterfs": ("address", "path"), "iscsi": ("logical_units",),
         "fcp": ("logical_units",)}


def logical_units(storage: dict) -> list[dict]:
    """The LUNs a block domain is built on: ``logical_units``, or as the engine also reads
    them, ``volume_group.logical_units``."""
    return storage.get("logical_units") or \
        (storage.get("volume_group") or {}).get("logical_units") or []


@on.before("add", "storage_domain")
def storage_domain_defaults(ctx: Context, node: Node, data: dict) -> None:
    storage = data.get("storage") or {}
    if not data.get("type"):
        raise incomplete("StorageDomain", "type")
    if not storage.get("type"):
        raise incomplete("StorageDomain", "storage.type")
    given = {**storage, "logical_units": logical_units(storage)}
    missing = [f"storage.{k}" for k in NEEDS.get(storage["type"], ()) if not given.get(k)]
    if missing:
        raise incomplete("StorageDomain", ", ".join(missing))
    path = storage.get("path")
    if path and storage["type"] in ("nfs", "glusterfs", "localfs") and \
            not str(path).startswith("/"):
        raise Fault(400, "Operation Failed", "[Cannot add Storage Connection. Storage "
                    "connection path is illegal.]")
    data.pop("host", None)
    data.update(status="unattached", available=500 * GiB, used=0, committed=0,
                external_status="ok", master=False)
    data.setdefault("storage_format", "v5")


def attach_related(ctx: Context, node: Node, parent: Node, data: dict) -> dict:
    """POST /datacenters/x/storagedomains: attach an existing object to the parent."""
    assert node.view is not None and node.view.key is not None
    store, coll, key = ctx.store, node.coll or "", node.view.key
    resolve_refs(ctx, node.type or "", data)
    if not data.get("id") and data.get("name"):
        named = store.find_by_name(coll, str(data["name"]))
        if named is None:
            raise Fault(404, "Operation Failed",
                        f"Entity not found: {camel(node.type or '')}: name={data['name']}")
        data["id"] = named["id"]
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
            if coll == "storagedomains":
                elect_master(ctx, str(parent.id))

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
    if node.coll == "storagedomains" and (obj.get("_dc_status") or {}).get(parent.id) not in (
            None, "maintenance", "unattached", "locked"):
        raise conflict("detach", "Storage Domain", "Storage Domain status is not "
                       "Maintenance; move it to Maintenance first.")
    if node.coll == "storagedomains":
        changes["master"] = False
    ctx.store.update(node.coll or "", str(obj["id"]), **changes)
    if node.coll == "storagedomains":
        elect_master(ctx, str(parent.id))


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
    parent = node.ancestor("data_center")
    sd = store.get("storagedomains", str(node.parent.id if node.parent else "")) or {}
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
        if final == "maintenance":
            store.update("storagedomains", sd["id"], master=False)
        elect_master(ctx, dc)

    ctx.scheduler.sequence(f"sd:{sd['id']}", [(2.0, done)])
    return {}


@on.action("storage_domain", "is_attached")
def is_attached(ctx: Context, node: Node, params: dict) -> dict:
    return {"is_attached": bool((node.obj or {}).get("data_centers"))}


def elect_master(ctx: Context, dc_id: str) -> None:
    """Keep one active data domain of a data center master; the data center is up with a
    master, in maintenance when its domains are all in maintenance, else uninitialized."""
    store = ctx.store
    domains = [d for d in store.items("storagedomains")
               if any(r.get("id") == dc_id for r in d.get("data_centers") or [])]
    active = [d for d in domains if d.get("type") == "data"
              and (d.get("_dc_status") or {}).get(dc_id) == "active"]
    masters = [d for d in active if d.get("master")]
    for d in domains:
        if d.get("master") and d not in active:
            store.update("storagedomains", d["id"], master=False)
    if not masters and active:
        store.update("storagedomains", active[0]["id"], master=True)
        event(ctx.background(), 1000, "normal", f"Storage Domain {active[0]['name']} was "
              "elected master.", storage_domain=active[0]["id"])
    dc = store.get("datacenters", dc_id)
    if dc is None:
        return
    status = "up" if active else "maintenance" if any(
        (d.get("_dc_status") or {}).get(dc_id) == "maintenance" for d in domains
        if d.get("type") == "data") else "uninitialized"
    if dc.get("status") != status:
        store.update("datacenters", dc_id, status=status)


@on.action("data_center", "set_master")
def set_master(ctx: Context, node: Node, params: dict) -> dict:
    """Make another active data domain of the data center master."""
    from .images import find
    sd = find(ctx, "storagedomains", params.get("storage_domain"), "StorageDomain")
    dc = str(node.id)
    if sd.get("type") != "data" or (sd.get("_dc_status") or {}).get(dc) != "active":
        raise conflict("set master", "Storage Domain", "The Storage Domain must be an "
                       "active data domain of the Data Center.", True)
    for d in ctx.store.items("storagedomains"):
        if d.get("master") and any(r.get("id") == dc for r in d.get("data_centers") or []):
            ctx.store.update("storagedomains", d["id"], master=False)
    ctx.store.update("storagedomains", sd["id"], master=True)
    event(ctx, 1000, "normal", f"Storage Domain {sd['name']} was set as master.",
          storage_domain=sd["id"])
    return {}
