"""Networks, their vnic profiles, and VM network interfaces."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import conflict

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Networks:
    """Mixed into ``Simulator``: network and NIC hooks and actions."""

    def pre_add_network(self: Simulator, req: Request, node: Node, data: dict) -> None:
        dc = data["data_center"]["id"]
        for n in self.store.items("networks"):
            if n.get("name") == data["name"] and (n.get("data_center") or {}).get("id") == dc:
                raise conflict("add", "Network", "The Network name is already in use, please "
                               "choose a unique name and try again.")
        data.setdefault("mtu", 0)
        data.setdefault("stp", False)
        data.setdefault("usages", ["vm"])

    def post_add_network(self: Simulator, req: Request, node: Node, data: dict) -> None:
        self.store.put("vnicprofiles", "vnic_profile", {
            "id": self.new_id(), "name": data["name"], "network": {"id": data["id"]},
            "port_mirroring": False, "pass_through": {"mode": "disabled"}})

    def pre_add_nic(self: Simulator, req: Request, node: Node, data: dict) -> None:
        for other in self.store.items(node.coll or ""):
            if other.get("name") == data["name"]:
                raise conflict("add", "Interface", "The VM Network Interface name is already "
                               "in use.")
        data.setdefault("interface", "virtio")
        data.setdefault("linked", True)
        data.setdefault("plugged", True)
        if not (data.get("mac") or {}).get("address"):
            data["mac"] = {"address": self.new_mac()}

    def act_vm_nic_activate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self.update_obj(node.coll or "", str(node.id), plugged=True)
        return {}

    def act_vm_nic_deactivate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self.update_obj(node.coll or "", str(node.id), plugged=False)
        return {}
