"""SR-IOV on host NICs: the virtual functions configuration of a physical function.

``update_virtual_functions_configuration`` is the engine's UpdateHostNicVfsConfigCommand.
Only a NIC that has a VFs configuration (SR-IOV capable) takes it; a new number of VFs must
lie in 0..max and needs every current VF free (no network on it). The host is then refreshed,
so its VF NICs appear or go, each naming its ``physical_function``; allowing all networks
drops the configuration's specific networks and labels.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..web.routing import Node

TYPE = "host NIC VFs configuration"  # VAR__TYPE__HOST_NIC_VFS_CONFIG
FIELDS = "virtualFunctionsConfiguration.numberOfVirtualFunctions|allNetworksAllowed"


def _vfs(ctx: Context, coll: str, pf_id: str) -> list[dict]:
    return [n for n in ctx.store.items(coll)
            if (n.get("physical_function") or {}).get("id") == pf_id]


@on.action("host_nic", "update_virtual_functions_configuration")
def update_vfs(ctx: Context, node: Node, params: dict) -> dict:
    nic = dict(node.obj or {})
    given = params.get("virtual_functions_configuration") or {}
    if given.get("number_of_virtual_functions") is None and \
            given.get("all_networks_allowed") is None:
        raise Fault(400, "Incomplete parameters", f"Action [{FIELDS}] required for "
                    "updateVirtualFunctionsConfiguration")
    config = dict(nic.get("virtual_functions_configuration") or {})
    if not config:
        raise conflict("edit", TYPE, f"The selected network interface {nic.get('name')} is "
                       "not SR-IOV enabled.")
    coll = node.coll or ""
    num = int(given.get("number_of_virtual_functions",
                        config.get("number_of_virtual_functions") or 0))
    allowed = bool(given.get("all_networks_allowed", config.get("all_networks_allowed", True)))
    vfs = _vfs(ctx, coll, nic["id"])
    if num != int(config.get("number_of_virtual_functions") or 0):
        if any(vf.get("network") for vf in vfs):
            raise conflict("edit", TYPE, f"The selected network interface {nic['name']} has "
                           "VFs that are in use.")
        top = int(config.get("max_number_of_virtual_functions") or 0)
        if not 0 <= num <= top:
            raise conflict("edit", TYPE, f"The specified number of VFs on network interface "
                           f"{nic['name']} is {num}, the valid range is 0 - {top}.")
        _refresh(ctx, coll, nic, vfs, num)
    config.update(number_of_virtual_functions=num, all_networks_allowed=allowed)
    ctx.store.update(coll, nic["id"], virtual_functions_configuration=config,
                     _vf_networks=[] if allowed else nic.get("_vf_networks"),
                     _vf_labels=[] if allowed else nic.get("_vf_labels"))
    return {}


def _refresh(ctx: Context, coll: str, pf: dict, vfs: list[dict], num: int) -> None:
    """RefreshHost after HostDevChangeNumVfs: the host now reports ``num`` VF NICs."""
    for vf in vfs:
        ctx.store.delete(coll, vf["id"])
    for n in range(num):
        ctx.store.put(coll, "host_nic", {
            "id": ctx.new_id(), "name": f"{pf['name']}v{n}", "host": pf.get("host"),
            "status": "up", "mtu": pf.get("mtu", 1500), "bridged": False,
            "boot_protocol": "none", "speed": pf.get("speed"),
            "physical_function": {"id": pf["id"]}})
