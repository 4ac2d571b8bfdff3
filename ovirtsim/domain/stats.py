"""Statistics of VMs, hosts, disks and NICs: values that follow what runs.

A running VM uses a third of its memory and a quarter of each vCPU; a host's memory and CPU
figures are the sum of its running VMs (plus the host's own 1 GiB); disks and NICs of a
running VM show traffic, which stops when it stops.
"""

from __future__ import annotations

import uuid

from ..core import registry as on
from ..core.context import Context
from ..core.registry import View
from ..core.seed import NAMESPACE, GiB
from ..dispatch.rules import RUNNING
from ..web.routing import Node
from .scheduling import VCPU_LOAD, cpu_load, memory_used, vcpus, vms_on

HOST_OVERHEAD = GiB
Stat = tuple[str, str, str, str, float]


def _vm_stats(ctx: Context, vm: dict) -> list[Stat]:
    running = vm.get("status") in RUNNING
    mem = int(vm.get("memory", 0))
    guest = VCPU_LOAD if running else 0.0
    now = ctx.now()
    return [
        ("memory.installed", "Total memory configured", "bytes", "integer", mem),
        ("memory.used", "Memory used (agent)", "bytes", "integer", mem // 3 if running else 0),
        ("memory.free", "Memory free (agent)", "bytes", "integer",
         mem - mem // 3 if running else 0),
        ("memory.buffered", "Memory buffered (agent)", "bytes", "integer", 0),
        ("memory.cached", "Memory cached (agent)", "bytes", "integer", 0),
        ("cpu.current.guest", "CPU used by guest", "percent", "decimal", guest),
        ("cpu.current.hypervisor", "CPU overhead", "percent", "decimal",
         0.5 if running else 0),
        ("cpu.current.total", "Total CPU used", "percent", "decimal",
         guest + 0.5 if running else 0),
        ("migration.progress", "Migration Progress", "percent", "integer",
         50 if vm.get("status") == "migrating" else 0),
        ("elapsed.time", "Elapsed VM runtime", "seconds", "integer",
         max(0, (now - int(vm.get("start_time", now))) // 1000) if running else 0),
    ]


def _host_stats(ctx: Context, host: dict) -> list[Stat]:
    up = host.get("status") in ("up", "preparing_for_maintenance", "maintenance")
    total = int(host.get("memory", 0))
    used = (memory_used(ctx, host) + HOST_OVERHEAD) if up else 0
    used = min(used, total)
    cpu = cpu_load(ctx, host) if up else 0.0
    return [
        ("memory.total", "Total memory", "bytes", "integer", total),
        ("memory.used", "Used memory", "bytes", "integer", used),
        ("memory.free", "Free memory", "bytes", "integer", total - used if up else 0),
        ("memory.shared", "Shared memory", "bytes", "integer", 0),
        ("memory.buffers", "I/O buffers", "bytes", "integer", 0),
        ("memory.cached", "OS caches", "bytes", "integer", 0),
        ("swap.total", "Total swap", "bytes", "integer", 8 * GiB),
        ("swap.free", "Free swap", "bytes", "integer", 8 * GiB),
        ("swap.used", "Used swap", "bytes", "integer", 0),
        ("ksm.cpu.current", "KSM CPU usage", "percent", "decimal", 0),
        ("cpu.current.user", "User CPU usage", "percent", "decimal", round(cpu * 0.9, 2)),
        ("cpu.current.system", "System CPU usage", "percent", "decimal",
         round(cpu * 0.1 + (1 if up else 0), 2)),
        ("cpu.current.idle", "Idle CPU usage", "percent", "decimal",
         round(100 - cpu - (1 if up else 0), 2) if up else 0),
        ("cpu.load.avg.5m", "CPU 5 minute load average", "", "decimal",
         round(sum(vcpus(v) for v in vms_on(ctx, host["id"])) * VCPU_LOAD / 100, 2)),
        ("boot.time", "Boot time", "seconds", "integer", 0),
    ]


def _owner_running(ctx: Context, node: Node) -> bool:
    vm = node.ancestor("vm")
    if vm is not None and vm.obj is not None:
        return (ctx.store.get("vms", str(vm.obj["id"])) or vm.obj).get("status") in RUNNING
    host = node.ancestor("host")
    if host is not None and host.obj is not None:
        return (ctx.store.get("hosts", str(host.obj["id"])) or host.obj).get("status") == "up"
    return False


def _disk_stats(ctx: Context, node: Node, disk: dict) -> list[Stat]:
    busy = _owner_running(ctx, node) or any(
        (ctx.store.get("vms", coll.split("/")[1]) or {}).get("status") in RUNNING
        for coll in ctx.store.colls if coll.startswith("vms/") and
        coll.endswith("/diskattachments") and disk["id"] in ctx.store.colls[coll])
    return [
        ("data.current.read", "Read data rate", "bytes_per_second", "decimal",
         2 * 2**20 if busy else 0),
        ("data.current.write", "Write data rate", "bytes_per_second", "decimal",
         2**20 if busy else 0),
        ("disk.read.latency", "Read latency", "seconds", "decimal", 0.002 if busy else 0),
        ("disk.write.latency", "Write latency", "seconds", "decimal", 0.004 if busy else 0),
        ("disk.flush.latency", "Flush latency", "seconds", "decimal", 0.001 if busy else 0),
    ]


def _nic_stats(ctx: Context, node: Node, nic: dict) -> list[Stat]:
    busy = _owner_running(ctx, node)
    speed = int(nic.get("speed") or 10**9)
    return [
        ("data.current.rx", "Receive data rate", "bytes_per_second", "decimal",
         speed // 800 if busy else 0),
        ("data.current.tx", "Transmit data rate", "bytes_per_second", "decimal",
         speed // 1600 if busy else 0),
        ("data.current.rx.bps", "Receive data rate", "bits_per_second", "decimal",
         speed // 100 if busy else 0),
        ("data.current.tx.bps", "Transmit data rate", "bits_per_second", "decimal",
         speed // 200 if busy else 0),
        ("data.total.rx", "Total received data", "bytes", "integer", 0),
        ("data.total.tx", "Total transmitted data", "bytes", "integer", 0),
        ("errors.total.rx", "Total receive errors", "", "integer", 0),
        ("errors.total.tx", "Total transmit errors", "", "integer", 0),
    ]


def statistics_view(ctx: Context, node: Node) -> list[dict]:
    """The statistics of the entity above ``node``."""
    parent = node.parent_entity()
    if parent is None or parent.obj is None:
        return []
    kind = parent.type or "vm"
    obj = ctx.store.get(parent.coll or "", str(parent.obj["id"])) or parent.obj
    if kind == "vm":
        stats = _vm_stats(ctx, obj)
    elif kind == "host":
        stats = _host_stats(ctx, obj)
    elif kind == "disk":
        stats = _disk_stats(ctx, parent, obj)
    elif kind in ("nic", "host_nic"):
        stats = _nic_stats(ctx, parent, obj)
    else:
        stats = []
    owner = {"host_nic": "host_nic", "nic": "nic"}.get(kind, kind)
    return [{
        "id": str(uuid.uuid5(NAMESPACE, f"statistic:{name}")), "name": name,
        "description": desc, "kind": "gauge" if "total" not in name else "counter",
        "type": vtype, "unit": unit or "none", "values": [{"datum": val}],
        owner: {"id": obj["id"]},
    } for name, desc, unit, vtype, val in stats]


for _parent in ("vm", "host", "disk", "vm_disk", "vm_nic", "host_nic", "gluster_brick",
                "gluster_volume", "attached_storage_domain_disk", "storage_domain_disk"):
    on.view(_parent, "statistics", View(None, generate=statistics_view))
