"""Host administration actions: approve, enroll certificate, force select SPM and copy
host networks, with the preconditions, faults, state changes and events of the engine's
ApproveVdsCommand, HostEnrollCertificateCommand, ForceSelectSPMCommand and
CopyHostNetworksCommand."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import event, finished_job, scheduled_job, user_label
from ..web.routing import Node
from .host_networks import setup_networks
from .images import find

APPROVABLE = ("pending_approval", "install_failed", "installing_os")
ENROLLABLE = ("maintenance", "install_failed")
NEVER_SPM = -1  # the engine's HOST_MIN_SPM_PRIORITY


def _host(ctx: Context, node: Node) -> dict:
    return ctx.store.get("hosts", str(node.id)) or {}


def _data_center(ctx: Context, host: dict) -> dict | None:
    """The data center (storage pool) a host serves, through its cluster."""
    cluster = ctx.store.get("clusters", str((host.get("cluster") or {}).get("id"))) or {}
    dc = (cluster.get("data_center") or {}).get("id")
    return ctx.store.get("datacenters", str(dc)) if dc else None


@on.action("host", "approve")
def approve(ctx: Context, node: Node, params: dict) -> dict:
    """Approve a registered (or failed) host: the REST layer first moves it to the given
    cluster, then the engine installs it and lets monitoring bring it Up."""
    store = ctx.store
    host = _host(ctx, node)
    if host.get("status") not in APPROVABLE:
        # VDS_APPROVE_VDS_IN_WRONG_STATUS carries no ${action}/${type}: the text is fixed
        raise Fault(409, "Operation Failed", "[Cannot approve RHEV Hypervisor Host.\n-Host "
                    "must be in \"Pending Approval\" or \"Install Failed\" status in order to "
                    "be approved.]", in_action=True)
    hid, name = host["id"], host["name"]
    if params.get("cluster"):
        cluster = find(ctx, "clusters", params["cluster"], "Cluster")
        store.update("hosts", hid, cluster={"id": cluster["id"]})
    store.update("hosts", hid, status="installing")
    event(ctx, 498, "normal", f"Host {name} was successfully approved by user "
          f"{user_label(ctx)}.", host=hid)
    activate = params.get("activate", True)

    def done() -> None:
        store.update("hosts", hid, status="up" if activate else "maintenance")
        event(ctx.background(), 504, "normal", f"Host {name} installed", host=hid)

    return scheduled_job(ctx, f"Approving Host {name}", f"host:{hid}", [
        (3.0, lambda: store.update("hosts", hid, status="unassigned")),
        (1.0, lambda: store.update("hosts", hid, status="initializing")), (1.0, done)])


@on.action("host", "enroll_certificate")
def enroll_certificate(ctx: Context, node: Node, params: dict) -> dict:
    """Re-issue the host's certificate from the engine CA; only a host in maintenance (or
    whose install failed) may be enrolled, and its status does not change."""
    host = _host(ctx, node)
    if host.get("status") not in ENROLLABLE:
        raise conflict("enroll certificate", "Host", "Please switch Host to Maintenance mode "
                       "first.", True)
    hid, name = host["id"], host["name"]
    event(ctx, 880, "normal", f"Enrolling certificate for host {name} was started (User: "
          f"{user_label(ctx)}).", host=hid)
    user = user_label(ctx)

    def enrolled() -> None:
        event(ctx.background(), 881, "normal", f"Enrolling certificate for host {name} was "
              f"completed successfully (User: {user}).", host=hid)

    return scheduled_job(ctx, f"Enrolling certificate for Host {name}", f"enroll:{hid}",
                         [(2.0, enrolled)])


@on.action("host", "force_select_spm")
def force_select_spm(ctx: Context, node: Node, params: dict) -> dict:
    """Make an Up host of a pool the SPM: the current SPM is stopped, the host contends and
    takes the role (the engine's SpmStopOnIrs, then the pool elects the preferred host)."""
    store = ctx.store
    host = _host(ctx, node)
    hid, name = host["id"], host["name"]

    def refuse(why: str) -> Fault:
        return conflict("force select", "SPM", why, True)

    if host.get("status") != "up":
        raise refuse(f"The Host {name} is not active.")
    dc = _data_center(ctx, host)
    if dc is None:
        raise refuse("The Host is not a part of a Storage Pool.")
    spm = dict(host.get("spm") or {})
    if spm.get("status", "none") != "none":
        raise refuse(f"The Host {name} is already SPM or contending.")
    if spm.get("priority") == NEVER_SPM:
        raise refuse(f"The SPM priority of Host {name} is set to 'never'. This Host cannot "
                     "be elected as SPM.")
    if dc.get("status") != "up":
        raise Fault(409, "Operation Failed", "[Cannot force select SPM: Storage Domain "
                    "cannot be accessed.\n-Please check that at least one Host is operational "
                    "and Data Center state is up.]", in_action=True)
    pool = [h for h in store.items("hosts") if (_data_center(ctx, h) or {}).get("id") ==
            dc["id"]]
    for other in pool:
        if other["id"] != hid and (other.get("spm") or {}).get("status") != "none":
            store.update("hosts", other["id"], spm={**(other.get("spm") or {}),
                                                    "status": "none"})
    store.update("hosts", hid, spm={**spm, "status": "contending"})
    event(ctx, 159, "normal", f"Host {name} was force selected by {user_label(ctx)}",
          host=hid, data_center=dc["id"])

    def elected() -> None:
        cur = store.get("hosts", hid) or {}
        store.update("hosts", hid, spm={**(cur.get("spm") or {}), "status": "spm"})
        event(ctx.background(), 204, "normal", f"Storage Pool Manager runs on Host {name} "
              f"(Address: {cur.get('address')}), Data Center {dc['name']}.", host=hid,
              data_center=dc["id"])

    return scheduled_job(ctx, f"Force selecting Host {name} as SPM for Data Center "
                         f"{dc['name']}", f"spm:{dc['id']}", [(2.0, elected)])


def _physical(ctx: Context, hid: str) -> list[dict]:
    """A host's NICs that are not bonds, in name order (how copying pairs them up)."""
    return sorted((n for n in ctx.store.items(f"hosts/{hid}/nics") if not n.get("bonding")),
                  key=lambda n: str(n["name"]))


def _management_network(ctx: Context, cluster_id: str | None) -> str | None:
    return next((n["id"] for n in ctx.store.items("networks") if "management" in (
        (n.get("_clusters") or {}).get(str(cluster_id)) or {}).get("usages", [])), None)


@on.action("host", "copy_host_networks")
def copy_host_networks(ctx: Context, node: Node, params: dict) -> dict:
    """Give this host the network layout of ``source_host`` (same cluster): its bonds and
    network attachments, NIC by NIC in name order, replacing what the host had; applied as
    one setup networks that is committed, as the engine's CopyHostNetworksCommand does."""
    store = ctx.store
    dest = _host(ctx, node)
    source = find(ctx, "hosts", params.get("source_host"), "Host")
    hid, sid = dest["id"], source["id"]
    if (source.get("cluster") or {}).get("id") != (dest.get("cluster") or {}).get("id"):
        raise conflict("copy networks", "Host", "The source and destination hosts must be "
                       "in the same cluster.", True)
    src_nics, dst_nics = _physical(ctx, sid), _physical(ctx, hid)
    if len(src_nics) > len(dst_nics):
        # the engine also logs NETWORK_COPY_HOST_NETWORKS_INVALID_IFACE_COUNT (10930) here;
        # a refused request leaves no trace in the simulator's store, so it is not kept
        raise conflict("copy networks", "Host", "Interface count of destination host has to "
                       "be at least as high as that of the source host.", True)
    pairs = {n["id"]: d["name"] for n, d in zip(src_nics, dst_nics, strict=False)}
    src_all = {n["id"]: n for n in store.items(f"hosts/{sid}/nics")}
    mapped = {nid: pairs.get(nid, n["name"]) for nid, n in src_all.items()}
    mgmt = _management_network(ctx, (dest.get("cluster") or {}).get("id"))
    old_atts = store.items(f"hosts/{hid}/networkattachments")
    keep_ip = {(a.get("network") or {}).get("id"): a.get("ip_address_assignments")
               for a in old_atts}
    bonds = [{"name": n["name"], "bonding": {
        "options": (n.get("bonding") or {}).get("options"),
        "slaves": [{"name": mapped[str(s.get("id"))]}
                   for s in (n.get("bonding") or {}).get("slaves") or []]}}
        for n in src_all.values() if n.get("bonding")]
    attachments = []
    for att in store.items(f"hosts/{sid}/networkattachments"):
        net = (att.get("network") or {}).get("id")
        doc = {"network": {"id": net},
               "host_nic": {"name": mapped[str((att.get("host_nic") or {}).get("id"))]}}
        # the destination keeps its own address on the management network; static
        # addresses of other networks are not copied (they would clash)
        ips = keep_ip.get(net) if net == mgmt else [
            {"assignment_method": "none"} if a.get("assignment_method") == "static" else a
            for a in att.get("ip_address_assignments") or []]
        if ips:
            doc["ip_address_assignments"] = ips
        if att.get("properties"):
            doc["properties"] = att["properties"]
        attachments.append(doc)
    setup_networks(ctx, node, {
        "removed_network_attachments": [{"id": a["id"]} for a in old_atts],
        "removed_bonds": [{"name": n["name"]} for n in store.items(f"hosts/{hid}/nics")
                          if n.get("bonding")],
        "modified_bonds": bonds, "modified_network_attachments": attachments,
        "commit_on_success": True})
    event(ctx, 10928, "normal", f"Successfully finished copying host network from "
          f"{source['name']} to {dest['name']}.", host=hid)
    return finished_job(ctx, f"Copying networks from Host {source['name']} to Host "
                        f"{dest['name']}")
