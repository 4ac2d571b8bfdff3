"""Graphics consoles of VMs: the generated console list, tickets and the .vv file."""

from __future__ import annotations

import secrets

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict
from ..dispatch.rules import RUNNING
from ..web.protocol import Reply
from ..web.routing import Node
from .vms import vm_of


@on.generated("vm", "graphics_consoles")
def consoles_view(ctx: Context, node: Node) -> list[dict]:
    """Graphics consoles of a VM, one per display protocol (id = hex of the protocol)."""
    parent = node.parent_entity()
    vm = parent.obj if parent else None
    if not vm:
        return []
    proto = (vm.get("display") or {}).get("type", "spice")
    protos = [proto] if proto in ("spice", "vnc") else ["vnc"]
    return [{"id": p.encode().hex(), "protocol": p, "vm": {"id": vm["id"]}} for p in protos]


@on.extra("graphics_console")
def current_address(ctx: Context, coll_node: Node, obj: dict) -> dict | None:
    """With ``current=true`` a running VM's console shows where to connect."""
    req = ctx.req
    parent = coll_node.parent_entity()
    if req is None or "current" not in req.query or parent is None or \
            req.query.get("current", "").lower() not in ("true", "1", "", "yes"):
        return None
    vm = parent.obj or {}
    if vm.get("status") not in RUNNING or not vm.get("host"):
        return None
    host = ctx.store.get("hosts", vm["host"]["id"]) or {}
    extra = {"address": host.get("address", "127.0.0.1"), "port": 5900}
    if obj.get("protocol") == "spice":
        extra["tls_port"] = 5901
    return extra


def _ticket(params: dict) -> dict:
    t = params.get("ticket") or {}
    return {"value": t.get("value") or secrets.token_urlsafe(9),
            "expiry": int(t.get("expiry") or 7200)}


@on.action("vm", "ticket")
def vm_ticket(ctx: Context, node: Node, params: dict) -> dict:
    vm = vm_of(ctx, node)
    if vm.get("status") not in RUNNING:
        raise conflict("set console ticket for", "VM", "VM is not running.")
    return {"ticket": _ticket(params)}


@on.action("vm_graphics_console", "ticket")
def console_ticket(ctx: Context, node: Node, params: dict) -> dict:
    return vm_ticket(ctx, node, params)


@on.action("vm_graphics_console", "remote_viewer_connection_file")
def remote_viewer_connection_file(ctx: Context, node: Node, params: dict) -> dict | Reply:
    assert ctx.req is not None
    vm = vm_of(ctx, node)
    if vm.get("status") not in RUNNING or not vm.get("host"):
        return Reply(204)
    host = ctx.store.get("hosts", vm["host"]["id"]) or {}
    proto = (node.obj or {}).get("protocol", "spice")
    ca = (ctx.ca_pem or "").replace("\n", "\\n")
    headers = ctx.req.headers
    auth = headers.get("authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else ""
    lines = ["[virt-viewer]", f"type={proto}", f"host={host.get('address', '127.0.0.1')}",
             "port=5900", f"password={secrets.token_urlsafe(9)}",
             "# Password is valid for 120 seconds.", "delete-this-file=1", "fullscreen=0",
             f"title={vm['name']}", "toggle-fullscreen=shift+f11",
             "release-cursor=shift+f12", "secure-attention=ctrl+alt+end"]
    if proto == "spice":
        subject = (host.get("certificate") or {}).get("subject", "")
        lines += ["tls-port=5901", "enable-smartcard=0", "enable-usb-autoshare=1",
                  "tls-ciphers=DEFAULT", f"host-subject={subject}", f"ca={ca}",
                  "secure-channels=smain;sinputs;scursor;splayback;srecord;sdisplay;"
                  "ssmartcard;susbredir"]
    lines += ["", "[ovirt]", f"host={headers.get('host', '127.0.0.1')}",
              f"vm-guid={vm['id']}", f"sso-token={token}", "admin=1", f"ca={ca}", ""]
    return {"remote_viewer_connection_file": "\n".join(lines)}
