"""Power management and high availability: fence agents, ``fence`` and host failures.

A host with power management enabled and a fence agent can be fenced (status, start, stop,
restart, manual). A host that fails (``/sim/hosts/NAME`` with ``{"responsive": false}``)
becomes non responsive; when the cluster's fencing policy allows and its fence agent works,
the engine restarts it. Once a host is known to be off (fenced or confirmed rebooted), its
highly available VMs are restarted on other hosts, highest priority first, and the others go
down; until then its VMs are ``unknown``.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, event, start_job, user_label
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .placement import pick_host
from .vms import set_vm

FENCE_TYPES = ("status", "start", "stop", "restart", "manual")


@on.before("add", "agent")
def agent_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("type", "ipmilan")
    data.setdefault("order", len(ctx.store.items(node.coll or "")) + 1)
    data.setdefault("port", 623)
    data.setdefault("encrypt_options", False)
    data.pop("password", None)


def _can_fence(ctx: Context, host: dict) -> bool:
    pm = host.get("power_management") or {}
    return bool(pm.get("enabled")) and bool(ctx.store.items(f"hosts/{host['id']}/fenceagents"))


def _power(ctx: Context, hid: str, status: str) -> None:
    host = ctx.store.get("hosts", hid) or {}
    pm = dict(host.get("power_management") or {})
    pm["status"] = status
    ctx.store.update("hosts", hid, power_management=pm)


def host_off(ctx: Context, hid: str) -> None:
    """The host is known to be off: restart its HA VMs elsewhere, the rest go down."""
    bg = ctx.background()
    vms = [v for v in ctx.store.items("vms") if (v.get("host") or {}).get("id") == hid
           and (v.get("status") in RUNNING or v.get("status") == "unknown")]
    ha = sorted((v for v in vms if (v.get("high_availability") or {}).get("enabled")),
                key=lambda v: -int((v.get("high_availability") or {}).get("priority", 0)))
    for v in vms:
        ctx.scheduler.cancel(f"vm:{v['id']}")
        set_vm(ctx, v["id"], status="down", host=None, stop_time=ctx.now(), fqdn=None)
        if v not in ha:
            event(bg, 61, "error", f"VM {v['name']} is down. Exit message: Host was "
                  "fenced.", vm=v["id"])
    for v in ha:
        event(bg, 9602, "error", f"Highly Available VM {v['name']} failed. It will be "
              "restarted automatically.", vm=v["id"])
        restart_ha(ctx, v["id"], exclude=hid)


def restart_ha(ctx: Context, vid: str, exclude: str | None = None) -> None:
    bg = ctx.background()
    vm = ctx.store.get("vms", vid) or {}
    target = pick_host(ctx, vm, exclude=exclude)
    if target is None:
        event(bg, 9604, "error", f"Failed to restart Highly Available VM {vm['name']}: no "
              "host satisfies the scheduling constraints.", vm=vid)
        return
    event(bg, 9603, "normal", f"Trying to restart VM {vm['name']} on Host "
          f"{target['name']}", vm=vid, host=target["id"])
    set_vm(ctx, vid, status="wait_for_launch", host={"id": target["id"]})

    def up() -> None:
        set_vm(ctx, vid, status="up", start_time=ctx.now(), fqdn=f"{vm['name']}.example.com")
        event(bg, 32, "normal", f"VM {vm['name']} started on Host {target['name']}", vm=vid,
              host=target["id"])

    ctx.scheduler.sequence(f"vm:{vid}", [(1.0, lambda: set_vm(
        ctx, vid, status="powering_up")), (2.0, up)])


def _boot(ctx: Context, hid: str, job: str | None = None) -> list:
    """Steps of a host coming back after power on."""
    host = ctx.store.get("hosts", hid) or {}

    def up() -> None:
        ctx.store.update("hosts", hid, status="up", _failed=None)
        event(ctx.background(), 13, "normal", f"Status of host {host.get('name')} was set to "
              "Up.", host=hid)
        if job:
            end_job(ctx, job)

    return [(2.0, lambda: ctx.store.update("hosts", hid, status="initializing")), (2.0, up)]


@on.action("host", "fence")
def fence(ctx: Context, node: Node, params: dict) -> dict:
    host = ctx.store.get("hosts", str(node.id)) or {}
    hid, name = host["id"], host["name"]
    kind = str(params.get("fence_type") or "").lower()
    if kind not in FENCE_TYPES:
        raise Fault(400, "Invalid value", f"Invalid value '{params.get('fence_type')}' for "
                    f"fence_type: expected one of {', '.join(FENCE_TYPES)}")
    user = user_label(ctx)
    if kind == "manual":
        if host.get("status") != "non_responsive":
            raise conflict("manual fence", "Host", "Host is not in Non Responsive state.")
        event(ctx, 1700, "normal", f"Manual fence for host {name} was started.", host=hid)
        host_off(ctx, hid)
        return {}
    if not _can_fence(ctx, host):
        raise conflict(f"{kind if kind != 'status' else 'get power status of'}", "Host",
                       "Power Management is not enabled for Host.")
    if host.get("_fence_fails"):
        event(ctx, 9000, "error", f"Power Management {kind} of Host {name} failed.",
              host=hid)
        raise conflict(kind, "Host", "Fence operation failed: the fence agent did not "
                       "answer.")
    if kind == "status":
        return {"power_management": {"status": (host.get("power_management") or {}).get(
            "status", "on" if host.get("status") != "down" else "off")}}
    job = start_job(ctx, {"start": "Starting", "stop": "Stopping",
                          "restart": "Restarting"}[kind] + f" Host {name}")
    if kind == "stop":
        ctx.scheduler.cancel(f"host:{hid}")
        ctx.store.update("hosts", hid, status="down")
        _power(ctx, hid, "off")
        event(ctx, 9003, "normal", f"Host {name} was stopped by {user}.", host=hid)
        host_off(ctx, hid)
        end_job(ctx, job)
    elif kind == "start":
        if host.get("status") not in ("down", "non_responsive"):
            end_job(ctx, job)
            raise conflict("start", "Host", "Host is already running.")
        _power(ctx, hid, "on")
        ctx.store.update("hosts", hid, status="unassigned")
        event(ctx, 9001, "normal", f"Host {name} was started by {user}.", host=hid)
        ctx.scheduler.sequence(f"host:{hid}", _boot(ctx, hid, job))
    else:
        ctx.store.update("hosts", hid, status="reboot")
        event(ctx, 41, "normal", f"Host {name} was restarted by {user}.", host=hid)
        host_off(ctx, hid)
        after = "maintenance" if params.get("maintenance_after_restart") else None

        def done() -> None:
            ctx.store.update("hosts", hid, status=after or "up", _failed=None)
            event(ctx.background(), 13, "normal", f"Status of host {name} was set to "
                  f"{'Maintenance' if after else 'Up'}.", host=hid)
            end_job(ctx, job)

        ctx.scheduler.sequence(f"host:{hid}", [
            (3.0, lambda: ctx.store.update("hosts", hid, status="initializing")), (2.0, done)])
    return {"job": {"id": job}, "power_management": {
        "status": "off" if kind == "stop" else "on"}}


def host_failed(ctx: Context, hid: str) -> None:
    """The host stops answering: non responsive, its VMs unknown, then fenced if possible."""
    bg = ctx.background()
    host = ctx.store.get("hosts", hid) or {}
    name = host.get("name")
    ctx.scheduler.cancel(f"host:{hid}")
    ctx.store.update("hosts", hid, status="non_responsive", _failed=True)
    event(bg, 12, "error", f"Host {name} is non responsive.", host=hid)
    for v in ctx.store.items("vms"):
        if (v.get("host") or {}).get("id") == hid and v.get("status") in RUNNING:
            ctx.scheduler.cancel(f"vm:{v['id']}")
            set_vm(ctx, v["id"], status="unknown")
    cluster = ctx.store.get("clusters", (host.get("cluster") or {}).get("id", "")) or {}
    if not (cluster.get("fencing_policy") or {"enabled": True}).get("enabled", True):
        event(bg, 9010, "warning", f"Host {name} became non responsive and was not restarted "
              "due to the Cluster Fencing Policy.", host=hid)
        return
    if not _can_fence(ctx, host):
        event(bg, 9009, "warning", f"Host {name} became non responsive. It has no power "
              "management configured. Please check the host status, manually reboot it, and "
              "click \"Confirm Host Has Been Rebooted\"", host=hid)
        return

    def fence_it() -> None:
        cur = ctx.store.get("hosts", hid) or {}
        if cur.get("status") != "non_responsive":
            return
        if cur.get("_fence_fails"):
            event(bg, 9000, "error", f"Power Management restart of Host {name} failed.",
                  host=hid)
            return
        ctx.store.update("hosts", hid, status="reboot")
        event(bg, 9005, "normal", f"Host {name} is rebooting.", host=hid)
        host_off(ctx, hid)

    def back() -> None:
        if (ctx.store.get("hosts", hid) or {}).get("status") == "reboot":
            ctx.store.update("hosts", hid, status="up", _failed=None)
            event(bg, 13, "normal", f"Status of host {name} was set to Up.", host=hid)

    ctx.scheduler.sequence(f"host:{hid}", [(5.0, fence_it), (5.0, back)])


def host_recovered(ctx: Context, hid: str) -> None:
    """The host answers again: up, its unknown VMs running on it again."""
    host = ctx.store.get("hosts", hid) or {}
    ctx.scheduler.cancel(f"host:{hid}")
    if host.get("status") in ("non_responsive", "reboot", "connecting"):
        ctx.store.update("hosts", hid, status="up", _failed=None)
        event(ctx.background(), 13, "normal", f"Status of host {host.get('name')} was set "
              "to Up.", host=hid)
    for v in ctx.store.items("vms"):
        if (v.get("host") or {}).get("id") == hid and v.get("status") == "unknown":
            set_vm(ctx, v["id"], status="up")


@on.control("hosts")
def host_control(ctx: Context, method: str, rest: list[str], body: dict) -> tuple[int, dict]:
    """``POST /sim/hosts/NAME`` with ``{"responsive": false|true}`` and/or
    ``{"fence_fails": true|false}``: make a host fail, come back, or its fencing fail."""
    if method != "POST" or len(rest) != 1:
        return 404, {"error": "POST /sim/hosts/NAME"}
    host = ctx.store.get("hosts", rest[0]) or ctx.store.find_by_name("hosts", rest[0])
    if host is None:
        return 404, {"error": f"no host {rest[0]!r}"}
    unknown = set(body) - {"responsive", "fence_fails"}
    if unknown or not body:
        return 400, {"error": "expected responsive and/or fence_fails"}
    if "fence_fails" in body:
        ctx.store.update("hosts", host["id"], _fence_fails=bool(body["fence_fails"]) or None)
    if body.get("responsive") is False:
        host_failed(ctx, host["id"])
    elif body.get("responsive") is True:
        host_recovered(ctx, host["id"])
    cur = ctx.store.get("hosts", host["id"]) or {}
    return 200, {"name": cur["name"], "status": cur.get("status"),
                 "fence_fails": bool(cur.get("_fence_fails"))}
