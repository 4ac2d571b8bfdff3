"""Administrative VM actions beyond the power lifecycle: leave a pool (``detach``), hosted-engine
global maintenance, MAC reordering, CPU/NUMA auto-pinning, guest logon, a cluster's emulated
machine reset and the websocket-proxy ticket of a graphics console.

Each follows the engine's command for it (named in the docstring): the same refusals, texts
and audit events, so that scripts written against a real engine meet the same answers here.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from urllib.parse import quote

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict, incomplete
from ..core.journal import event, finished_job, user_label
from ..dispatch.rules import RUNNING
from ..web.protocol import Reply
from ..web.routing import Node
from .consoles import console_port
from .pools import pool_vms
from .vms import vm_of, vm_updated

HOSTED_ENGINE = ("hosted_engine", "managed_hosted_engine")
UNMANAGED = ("external", "hosted_engine")


def _managed(vm: dict, verb: str) -> None:
    """VmCommand.canRunActionOnNonManagedVm: external and unmanaged hosted-engine VMs refuse."""
    if vm.get("origin") in UNMANAGED:
        raise conflict(verb, "VM", "This VM is not managed by the engine.")


@on.action("vm", "detach")
def detach(ctx: Context, node: Node, params: dict) -> dict:
    """RemoveVmFromPoolCommand (with updatePrestartedVms and removePoolUponDetachAllVMs): a
    VM that is not running leaves its pool, the pool shrinks (prestarted VMs bounded by what
    is left) and goes away with its last VM. The VM itself stays, as it was."""
    vm = vm_of(ctx, node)
    pid = (vm.get("vm_pool") or {}).get("id")
    pool = ctx.store.get("vmpools", pid) if pid else None
    if pool is None:
        raise Fault(409, "Operation Failed",
                    "[Cannot detach VM from pool. VM is not attached to the VM-Pool.]")
    if vm.get("status") in RUNNING or vm.get("status") == "unknown":
        raise Fault(409, "Operation Failed", "[Cannot detach VM from VM-Pool. VM is running.]")
    ctx.store.update("vms", vm["id"], vm_pool=None)
    left = len(pool_vms(ctx, pool["id"]))
    if left:
        ctx.store.update("vmpools", pool["id"], size=left,
                         prestarted_vms=min(int(pool.get("prestarted_vms") or 0), left))
    else:
        ctx.store.delete("vmpools", pool["id"])
        ctx.scheduler.cancel(f"pool:{pool['id']}")
    event(ctx, 308, "normal", f"VM {vm['name']} was removed from VM Pool {pool['name']} by "
          f"{user_label(ctx)}.", vm=vm["id"])
    return finished_job(ctx, f"Detaching VM {vm['name']} from VM Pool {pool['name']}")


@on.action("vm", "maintenance")
def maintenance(ctx: Context, node: Node, params: dict) -> dict | Reply:
    """BackendVmResource.maintenance + SetHaMaintenanceCommand: global HA maintenance, only for
    the hosted-engine VM (any other VM: a bare 400 text, not a fault), set on the host it runs
    on, which must be up and have hosted engine configured."""
    enabled = params.get("maintenance_enabled")
    if enabled is None:
        raise incomplete("Action", "maintenanceEnabled", "maintenance")
    vm = vm_of(ctx, node)
    if vm.get("origin") not in HOSTED_ENGINE:
        return Reply(400, "Moving to maintenance mode is currently only available for the VM "
                     "containing the hosted engine.", "text/plain")
    why = "Cannot update VM Cluster."
    host = ctx.store.get("hosts", (vm.get("host") or {}).get("id") or "")
    if host is None:
        raise Fault(409, "Operation Failed", f"[{why} Host does not exist.]")
    if host.get("status") != "up":
        raise Fault(409, "Operation Failed", f"[{why} Operation can be performed only when "
                    "Host status is Up.]")
    he = dict(host.get("hosted_engine") or {})
    if not he.get("configured"):
        raise Fault(409, "Operation Failed", f"[{why} Hosted Engine is not configured on this "
                    "host.]")
    flag = str(enabled).lower() in ("true", "1")
    for h in ctx.store.items("hosts"):  # global maintenance: every HA host reports it
        if (h.get("hosted_engine") or {}).get("configured"):
            ctx.store.update("hosts", h["id"], hosted_engine={
                **h["hosted_engine"], "global_maintenance": flag})
    event(ctx, 10450, "normal", f"Hosted Engine HA maintenance mode was updated on host "
          f"{host['name']}.", host=host["id"])
    return finished_job(ctx, f"Setting Hosted Engine HA maintenance on Host {host['name']}")


def _name_key(nic: dict) -> tuple:
    """NumericSuffixNameableComparator: nic2 before nic10."""
    name = str(nic.get("name", ""))
    m = re.match(r"^(.*?)(\d+)$", name)
    return (m.group(1), int(m.group(2)), name) if m else (name, -1, name)


@on.action("vm", "reorder_mac_addresses")
def reorder_mac_addresses(ctx: Context, node: Node, params: dict) -> dict:
    """ReorderVmNicsCommand: the NICs without a PCI address get the VM's MAC addresses in
    order, sorted by name. A running VM's NICs all have addresses, so nothing moves; a VM that
    is not running is taken as unaddressed (the simulator keeps no device addresses)."""
    vm = vm_of(ctx, node)
    _managed(vm, "reorder MAC addresses of")
    if vm.get("status") not in RUNNING:
        coll = f"vms/{vm['id']}/nics"
        nics = sorted(ctx.store.items(coll), key=_name_key)
        macs = sorted(str((n.get("mac") or {}).get("address", "")) for n in nics)
        for nic, mac in zip(nics, macs, strict=True):
            if (nic.get("mac") or {}).get("address") != mac:
                ctx.store.update(coll, nic["id"], mac={**(nic.get("mac") or {}),
                                                       "address": mac})
    return finished_job(ctx, f"Reordering MAC addresses of VM {vm['name']}")


@on.action("vm", "auto_pin_cpu_and_numa_nodes")
def auto_pin_cpu_and_numa_nodes(ctx: Context, node: Node, params: dict) -> dict:
    """BackendVmResource.autoPinCpuAndNumaNodes: only ``optimize_cpu_settings=true`` is taken,
    and becomes an UpdateVm to the resize_and_pin_numa CPU pinning policy."""
    if str(params.get("optimize_cpu_settings")).lower() not in ("true", "1"):
        raise Fault(400, "Operation Failed", "Not supported: `Pin` CPU Pinning policy")
    vm = vm_of(ctx, node)
    _managed(vm, "update")
    new = ctx.store.update("vms", vm["id"], cpu_pinning_policy="resize_and_pin_numa") or vm
    vm_updated(ctx, node, new)
    return {}


@on.action("vm", "logon")
def logon(ctx: Context, node: Node, params: dict) -> dict:
    """VmLogonCommand: passes validation for any managed VM, but only one running on a host
    gets the logon sent; otherwise the command does not succeed (400, empty message list)."""
    vm = vm_of(ctx, node)
    _managed(vm, "log on to")
    if vm.get("status") not in RUNNING | {"not_responding"} or not vm.get("host"):
        raise Fault(400, "Operation Failed", "[]")
    return finished_job(ctx, f"Logging on to VM {vm['name']}")


@on.action("cluster", "reset_emulated_machine")
def reset_emulated_machine(ctx: Context, node: Node, params: dict) -> dict:
    """BackendClusterResource.resetEmulatedMachine: an UpdateCluster of the unchanged cluster
    that asks for the emulated machine to be detected again from the next host that comes
    up (not a field of the API); it is logged as a cluster update."""
    cluster = ctx.store.get("clusters", str(node.id)) or {}
    ctx.store.update("clusters", cluster["id"], _detect_emulated_machine=True)
    event(ctx, 811, "normal", f"Host cluster {cluster['name']} was updated by "
          f"{user_label(ctx)}", cluster=cluster["id"])
    return finished_job(ctx, f"Editing Host Cluster {cluster['name']}")


@on.action("vm_graphics_console", "proxy_ticket")
def proxy_ticket(ctx: Context, node: Node, params: dict) -> dict:
    """GetSignedWebsocketProxyTicketQuery: a signed ticket telling the websocket proxy where
    the console listens (host, port, TLS); a VM that does not run has no console to reach."""
    vm = vm_of(ctx, node)
    proto = (node.obj or {}).get("protocol", "spice")
    if vm.get("status") not in RUNNING or not vm.get("host"):
        raise Fault(400, "Operation Failed", "[GraphicsConsoleCantBeObtained]")
    host = ctx.store.get("hosts", vm["host"]["id"]) or {}
    port = console_port(ctx, vm)
    tls = proto == "spice"
    data = quote(json.dumps({"host": host.get("address", "127.0.0.1"),
                             "port": str(port + 1 if tls else port), "ssl_target": tls}))
    now = ctx.now() // 1000  # the ticket's validity is in seconds
    envelope = {"salt": secrets.token_urlsafe(6), "data": data, "validFrom": str(now - 1),
                "validTo": str(now + 120), "signedFields": "salt,data,validFrom,validTo",
                "signature": secrets.token_urlsafe(32)}
    value = base64.b64encode(json.dumps(envelope).encode()).decode()
    return {"proxy_ticket": {"value": value}}
