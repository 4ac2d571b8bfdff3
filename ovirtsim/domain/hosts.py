"""Hosts: install, activate, maintenance (migrating their VMs away) and removal."""

from __future__ import annotations

from ..core import defaults
from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict, incomplete
from ..core.journal import end_job, event, scheduled_job, start_job, user_label
from ..core.seed import GiB
from ..dispatch.references import ref_name
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .placement import migratable, migrate_vm, pick_host


@on.before("add", "host")
def host_defaults(ctx: Context, node: Node, data: dict) -> None:
    if not data.get("cluster"):
        cl = ctx.store.find_by_name("clusters", "Default")
        if cl is None:
            raise incomplete("Host", "cluster.id|name")
        data["cluster"] = {"id": cl["id"]}
    data.pop("root_password", None)
    data.setdefault("port", 54321)
    data.setdefault("memory", 16 * GiB)
    data.setdefault("max_scheduling_memory", int(data["memory"]) - 2 * GiB)
    data.setdefault("cpu", {"name": "Simulated CPU", "speed": 2000,
                            "topology": {"sockets": 1, "cores": 8, "threads": 2}})
    data.setdefault("type", "rhel")
    data.update(status="installing", protocol="stomp", external_status="ok",
                spm={"priority": 5, "status": "none"},
                summary={"active": 0, "migrating": 0, "total": 0})


@on.after("add", "host")
def host_install(ctx: Context, node: Node, data: dict) -> None:
    store = ctx.store
    hid, name = data["id"], data["name"]
    job = start_job(ctx, f"Adding new Host {name} to Cluster "
                    f"{ref_name(ctx, data['cluster'], 'cluster')}")
    event(ctx, 42, "normal", f"Host {name} was added by {user_label(ctx)}.", host=hid)
    host_nics(ctx, data)

    def up() -> None:
        store.update("hosts", hid, status="up")
        event(ctx.background(), 13, "normal", f"Status of host {name} was set to Up.", host=hid)
        end_job(ctx, job)

    ctx.scheduler.sequence(f"host:{hid}", [
        (2.0, lambda: store.update("hosts", hid, status="initializing")), (2.0, up)])


def host_nics(ctx: Context, host: dict) -> None:
    """The NICs a new host reports, eth0..eth3, its cluster's management network on eth0."""
    hid, cid = host["id"], (host.get("cluster") or {}).get("id")
    mgmt = next((n for n in ctx.store.items("networks") if "management" in (
        (n.get("_clusters") or {}).get(str(cid)) or {}).get("usages", [])), None)
    tag = hid.replace("-", "")[:6]
    defaults.host_nics(ctx.store, hid, lambda _kind, _name: ctx.new_id(),
                       lambda n: f"56:6f:{tag[0:2]}:{tag[2:4]}:{tag[4:6]}:{n:02x}",
                       mgmt["id"] if mgmt is not None else None)


@on.before("remove", "host")
def host_removable(ctx: Context, node: Node) -> None:
    st = (node.obj or {}).get("status")
    if st not in ("maintenance", "down", "install_failed", "non_responsive",
                  "non_operational", "pending_approval"):
        raise conflict("remove", "Host", "Host is operational. Please switch Host to "
                       "Maintenance mode first.")


def evacuation(ctx: Context, host: dict) -> list[tuple[dict, dict]]:
    """Where each running VM of `host` goes before it enters maintenance (the engine's
    MaintenanceNumberOfVdss): a non-migratable VM, or one no other host can take, refuses."""
    hid, name = host["id"], host["name"]
    running = [v for v in ctx.store.items("vms")
               if (v.get("host") or {}).get("id") == hid and v.get("status") in RUNNING]
    pinned = [v["name"] for v in running if not migratable(v)]
    if pinned:
        raise Fault(409, "Operation Failed", "[Cannot switch the following Hosts to "
                    f"Maintenance mode: {name}.\nOne or more running VMs are indicated as "
                    f"non-migratable. The non-migratable VMs are: {' , '.join(pinned)}.]")
    plan = []
    placed: dict[str, str] = {}
    reserved: dict[str, int] = {}
    for v in running:
        target = pick_host(ctx, v, exclude=hid, placed=placed, extra_memory=reserved)
        if target is None:
            raise conflict("switch", "Host(s) to Maintenance mode", "There are no available "
                           f"hosts capable of running VM {v['name']}.")
        plan.append((v, target))
        placed[v["id"]] = target["id"]
        reserved[target["id"]] = reserved.get(target["id"], 0) + int(v.get("memory", 0))
    return plan


def evacuate(ctx: Context, host: dict, plan: list[tuple[dict, dict]]) -> None:
    """Start moving `host` to maintenance: preparing, its VMs migrating as planned."""
    ctx.store.update("hosts", host["id"], status="preparing_for_maintenance")
    for v, target in plan:
        migrate_vm(ctx, v, target)


def in_maintenance(ctx: Context, host: dict) -> None:
    """The host has entered maintenance (event 16, by the user who asked)."""
    ctx.store.update("hosts", host["id"], status="maintenance")
    event(ctx, 16, "normal", f"Host {host['name']} was switched to Maintenance Mode by "
          f"{user_label(ctx)}.", host=host["id"])


@on.action("host", "deactivate")
def deactivate(ctx: Context, node: Node, params: dict) -> dict:
    store = ctx.store
    host = store.get("hosts", str(node.id)) or {}
    if host.get("status") not in ("up", "non_operational", "non_responsive", "error",
                                  "install_failed", "down", "initializing"):
        raise conflict("switch", "Host(s) to Maintenance mode", "Host is not in a state that "
                       "allows moving to maintenance.")
    evacuate(ctx, host, evacuation(ctx, host))
    return scheduled_job(ctx, f"Moving Host {host['name']} to Maintenance", f"host:{host['id']}",
                         [(3.0, lambda: in_maintenance(ctx, host))])


@on.action("host", "activate")
def activate(ctx: Context, node: Node, params: dict) -> dict:
    store = ctx.store
    host = store.get("hosts", str(node.id)) or {}
    if host.get("status") == "up":
        raise conflict("activate", "Host", "Host is already Up.")
    hid, name = host["id"], host["name"]
    job = start_job(ctx, f"Activating Host {name}")
    store.update("hosts", hid, status="unassigned")

    def up() -> None:
        store.update("hosts", hid, status="up")
        event(ctx, 13, "normal", f"Host {name} was activated by {user_label(ctx)}.", host=hid)
        end_job(ctx, job)

    ctx.scheduler.sequence(f"host:{hid}", [(1.0, lambda: store.update(
        "hosts", hid, status="initializing")), (2.0, up)])
    return {"job": {"id": job}}


@on.action("host", "refresh")
def refresh(ctx: Context, node: Node, params: dict) -> dict:
    return {}
