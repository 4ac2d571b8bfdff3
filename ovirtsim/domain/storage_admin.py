"""Storage administration: refresh and reduce the LUNs of a block domain, update a data
domain's OVF store, and the disk actions the engine also serves below storage domains and
data centers. (The model's vm_disk and template_disk services have no URL in API 4.6: VMs
and templates reach their disks through disk attachments, so nothing is registered for them.)

The sub-resource disk actions are the engine's same commands as on ``/disks/{id}``
(MoveDisk, MoveOrCopyDisk, SparsifyImage, ReduceImage), so they delegate to ``images``.
``export`` (ExportRepoImage, to a Glance image provider) and ``register`` (RegisterDisk, an
unregistered disk found on the domain) stay 501: the simulator keeps neither image
providers nor floating unregistered disks to act on.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import camel, conflict
from ..core.journal import event, scheduled_job, user_label
from ..core.registry import View
from ..web.routing import Node
from . import images
from .storage import logical_units

BLOCK = ("iscsi", "fcp")
STORAGE = "Storage"  # VAR__TYPE__STORAGE__DOMAIN: the engine says "Storage", not "... Domain"

# /datacenters/{dc}/storagedomains/{sd}/disks: the disks on that domain, as /storagedomains/
# {sd}/disks shows them (without this view the path would be an empty stored collection).
on.view("attached_storage_domain", "disks", View("disks", "storage_domains", many=True))


# ----- storage domains ---------------------------------------------------------------------

def _attachment(ctx: Context, sd: dict) -> tuple[str | None, str]:
    """The data center a domain is attached to and its status there (``unattached``)."""
    for ref in sd.get("data_centers") or []:
        dc = str(ref.get("id"))
        return dc, str((sd.get("_dc_status") or {}).get(dc) or "unknown")
    return None, str(sd.get("status") or "unattached")


def _status_is(verb: str, status: str, need: str) -> None:
    """StorageDomainCommandBase.checkStorageDomainStatus: ACTION_TYPE_FAILED_STORAGE_DOMAIN_
    STATUS_ILLEGAL2 names the status as the engine's enum does (``PreparingForMaintenance``)."""
    if status != need:
        raise conflict(verb, STORAGE, f"The relevant Storage Domain's status is "
                       f"{camel(status)}.")


def _block_domain(verb: str, sd: dict) -> list[dict]:
    """The domain's LUNs; only block (iSCSI, FCP) domains have them."""
    if (sd.get("storage") or {}).get("type") not in BLOCK:
        raise conflict(verb, STORAGE, "Storage Domain type is illegal.")
    return logical_units(sd.get("storage") or {})


def _lun_ids(params: dict) -> list[str]:
    return [str(u.get("id")) for u in params.get("logical_units") or [] if u.get("id")]


def _with_units(sd: dict, units: list[dict]) -> dict:
    """The domain's ``storage`` with its LUN list replaced (where the domain keeps it)."""
    storage = dict(sd.get("storage") or {})
    if storage.get("logical_units"):
        storage["logical_units"] = units
    else:
        storage["volume_group"] = {**(storage.get("volume_group") or {}),
                                   "logical_units": units}
    return storage


@on.action("storage_domain", "refresh_luns")
def refresh_luns(ctx: Context, node: Node, params: dict) -> dict:
    """RefreshLunsSizeCommand: re-read the size of the named LUNs on the hosts and grow the
    domain by what they gained. A LUN's size on the array is ``_device_size`` (what a storage
    admin set there); the domain is Locked while the command runs."""
    sd = dict(node.obj or {})
    dc, status = _attachment(ctx, sd)
    if dc is None or (ctx.store.get("datacenters", dc) or {}).get("status") != "up":
        raise conflict("edit", STORAGE, "Storage Domain cannot be accessed.\n    -Please "
                       "check that at least one Host is operational and Data Center state is "
                       "up.")
    _status_is("edit", status, "active")
    units = _block_domain("edit", sd)
    wanted = set(_lun_ids(params))
    if not wanted or not wanted <= {str(u.get("id")) for u in units}:
        raise conflict("edit", STORAGE, "The following LUNs are not part of the Storage "
                       "Domain.")
    _set_status(ctx, sd["id"], dc, "locked")

    def resized() -> None:
        cur = ctx.store.get("storagedomains", sd["id"]) or sd
        fresh, grown = [], 0
        for unit in logical_units(cur.get("storage") or {}):
            unit = dict(unit)
            if str(unit.get("id")) in wanted and unit.get("_device_size"):
                grown += int(unit["_device_size"]) - int(unit.get("size") or 0)
                unit["size"] = int(unit["_device_size"])
            fresh.append(unit)
        ctx.store.update("storagedomains", sd["id"], storage=_with_units(cur, fresh),
                         available=max(0, int(cur.get("available") or 0) + grown))
        _set_status(ctx, sd["id"], dc, "active")
        event(ctx, 1022, "normal", "Resize LUNs operation succeeded.",
              storage_domain=sd["id"])

    return scheduled_job(ctx, f"Refreshing LUNs of Storage Domain {sd['name']}",
                         f"sd:{sd['id']}", [(2.0, resized)])


@on.action("storage_domain", "reduce_luns")
def reduce_luns(ctx: Context, node: Node, params: dict) -> dict:
    """ReduceSANStorageDomainDevicesCommand: move the data off the named LUNs and drop them
    from a block domain in maintenance; the other LUNs must have room for what they held."""
    sd = dict(node.obj or {})
    wanted = _lun_ids(params)
    if not wanted:
        raise conflict("edit", STORAGE, "No devices were provided.")
    units = _block_domain("edit", sd)
    if sd.get("storage_format") == "v1":
        raise conflict("edit", STORAGE, "Storage Domain format V1 is illegal.")
    if len(set(wanted)) != len(wanted):
        raise conflict("edit", STORAGE, "Duplicate devices were provided.")
    have = {str(u.get("id")): u for u in units}
    missing = [lun for lun in wanted if lun not in have]
    if missing:
        raise conflict("edit", STORAGE, "The following LUNs are not part of the Storage "
                       f"Domain: {', '.join(missing)}.")
    dc, status = _attachment(ctx, sd)
    _status_is("edit", status, "maintenance")
    keep = [u for u in units if str(u.get("id")) not in wanted]
    room = sum(int(u.get("size") or 0) for u in keep) - int(sd.get("used") or 0)
    removed = sum(int(have[lun].get("size") or 0) for lun in wanted)
    devices = ", ".join(wanted)
    event(ctx, 1030, "normal", f"Started to reduce Storage {sd['name']} devices. "
          f"({devices}).", storage_domain=sd["id"])

    def reduced() -> None:
        if room < 0:
            event(ctx, 1036, "error", f"Failed to reduce Storage {sd['name']}: not enough "
                  "free space on the destination devices.", storage_domain=sd["id"])
            return
        cur = ctx.store.get("storagedomains", sd["id"]) or sd
        ctx.store.update("storagedomains", sd["id"], storage=_with_units(cur, keep),
                         available=max(0, int(cur.get("available") or 0) - removed))
        event(ctx, 1032, "normal", f"Storage {sd['name']} has been reduced. The following "
              f"devices were removed from the domain: {devices}.", storage_domain=sd["id"])

    return scheduled_job(ctx, f"Reducing Storage Domain {sd['name']}", f"sd:{sd['id']}",
                         [(3.0, reduced)])


@on.action("storage_domain", "update_ovf_store")
def update_ovf_store(ctx: Context, node: Node, params: dict) -> dict:
    """UpdateOvfStoreForStorageDomainCommand: write the OVFs of the VMs and templates on an
    active data domain to its OVF store disks now instead of at the next periodic update."""
    sd = dict(node.obj or {})
    _dc, status = _attachment(ctx, sd)
    _status_is("update OVFs", status, "active")
    if sd.get("type") != "data":
        raise conflict("update OVFs", STORAGE, "Storage Domain type is illegal.")

    def written() -> None:
        ctx.store.update("storagedomains", sd["id"], _ovf_updated=ctx.now())
        event(ctx, 1019, "normal", f"OVF_STORE for domain {sd['name']} was updated by "
              f"{user_label(ctx)}.", storage_domain=sd["id"])

    return scheduled_job(ctx, f"Updating OVF store of Storage Domain {sd['name']}",
                         f"ovf:{sd['id']}", [(1.0, written)])


def _set_status(ctx: Context, sd_id: str, dc: str | None, status: str) -> None:
    cur = ctx.store.get("storagedomains", sd_id) or {}
    st = dict(cur.get("_dc_status") or {})
    if dc is not None:
        st[dc] = status
        ctx.store.update("storagedomains", sd_id, _dc_status=st)


# ----- the same disk operations, reached through other paths --------------------------------

def _disk(ctx: Context, node: Node) -> Node:
    """The node with the disk as stored (a sub-resource's node may show a stale copy)."""
    node.obj = images.disk_or_404(ctx, str(node.id))
    return node


def _delegate(service: str, name: str, handler) -> None:  # type: ignore[no-untyped-def]
    @on.action(service, name)
    def run(ctx: Context, node: Node, params: dict) -> dict:
        return handler(ctx, _disk(ctx, node), params)

    run.__doc__ = f"{service}/{name}: the engine runs the same command as disk/{name}."


for _svc, _names in (("storage_domain_disk", ("copy", "move", "reduce", "sparsify")),
                     ("attached_storage_domain_disk", ("copy", "move", "sparsify"))):
    for _name in _names:
        _delegate(_svc, _name, getattr(images, _name))
