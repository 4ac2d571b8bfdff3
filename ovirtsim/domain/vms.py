"""VM objects: add (from a template), update, remove and clone, with their disks and nics;
and the VM state helpers other domains use."""

from __future__ import annotations

import uuid
from typing import Any

from ..core import registry as on
from ..core.context import Context
from ..core.defaults import vm_devices
from ..core.errors import Fault, NotFound, conflict, incomplete
from ..core.journal import end_job, event, start_job, user_label
from ..core.seed import NAMESPACE, ZERO, GiB, mac_for
from ..dispatch.operations import merge_value
from ..dispatch.references import ref_name
from ..dispatch.rules import RUNNING, TEMPLATE_KEYS
from ..web.routing import Node
from .instancetypes import apply_instance_type
from .macpools import mac_from_pool, pool_of_cluster


def snapshot_source(ctx: Context, data: dict) -> dict | None:
    """The VM whose snapshot a new VM is made from (``vms.add`` with ``snapshots=[id]``)."""
    snaps = data.get("snapshots") or []
    sid = str((snaps[0] or {}).get("id")) if snaps and isinstance(snaps[0], dict) else None
    if not sid:
        return None
    for vm in ctx.store.items("vms"):
        if ctx.store.get(f"vms/{vm['id']}/snapshots", sid) is not None:
            return vm
    raise Fault(404, "Operation Failed", f"Entity not found: Snapshot: id={sid}")


@on.before("add", "vm")
def vm_defaults(ctx: Context, node: Node, data: dict) -> None:
    apply_instance_type(ctx, data)
    source = snapshot_source(ctx, data)
    if source is not None:  # from a snapshot: the VM's configuration, no template needed
        data.setdefault("template", {"id": ZERO})
        for key in TEMPLATE_KEYS:
            if key in source and key not in data:
                data[key] = source[key]
        data["_from_vm"] = source["id"]
    data.pop("snapshots", None)
    tpl = ctx.store.get("templates", data["template"]["id"]) or {}
    for key in TEMPLATE_KEYS:
        if key in tpl:
            data[key] = merge_value(tpl[key], data[key]) if key in data else tpl[key]
    data.setdefault("memory", GiB)
    if int(data["memory"]) <= 0:
        raise Fault(400, "Operation Failed", "[Cannot add VM. Memory size must be positive.]")
    data.setdefault("memory_policy", {})
    data["memory_policy"].setdefault("guaranteed", data["memory"])
    data["memory_policy"].setdefault("max", 4 * int(data["memory"]))
    data.setdefault("type", "server")
    data.setdefault("stateless", False)
    data.setdefault("delete_protected", False)
    data.setdefault("placement_policy", {"affinity": "migratable"})
    data.setdefault("display", {"type": "vnc", "monitors": 1})
    data.setdefault("os", {"type": "other", "boot": {"devices": ["hd"]}})
    data["status"] = "down"
    data["creation_time"] = ctx.now()
    data["stop_time"] = ctx.now()
    data["origin"] = "ovirt"
    data["original_template"] = {"id": data["template"]["id"]}
    if ctx.req is not None and ctx.req.query.get("clone", "").lower() == "true":
        data["template"] = {"id": ZERO}  # a clone owns its disks: linked to Blank, as the engine
    data["run_once"] = False
    data["next_run_configuration_exists"] = False
    data["has_illegal_images"] = False
    data.pop("host", None)
    profile = next((p for p in ctx.store.items("cpuprofiles")
                    if (p.get("cluster") or {}).get("id") == data["cluster"]["id"]), None)
    if profile and "cpu_profile" not in data:
        data["cpu_profile"] = {"id": profile["id"]}


@on.after("add", "vm")
def vm_created(ctx: Context, node: Node, data: dict) -> None:
    vid, tid = data["id"], (data.get("original_template") or data["template"])["id"]
    job = start_job(ctx, f"Creating VM {data['name']} from Template "
                    f"{ref_name(ctx, {'id': tid}, 'template')} in Cluster "
                    f"{ref_name(ctx, data['cluster'], 'cluster')}")
    owner = f"vms/{data['_from_vm']}" if data.get("_from_vm") else f"templates/{tid}"
    disks = copy_disks(ctx, f"{owner}/diskattachments", vid, data["name"])
    copy_nics(ctx, f"{owner}/nics", vid)
    event(ctx, 34, "normal", f"VM {data['name']} was created by {user_label(ctx)}.",
          vm=vid, cluster=data["cluster"]["id"])
    lock_then(ctx, vid, disks, job, f"VM {data['name']} creation has been completed.")


def lock_then(ctx: Context, vid: str, disks: list[str], job: str, message: str) -> None:
    """VM image_locked while copied disks are locked, then down / ok."""
    if not disks:
        end_job(ctx, job)
        return
    store = ctx.store
    store.update("vms", vid, status="image_locked")

    def done() -> None:
        for d in disks:
            store.update("disks", d, status="ok")
        if (store.get("vms", vid) or {}).get("status") == "image_locked":
            store.update("vms", vid, status="down")
            event(ctx.background(), 53, "normal", message, vm=vid)
        end_job(ctx, job)

    ctx.scheduler.sequence(f"vm:{vid}", [(2.0, done)])


def copy_disks(ctx: Context, source_coll: str, vid: str, vm_name: str) -> list[str]:
    """Copy the disks attached at ``source_coll`` for a new VM (status locked)."""
    store = ctx.store
    new_ids = []
    for i, att in enumerate(store.items(source_coll)):
        disk = store.get("disks", att["id"])
        if disk is None:
            continue
        did = ctx.new_id()
        nd = dict(disk)
        nd.update(id=did, name=f"{vm_name}_Disk{i + 1}", status="locked",
                  image_id=str(uuid.uuid5(NAMESPACE, f"image:{did}")))
        store.put("disks", "disk", nd)
        na = {k: v for k, v in att.items() if k not in ("template", "vm")}
        na.update(id=did, disk={"id": did}, vm={"id": vid})
        store.put(f"vms/{vid}/diskattachments", "disk_attachment", na)
        new_ids.append(did)
    return new_ids


def copy_nics(ctx: Context, source_coll: str, vid: str) -> None:
    for nic in ctx.store.items(source_coll):
        nn = {k: v for k, v in nic.items() if k not in ("template", "vm")}
        cluster = ((ctx.store.get("vms", vid) or {}).get("cluster") or {}).get("id")
        nn.update(id=ctx.new_id(), vm={"id": vid}, mac={"address": new_mac(ctx, cluster)})
        ctx.store.put(f"vms/{vid}/nics", "nic", nn)


def new_mac(ctx: Context, cluster_id: str | None = None) -> str:
    """The next MAC address of the cluster's MAC pool."""
    pool = pool_of_cluster(ctx, cluster_id)
    if pool is None or pool.get("default_pool"):
        return mac_for(0x8000 + ctx.store.next_counter("mac"))
    return mac_from_pool(ctx, pool)


@on.before("remove", "vm")
def vm_removable(ctx: Context, node: Node) -> None:
    vm = node.obj or {}
    if vm.get("status") in RUNNING:
        raise conflict("remove", "VM", "VM is running.")
    if vm.get("status") == "image_locked":
        raise conflict("remove", "VM", "VM is locked. Please try again in a few minutes.")
    if vm.get("delete_protected"):
        raise conflict("remove", "VM", "VM is delete protected.")
    # the disks go with the VM unless detach_only (the attachments go with the VM's
    # sub-collections when it is deleted, so read them now; the transaction is whole)
    assert ctx.req is not None
    detach_only = ctx.req.query.get("detach_only", "false").lower() in ("true", "1", "")
    if not detach_only:
        for att in list(ctx.store.colls.get(f"vms/{node.id}/diskattachments", {}).values()):
            ctx.store.delete("disks", att["id"])


@on.after("remove", "vm")
def vm_removed(ctx: Context, node: Node) -> None:
    vm = node.obj or {}
    ctx.scheduler.cancel(f"vm:{node.id}")
    event(ctx, 113, "normal", f"VM {vm.get('name')} was successfully removed.")


@on.before("update", "vm")
def vm_update_checks(ctx: Context, node: Node, data: dict) -> None:
    if "memory" in data and int(data["memory"]) <= 0:
        raise Fault(400, "Operation Failed", "[Cannot edit VM. Memory size must be positive.]")
    data.pop("status", None)
    data.pop("host", None)


@on.after("update", "vm")
def vm_updated(ctx: Context, node: Node, new: dict) -> None:
    event(ctx, 35, "normal", f"VM {new.get('name')} configuration was updated by "
          f"{user_label(ctx)}.", vm=new["id"])


def vm_of(ctx: Context, node: Node) -> dict:
    """The VM a node is, or is below (404 when there is none)."""
    vm = node.obj if node.type == "vm" else None
    if vm is None:
        anc = node.ancestor("vm")
        vm = anc.obj if anc else None
    if vm is None:
        raise NotFound()
    return ctx.store.get("vms", vm["id"]) or vm


def set_vm(ctx: Context, vid: str, **changes: Any) -> None:
    """Change a VM's state and keep its hosts' VM summaries current."""
    before = ctx.store.get("vms", vid)
    if before is None:
        return
    old_host = (before.get("host") or {}).get("id")
    after = ctx.store.update("vms", vid, **changes) or before
    for hid in {old_host, (after.get("host") or {}).get("id")}:
        if hid:
            refresh_host(ctx, hid)


def scheduling_base(host: dict) -> int:
    """The memory a host offers VMs when it runs none (``max_scheduling_memory`` at idle)."""
    return int(host.get("_sched_base") or host.get("max_scheduling_memory") or
               host.get("memory", 0))


def refresh_host(ctx: Context, hid: str) -> None:
    """Keep a host's VM summary and ``max_scheduling_memory`` following what runs on it."""
    host = ctx.store.get("hosts", hid)
    if host is None:
        return
    vms = [v for v in ctx.store.items("vms") if (v.get("host") or {}).get("id") == hid]
    summary = {"active": sum(1 for v in vms if v.get("status") in RUNNING),
               "migrating": sum(1 for v in vms if v.get("status") == "migrating"),
               "total": len(vms)}
    base = scheduling_base(host)
    used = sum(int(v.get("memory", 0)) for v in vms if v.get("status") in RUNNING)
    ctx.store.update("hosts", hid, summary=summary, _sched_base=base,
                     max_scheduling_memory=max(0, base - used))


@on.action("vm", "clone")
def clone(ctx: Context, node: Node, params: dict) -> dict:
    store = ctx.store
    vm = vm_of(ctx, node)
    new = params.get("vm") or {}
    if not new.get("name"):
        raise incomplete("Action", "vm.name", "clone")
    if store.find_by_name("vms", new["name"]):
        raise conflict("add", "VM", "The VM name is already in use, please choose a unique "
                       "name and try again.")
    if vm.get("status") not in ("down",):
        raise conflict("clone", "VM", "VM must be down.")
    vid = ctx.new_id()
    doc = {k: v for k, v in vm.items() if k not in ("host", "start_time", "fqdn")}
    doc.update(id=vid, name=new["name"], status="down", creation_time=ctx.now())
    if new.get("description") is not None:
        doc["description"] = new["description"]
    store.put("vms", "vm", doc)
    vm_devices(store, doc, ctx.now())
    job = start_job(ctx, f"Cloning VM {vm['name']} to {new['name']}")
    disks = copy_disks(ctx, f"vms/{vm['id']}/diskattachments", vid, new["name"])
    copy_nics(ctx, f"vms/{vm['id']}/nics", vid)
    event(ctx, 34, "normal", f"VM {new['name']} was created by {user_label(ctx)}.", vm=vid)
    if disks:
        store.update("vms", vm["id"], status="image_locked")
    src = vm["id"]

    def src_back() -> None:
        if (store.get("vms", src) or {}).get("status") == "image_locked":
            store.update("vms", src, status="down")

    lock_then(ctx, vid, disks, job, f"VM {new['name']} was cloned.")
    ctx.scheduler.sequence(f"vm:{src}", [(2.0, src_back)])
    return {"job": {"id": job}}
