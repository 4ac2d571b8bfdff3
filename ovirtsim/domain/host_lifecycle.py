"""Host install, upgrade check and upgrade (the oVirt Node flow included), with the states
and events the engine shows."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict
from ..core.journal import event, scheduled_job, user_label
from ..web.routing import Node
from .hosts import evacuate, evacuation, in_maintenance

UPGRADABLE = ("up", "maintenance")


@on.action("host", "install")
def install(ctx: Context, node: Node, params: dict) -> dict:
    store = ctx.store
    host = store.get("hosts", str(node.id)) or {}
    if host.get("status") not in ("maintenance", "install_failed", "non_operational",
                                  "non_responsive", "down"):
        raise conflict("install", "Host", "Host must be in Maintenance mode first.", True)
    hid, name = host["id"], host["name"]
    store.update("hosts", hid, status="installing")
    event(ctx, 509, "normal", f"Installing Host {name}. Stage: Initializing.", host=hid)

    def done() -> None:
        store.update("hosts", hid, status="maintenance" if not params.get("activate", True)
                     else "up")
        event(ctx.background(), 505, "normal", f"Host {name} installed", host=hid)

    return scheduled_job(ctx, f"Installing Host {name}", f"host:{hid}", [
        (3.0, lambda: store.update("hosts", hid, status="initializing")), (2.0, done)])


@on.action("host", "upgrade_check")
def upgrade_check(ctx: Context, node: Node, params: dict) -> dict:
    store = ctx.store
    host = store.get("hosts", str(node.id)) or {}
    hid, name = host["id"], host["name"]
    event(ctx, 884, "normal", f"Started to check for available updates on host {name}.",
          host=hid)

    def found() -> None:  # the engine's HOST_UPDATES_ARE_AVAILABLE_WITH_PACKAGES, then
        # HOST_AVAILABLE_UPDATES_FINISHED, both about the host
        packages = ("ovirt-node-ng-image-update" if host.get("type") == "ovirt_node"
                    else "vdsm, vdsm-client")
        store.update("hosts", hid, update_available=True)
        bg = ctx.background()
        event(bg, 843, "normal", f"Host {name} has available updates: {packages}.", host=hid)
        event(bg, 885, "normal", f"Check for available updates on host {name} was completed "
              f"successfully with message 'found updates for packages {packages}'.", host=hid)

    return scheduled_job(ctx, f"Checking for available updates on host {name}",
                         f"upgradecheck:{hid}", [(2.0, found)])


@on.action("host", "upgrade")
def upgrade(ctx: Context, node: Node, params: dict) -> dict:
    """UpgradeHostCommand: a host with updates (an oVirt Node always has its image) is first
    moved to maintenance, its VMs migrated as for `deactivate`; then installing, reboot, and
    back to the state it had; the version moves on and no update is pending any more."""
    store = ctx.store
    host = store.get("hosts", str(node.id)) or {}
    if host.get("status") not in UPGRADABLE:
        raise conflict("upgrade", "Host", "Host must be Up or in Maintenance mode.", True)
    if not host.get("update_available") and host.get("type") != "ovirt_node":
        raise conflict("upgrade", "Host", "There are no available updates for the host.", True)
    hid, name, back = host["id"], host["name"], host["status"]
    plan = evacuation(ctx, host) if back == "up" else None
    event(ctx, 840, "normal", f"Host {name} upgrade was started (User: {user_label(ctx)}).",
          host=hid)
    reboot = params.get("reboot", True)

    def done() -> None:
        cur = store.get("hosts", hid) or {}
        version = dict(cur.get("version") or {})
        version["full_version"] = "vdsm-4.50.5.1-1.el8"
        version["minor"] = 50
        os = dict(cur.get("os") or {})
        if cur.get("type") == "ovirt_node":
            os["version"] = {"full_version": "4.5.6 - 1.el8", "major": 4}
        store.update("hosts", hid, status=back, update_available=False, version=version,
                     os=os)
        event(ctx.background(), 842, "normal", f"Host {name} upgrade was completed "
              "successfully.", host=hid)

    steps = []
    if plan is not None:  # MaintenanceNumberOfVdss first, as the engine runs it
        evacuate(ctx, host, plan)
        steps = [(3.0, lambda: in_maintenance(ctx, host)),
                 (1.0, lambda: store.update("hosts", hid, status="installing"))]
    else:
        store.update("hosts", hid, status="installing")
    if reboot:
        steps.append((3.0, lambda: store.update("hosts", hid, status="reboot")))
    return scheduled_job(ctx, f"Upgrading Host {name}", f"host:{hid}", steps + [(3.0, done)])
