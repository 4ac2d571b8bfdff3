"""Graphics consoles of VMs: the generated console list, tickets and the .vv file."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from .errors import conflict
from .protocol import Reply
from .rules import RUNNING

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


def consoles_view(sim: Simulator, node: Node) -> list[dict]:
    """Graphics consoles of a VM, one per display protocol (id = hex of the protocol)."""
    parent = node.parent_entity()
    vm = parent.obj if parent else None
    if not vm:
        return []
    proto = (vm.get("display") or {}).get("type", "spice")
    protos = [proto] if proto in ("spice", "vnc") else ["vnc"]
    return [{"id": p.encode().hex(), "protocol": p, "vm": {"id": vm["id"]}} for p in protos]


class Consoles:
    """Mixed into ``Simulator``: console actions."""

    def _ticket(self: Simulator, params: dict) -> dict:
        t = params.get("ticket") or {}
        return {"value": t.get("value") or secrets.token_urlsafe(9),
                "expiry": int(t.get("expiry") or 7200)}

    def act_vm_ticket(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") not in RUNNING:
            raise conflict("set console ticket for", "VM", "VM is not running.")
        return {"ticket": self._ticket(params)}

    def act_vm_graphics_console_ticket(self: Simulator, req: Request, node: Node,
                                       params: dict) -> dict:
        return self.act_vm_ticket(req, node, params)

    def act_vm_graphics_console_remote_viewer_connection_file(
            self: Simulator, req: Request, node: Node, params: dict) -> dict | Reply:
        vm = self.vm_of(node)
        if vm.get("status") not in RUNNING or not vm.get("host"):
            return Reply(204)
        host = self.store.get("hosts", vm["host"]["id"]) or {}
        proto = (node.obj or {}).get("protocol", "spice")
        ca = (self.ca_pem or "").replace("\n", "\\n")
        auth = req.headers.get("authorization", "")
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
        lines += ["", "[ovirt]", f"host={req.headers.get('host', '127.0.0.1')}",
                  f"vm-guid={vm['id']}", f"sso-token={token}", "admin=1", f"ca={ca}", ""]
        return {"remote_viewer_connection_file": "\n".join(lines)}
