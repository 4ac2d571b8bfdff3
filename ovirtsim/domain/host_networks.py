"""Host networking: NICs, bonds and network attachments through ``setupnetworks``, the
saved configuration (``commitnetconfig``), and networks attached to clusters."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, event, start_job
from ..web.routing import Node
from .images import find


def _fail(why: str) -> Fault:
    return conflict("SetupNetworks", "Host", why, in_action=True)


@on.action("host", "setup_networks")
def setup_networks(ctx: Context, node: Node, params: dict) -> dict:
    """Apply bonds and attachments all at once, or refuse the whole change."""
    store, hid = ctx.store, str(node.id)
    host = store.get("hosts", hid) or {}
    nics_coll, att_coll = f"hosts/{hid}/nics", f"hosts/{hid}/networkattachments"
    nics = {n["name"]: dict(n) for n in store.items(nics_coll)}
    by_id = {n["id"]: n["name"] for n in nics.values()}
    atts = {a["id"]: dict(a) for a in store.items(att_coll)}

    def nic_name(ref: dict | None, what: str) -> str:
        ref = ref or {}
        name = ref.get("name") or by_id.get(str(ref.get("id")))
        if not name or name not in nics:
            raise _fail(f"The following Network Interfaces do not exist on the Host: "
                        f"{ref.get('name') or ref.get('id')} ({what}).")
        return str(name)

    for att in params.get("removed_network_attachments") or []:
        if att.get("id") not in atts:
            raise _fail(f"Network attachment {att.get('id')} does not exist on the Host.")
        gone = atts.pop(att["id"])
        nic = by_id.get((gone.get("host_nic") or {}).get("id", ""))
        if nic in nics:
            nics[nic].pop("network", None)
    for bond in params.get("removed_bonds") or []:
        name = nic_name(bond, "removed bond")
        if not nics[name].get("bonding"):
            raise _fail(f"{name} is not a bond.")
        if any((a.get("host_nic") or {}).get("id") == nics[name]["id"] for a in atts.values()):
            raise _fail(f"Bond {name} is used by a network attachment.")
        for slave in nics.values():
            if (slave.get("_bond") or "") == name:
                slave.pop("_bond", None)
        del nics[name]
    for bond in params.get("modified_bonds") or []:
        name = bond.get("name") or by_id.get(str(bond.get("id")))
        if not name:
            raise Fault(400, "Incomplete parameters", "HostNic [name] required for "
                        "setupNetworks")
        slaves = [s.get("name") or by_id.get(str(s.get("id")))
                  for s in (bond.get("bonding") or {}).get("slaves") or []]
        if len(slaves) < 2:
            raise _fail(f"Bond {name} must have at least two slaves.")
        for s in slaves:
            if s not in nics:
                raise _fail(f"The following Network Interfaces do not exist on the Host: {s}.")
            if nics[s].get("network") or nics[s].get("bonding"):
                raise _fail(f"Network Interface {s} is in use and cannot be a bond slave.")
            owner = nics[s].get("_bond")
            if owner and owner != name:
                raise _fail(f"Network Interface {s} is already a slave of bond {owner}.")
        for n in nics.values():
            if n.get("_bond") == name and n["name"] not in slaves:
                n.pop("_bond", None)
        first = nics[slaves[0]]
        doc = nics.get(name) or {"id": ctx.new_id(), "name": name, "host": {"id": hid},
                                 "status": "up", "mtu": 1500, "boot_protocol": "none",
                                 "bridged": False, "mac": dict(first.get("mac") or {})}
        options = (bond.get("bonding") or {}).get("options") or \
            (doc.get("bonding") or {}).get("options") or [{"name": "mode", "value": "4"},
                                                          {"name": "miimon", "value": "100"}]
        doc["bonding"] = {"options": options,
                          "slaves": [{"id": nics[s]["id"]} for s in slaves]}
        doc["speed"] = sum(int(nics[s].get("speed") or 0) for s in slaves)
        nics[name] = doc
        by_id[doc["id"]] = name
        for s in slaves:
            nics[s]["_bond"] = name
    for att in params.get("modified_network_attachments") or []:
        net = find(ctx, "networks", att.get("network"), "Network") if att.get("network") else \
            None
        old = atts.get(str(att.get("id"))) if att.get("id") else None
        if net is None and old is None:
            raise Fault(400, "Incomplete parameters", "NetworkAttachment [network.id|name] "
                        "required for setupNetworks")
        net = net or store.get("networks", old["network"]["id"]) or {}  # type: ignore[index]
        nic = nic_name(att.get("host_nic") or (old or {}).get("host_nic"), "attachment")
        if nics[nic].get("_bond"):
            raise _fail(f"Network {net['name']} cannot be attached to {nic}: it is a slave "
                        f"of bond {nics[nic]['_bond']}.")
        for other in atts.values():
            if other is not old and (other.get("network") or {}).get("id") == net["id"]:
                raise _fail(f"Network {net['name']} is already attached to the Host.")
            if other is not old and (other.get("host_nic") or {}).get("id") == \
                    nics[nic]["id"]:
                raise _fail(f"Network Interface {nic} already has a network attached.")
        if old is not None:
            prev = by_id.get((old.get("host_nic") or {}).get("id", ""))
            if prev in nics:
                nics[prev].pop("network", None)
        doc = {**(old or {"id": ctx.new_id(), "host": {"id": hid}, "in_sync": True}),
               "network": {"id": net["id"]}, "host_nic": {"id": nics[nic]["id"]}}
        for key in ("ip_address_assignments", "properties"):
            if att.get(key):
                doc[key] = att[key]
        atts[doc["id"]] = doc
        nics[nic]["network"] = {"id": net["id"]}
        nics[nic]["bridged"] = "vm" in (net.get("usages") or [])
    for label in params.get("modified_labels") or []:
        nic = nic_name(label.get("host_nic"), "label")
        names = [x for x in nics[nic].get("_labels") or [] if x != label.get("id")]
        nics[nic]["_labels"] = names + [str(label.get("id"))]
    for label in params.get("removed_labels") or []:
        for n in nics.values():
            n["_labels"] = [x for x in n.get("_labels") or [] if x != label.get("id")]

    job = start_job(ctx, f"Configuring networks on host {host.get('name')}")
    for n in store.items(nics_coll):
        if n["name"] not in nics:
            store.delete(nics_coll, n["id"])
    for n in nics.values():
        store.put(nics_coll, "host_nic", n)
    for a in store.items(att_coll):
        if a["id"] not in atts:
            store.delete(att_coll, a["id"])
    for a in atts.values():
        store.put(att_coll, "network_attachment", a)
    committed = bool(params.get("commit_on_success"))
    store.update("hosts", hid, _net_config_saved=committed)
    event(ctx, 1120, "normal", f"Network changes were saved on host {host.get('name')}"
          if committed else f"Host {host.get('name')} network configuration was changed.",
          host=hid)
    end_job(ctx, job)
    return {"job": {"id": job}}


@on.action("host", "commit_net_config")
def commit_net_config(ctx: Context, node: Node, params: dict) -> dict:
    host = ctx.store.get("hosts", str(node.id)) or {}
    ctx.store.update("hosts", host["id"], _net_config_saved=True)
    event(ctx, 1120, "normal", f"Network changes were saved on host {host.get('name')}",
          host=host["id"])
    return {}


@on.generated("host_nic", "network_labels")
def nic_labels(ctx: Context, node: Node) -> list[dict]:
    nic = (node.parent.obj if node.parent else None) or {}
    return [{"id": x, "host_nic": {"id": nic.get("id")}} for x in nic.get("_labels") or []]


@on.before("add", "network_attachment")
def attachment_checks(ctx: Context, node: Node, data: dict) -> None:
    """POST /hosts/x/networkattachments: the NIC must exist on that host and be free."""
    host = node.ancestor("host")
    if host is None:
        return
    coll = f"hosts/{host.id}/nics"
    nic_ref = data.get("host_nic") or {}
    nic = ctx.store.get(coll, str(nic_ref.get("id"))) if nic_ref.get("id") else \
        ctx.store.find_by_name(coll, str(nic_ref.get("name")))
    if nic is None:
        raise conflict("add", "Network Attachment", "The specified Network Interface does "
                       "not exist on the Host.")
    if nic.get("network") or nic.get("_bond"):
        raise conflict("add", "Network Attachment", f"Network Interface {nic['name']} is "
                       "already in use.")
    data["host_nic"] = {"id": nic["id"]}
    data["host"] = {"id": host.id}
    data.setdefault("in_sync", True)
    net = data.get("network") or {}
    ctx.store.update(coll, nic["id"], network={"id": net.get("id")} if net.get("id") else None)


def _sync_host(ctx: Context, host: dict) -> None:
    coll = f"hosts/{host['id']}/networkattachments"
    for att in ctx.store.items(coll):
        if not att.get("in_sync", True):
            ctx.store.update(coll, att["id"], in_sync=True)


@on.action("host", "sync_all_networks")
def sync_host_networks(ctx: Context, node: Node, params: dict) -> dict:
    """Bring every network attachment of the host back to its network's definition."""
    host = ctx.store.get("hosts", str(node.id)) or {}
    if host.get("status") not in ("up", "maintenance", "non_operational"):
        raise conflict("sync networks on", "Host", "Host status must be Up, Maintenance "
                       "or NonOperational.", True)
    _sync_host(ctx, host)
    return {}


@on.action("cluster", "sync_all_networks")
def sync_cluster_networks(ctx: Context, node: Node, params: dict) -> dict:
    """The same for every host of the cluster that can be reached."""
    for host in ctx.store.items("hosts"):
        if (host.get("cluster") or {}).get("id") == node.id and \
                host.get("status") in ("up", "maintenance", "non_operational"):
            _sync_host(ctx, host)
    return {}
