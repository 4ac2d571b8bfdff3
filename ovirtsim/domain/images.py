"""Image management: thin and preallocated sizes, the space they take on their domain,
and disk copy, move, sparsify, reduce and extend (locked -> ok, with a job and events)."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, NotFound, conflict
from ..core.journal import event, scheduled_job
from ..web.routing import Node


def find(ctx: Context, coll: str, ref: dict | None, label: str) -> dict:
    """An object referenced by id or name in an action's parameters (404 fault if absent)."""
    ref = ref or {}
    if not ref.get("id") and not ref.get("name"):
        raise Fault(400, "Incomplete parameters",
                    f"Action [{label[0].lower() + label[1:]}.id|name] required for this action")
    obj = ctx.store.get(coll, str(ref["id"])) if ref.get("id") else \
        ctx.store.find_by_name(coll, str(ref.get("name"))) if ref.get("name") else None
    if obj is None:
        key = f"id={ref['id']}" if ref.get("id") else f"name={ref.get('name')}"
        raise Fault(404, "Operation Failed", f"Entity not found: {label}: {key}")
    return obj


def initial_size(disk: dict) -> int:
    """What a new image takes: a sparse image grows from a header, a raw one is all there."""
    size = int(disk.get("provisioned_size") or 0)
    return size if not disk.get("sparse") else min(size, 200 * 1024**2)


def charge(ctx: Context, sd_id: str | None, delta: int) -> None:
    """Move ``delta`` bytes from a domain's free space to its used space."""
    sd = ctx.store.get("storagedomains", str(sd_id)) if sd_id else None
    if sd is None or not delta:
        return
    ctx.store.update("storagedomains", sd["id"], used=max(0, int(sd.get("used", 0)) + delta),
                     available=max(0, int(sd.get("available", 0)) - delta))


def domain_of(disk: dict) -> str | None:
    sds = disk.get("storage_domains") or []
    return sds[0].get("id") if sds else None


@on.after("add", "disk")
def disk_space(ctx: Context, node: Node, data: dict) -> None:
    size = initial_size(data)
    ctx.store.update("disks", data["id"], actual_size=size, total_size=size)
    charge(ctx, domain_of(data), size)


@on.after("remove", "disk")
def disk_space_freed(ctx: Context, node: Node) -> None:
    disk = node.obj or {}
    charge(ctx, domain_of(disk), -int(disk.get("actual_size") or 0))


def _locked_work(ctx: Context, disk: dict, verb: str, done) -> dict:  # type: ignore[no-untyped-def]
    if disk.get("status") != "ok":
        raise conflict(verb, "Virtual Disk", "Disk is locked. Please try again later.")
    did = disk["id"]
    ctx.store.update("disks", did, status="locked")

    def finish() -> None:
        done()
        ctx.store.update("disks", did, status="ok")

    return scheduled_job(ctx, f"{verb.capitalize()} Disk {disk.get('name', did)}", f"disk:{did}",
                         [(3.0, finish)])


def _target(ctx: Context, disk: dict, params: dict, verb: str) -> dict:
    sd = find(ctx, "storagedomains", params.get("storage_domain"), "StorageDomain")
    if sd.get("type") != "data":
        raise conflict(verb, "Virtual Disk", "Storage Domain is not a data domain.")
    if (sd.get("available") or 0) < int(disk.get("actual_size") or 0):
        raise conflict(verb, "Virtual Disk", f"Low disk space on Storage Domain {sd['name']}.")
    return sd


@on.action("disk", "move")
def move(ctx: Context, node: Node, params: dict) -> dict:
    disk = dict(node.obj or {})
    sd = _target(ctx, disk, params, "move")
    src = domain_of(disk)
    if src == sd["id"]:
        raise conflict("move", "Virtual Disk", "The disk is already on the target Storage "
                       "Domain.")
    size = int(disk.get("actual_size") or 0)

    def moved() -> None:
        ctx.store.update("disks", disk["id"], storage_domains=[{"id": sd["id"]}])
        charge(ctx, src, -size)
        charge(ctx, sd["id"], size)
        event(ctx, 2009, "normal", f"User {ctx.req.user.get('user_name') if ctx.req else ''} "
              f"finished moving disk {disk.get('name')} to domain {sd['name']}.")

    return _locked_work(ctx, disk, "move", moved)


@on.action("disk", "copy")
def copy(ctx: Context, node: Node, params: dict) -> dict:
    disk = dict(node.obj or {})
    sd = _target(ctx, disk, params, "copy")
    new_id = ctx.new_id()
    alias = (params.get("disk") or {}).get("alias") or (params.get("disk") or {}).get("name") \
        or disk.get("name")
    size = int(disk.get("actual_size") or 0)
    copy_doc = {**disk, "id": new_id, "name": alias, "alias": alias, "status": "locked",
                "storage_domains": [{"id": sd["id"]}]}
    copy_doc.pop("alias", None)
    ctx.store.put("disks", "disk", copy_doc)

    def copied() -> None:
        ctx.store.update("disks", new_id, status="ok")
        charge(ctx, sd["id"], size)

    out = _locked_work(ctx, disk, "copy", copied)
    return {**out, "disk": {"id": new_id}}


@on.action("disk", "sparsify")
def sparsify(ctx: Context, node: Node, params: dict) -> dict:
    disk = dict(node.obj or {})
    if not disk.get("sparse"):
        raise conflict("sparsify", "Virtual Disk", "Disk is preallocated; only thin "
                       "provisioned disks can be sparsified.")
    _not_running(ctx, disk, "sparsify")
    old = int(disk.get("actual_size") or 0)
    new = old // 2

    def done() -> None:
        ctx.store.update("disks", disk["id"], actual_size=new, total_size=new)
        charge(ctx, domain_of(disk), new - old)

    return _locked_work(ctx, disk, "sparsify", done)


@on.action("disk", "reduce")
def reduce(ctx: Context, node: Node, params: dict) -> dict:
    disk = dict(node.obj or {})
    if disk.get("format") != "cow":
        raise conflict("reduce", "Virtual Disk", "Only QCOW2 disks on block storage can be "
                       "reduced.")
    _not_running(ctx, disk, "reduce")
    old = int(disk.get("actual_size") or 0)
    new = max(old * 9 // 10, 1)

    def done() -> None:
        ctx.store.update("disks", disk["id"], actual_size=new, total_size=new)
        charge(ctx, domain_of(disk), new - old)

    return _locked_work(ctx, disk, "reduce", done)


def _not_running(ctx: Context, disk: dict, verb: str) -> None:
    for coll, items in ctx.store.colls.items():
        if coll.startswith("vms/") and coll.endswith("/diskattachments") and disk["id"] in items:
            vm = ctx.store.get("vms", coll.split("/")[1]) or {}
            if vm.get("status") != "down":
                raise conflict(verb, "Virtual Disk", "At least one of the VMs is not down.")


@on.before("update", "disk")
def extend(ctx: Context, node: Node, data: dict) -> None:
    """A larger provisioned_size extends the disk; shrinking is refused, as on the engine."""
    disk = node.obj or {}
    if "provisioned_size" not in data:
        return
    old, new = int(disk.get("provisioned_size") or 0), int(data["provisioned_size"])
    if new < old:
        raise conflict("update", "Virtual Disk", "New disk size cannot be smaller than the "
                       "current disk size.")
    if new > old and not disk.get("sparse"):
        grow = new - old
        data["actual_size"] = int(disk.get("actual_size") or 0) + grow
        data["total_size"] = data["actual_size"]
        charge(ctx, domain_of(disk), grow)


def disk_or_404(ctx: Context, oid: str) -> dict:
    disk = ctx.store.get("disks", oid)
    if disk is None:
        raise NotFound()
    return disk
