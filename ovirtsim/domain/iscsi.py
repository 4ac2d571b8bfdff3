"""A simulated iSCSI network: hosts discover targets, log in, and then see LUNs.

Every portal address answers with one target, ``iqn.2026-12.org.ovirt-sim:<address>``,
which exports three LUNs (50, 100 and 200 GiB; ids are fixed by the address). A host lists
the LUNs of the targets it logged in to under ``/hosts/{id}/storage``, marked ``used`` when a
storage domain is built on them: what an admin reads before adding an iSCSI domain.
"""

from __future__ import annotations

import hashlib

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..web.routing import Node
from .storage import logical_units

GiB = 1024 ** 3
LUN_SIZES = (50, 100, 200)


def _target(address: str) -> str:
    return f"iqn.2026-12.org.ovirt-sim:{address.lower()}"


def _portal(iscsi: dict) -> tuple[str, int]:
    address = str(iscsi.get("address") or "").strip()
    if not address:
        raise Fault(400, "Incomplete parameters", "IscsiDetails [address] required for "
                    "iscsiDiscover")
    try:
        port = int(iscsi.get("port") or 3260)
    except (TypeError, ValueError):
        raise Fault(400, "Invalid value", f"Invalid port '{iscsi.get('port')}'") from None
    return address, port


def _up(node: Node, action: str) -> dict:
    host = node.obj or {}
    if host.get("status") != "up":
        raise conflict(action, "Host", "Host status must be Up.", True)
    return host


def luns(address: str, port: int) -> list[dict]:
    """The LUNs the portal's target exports (as a host sees them)."""
    target = _target(address)
    out = []
    for n, size in enumerate(LUN_SIZES):
        digest = hashlib.sha256(f"{target}:{n}".encode()).hexdigest()
        out.append({"id": "36001405" + digest[:25], "address": address, "port": port,
                    "target": target, "portal": f"{address}:{port},1", "lun_mapping": n,
                    "size": size * GiB, "paths": 1, "vendor_id": "LIO-ORG",
                    "product_id": f"lun{n}", "serial": f"SLIO-ORG_lun{n}_{digest[25:33]}"})
    return out


@on.action("host", "iscsi_discover")
def iscsi_discover(ctx: Context, node: Node, params: dict) -> dict:
    _up(node, "discover iSCSI targets on")
    address, _port = _portal(params.get("iscsi") or {})
    return {"iscsi_targets": [_target(address)]}


@on.action("host", "discover_iscsi")
def discover_iscsi(ctx: Context, node: Node, params: dict) -> dict:
    _up(node, "discover iSCSI targets on")
    address, port = _portal(params.get("iscsi") or {})
    return {"discovered_targets": [{"address": address, "port": port,
                                    "portal": f"{address}:{port},1",
                                    "target": _target(address)}]}


@on.action("host", "iscsi_login")
def iscsi_login(ctx: Context, node: Node, params: dict) -> dict:
    host = _up(node, "log in to iSCSI target on")
    iscsi = params.get("iscsi") or {}
    address, port = _portal(iscsi)
    if iscsi.get("target") != _target(address):
        raise Fault(400, "Operation Failed", "[Failed to setup iSCSI subsystem]", True)
    sessions = [s for s in host.get("_iscsi") or [] if s.get("address") != address]
    ctx.store.update("hosts", host["id"], _iscsi=[*sessions, {"address": address,
                                                              "port": port}])
    return {}


@on.action("host", "unregistered_storage_domains_discover")
def unregistered_domains(ctx: Context, node: Node, params: dict) -> dict:
    """Domains on the target that this engine does not know: the SAN holds none."""
    _up(node, "discover storage domains on")
    _portal(params.get("iscsi") or {})
    return {"storage_domains": []}


@on.generated("host", "storage")
def host_storage(ctx: Context, node: Node) -> list[dict]:
    parent = node.parent_entity()
    host = ctx.store.get("hosts", str((parent.obj or {}).get("id"))) if parent else None
    if host is None:
        return []
    used = {str(u.get("id")): sd["id"] for sd in ctx.store.items("storagedomains")
            for u in logical_units(sd.get("storage") or {})}
    out = []
    for session in host.get("_iscsi") or []:
        for lun in luns(session["address"], session["port"]):
            unit = dict(lun)
            if lun["id"] in used:
                unit.update(status="used", storage_domain_id=used[lun["id"]])
            else:
                unit["status"] = "free"
            out.append({"id": lun["id"], "type": "iscsi", "logical_units": [unit],
                        "host": {"id": host["id"]}})
    return out
