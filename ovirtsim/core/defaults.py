"""What the engine always returns on an object, whoever created it.

Clients read these sub-objects without checking for them (Ansible's ``ovirt_host`` reads
``host.os.custom_kernel_cmdline``, ``ovirt_vm`` lists ``/vms/{id}/cdroms`` and takes the
first). The seed and the add handlers both complete new objects here, so seeded and created
objects look alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from .store import Store

NAMESPACE = uuid.UUID("6c1b2f6e-4f0e-4a43-9d1e-0b5f4e6a7c21")
ZERO = "00000000-0000-0000-0000-000000000000"


def _deep_defaults(data: dict, defaults: dict[str, Any]) -> None:
    for key, value in defaults.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            _deep_defaults(data[key], value)
        elif key not in data or data[key] is None:
            data[key] = value


_KSM = {"enabled": False, "merge_across_nodes": True}

_DEFAULTS: dict[str, dict[str, Any]] = {
    "host": {
        "os": {"custom_kernel_cmdline": "", "reported_kernel_cmdline": ""},
        "power_management": {"enabled": False, "automatic_pm_enabled": True, "kdump_detection":
                             True, "pm_proxies": []},
        "ksm": {"enabled": False},
        "kdump_status": "disabled",
    },
    "cluster": {
        "ksm": _KSM,
        "required_rng_sources": ["urandom"],
        "ballooning_enabled": False,
        "memory_policy": {"over_commit": {"percent": 100},
                          "transparent_hugepages": {"enabled": True}},
        "error_handling": {"on_error": "migrate"},
        "fencing_policy": {"enabled": True,
                           "skip_if_connectivity_broken": {"enabled": False, "threshold": 50},
                           "skip_if_sd_active": {"enabled": False},
                           "skip_if_gluster_bricks_up": False,
                           "skip_if_gluster_quorum_not_met": False},
        "migration": {"auto_converge": "inherit", "compressed": "inherit",
                      "encrypted": "inherit", "bandwidth": {"assignment_method": "auto"}},
        "cpu": {"architecture": "x86_64"},
        "firewall_type": "firewalld",
        "gluster_service": False,
        "ha_reservation": False,
        "log_max_memory_used_threshold": 95,
        "log_max_memory_used_threshold_type": "percentage",
        "maintenance_reason_required": False,
        "optional_reason": False,
        "switch_type": "legacy",
        "threads_as_cores": False,
        "trusted_service": False,
        "tunnel_migration": False,
        "upgrade_in_progress": False,
        "virt_service": True,
    },
    "template": {
        "bios": {"type": "cluster_default", "boot_menu": {"enabled": False}},
        "usb": {"enabled": False},
        "io": {"threads": 1},
        "sso": {"methods": [{"id": "guest_agent"}]},
        "console": {"enabled": False},
    },
    "vm": {
        "bios": {"type": "cluster_default", "boot_menu": {"enabled": False}},
        "usb": {"enabled": False},
        "io": {"threads": 1},
        "sso": {"methods": [{"id": "guest_agent"}]},
        "console": {"enabled": False},
    },
}


def complete(store: Store, coll: str, type_name: str, data: dict) -> None:
    """Fill the sub-objects the engine always has into a document about to be stored."""
    if coll.count("/") == 0 and type_name in _DEFAULTS:
        _deep_defaults(data, _DEFAULTS[type_name])
        if type_name == "cluster" and "scheduling_policy" not in data:
            policy = next(iter(store.items("schedulingpolicies")), None)
            if policy is not None:
                data["scheduling_policy"] = {"id": policy["id"]}
        if type_name == "cluster" and "mac_pool" not in data:
            pool = next((p for p in store.items("macpools") if p.get("default_pool")), None)
            if pool is not None:
                data["mac_pool"] = {"id": pool["id"]}


def vm_devices(store: Store, vm: dict, now: int) -> None:
    """A new VM's CD-ROM (one, empty) and its "Active VM" snapshot."""
    vid = vm["id"]
    store.put(f"vms/{vid}/cdroms", "cdrom", {
        "id": str(uuid.uuid5(NAMESPACE, f"cdrom:{vid}")), "vm": {"id": vid}})
    store.put(f"vms/{vid}/snapshots", "snapshot", {
        "id": str(uuid.uuid5(NAMESPACE, f"active-snapshot:{vid}")), "description": "Active VM",
        "snapshot_type": "active", "snapshot_status": "ok", "date": now,
        "persist_memorystate": False, "vm": {"id": vid}})


def host_nics(store: Store, hid: str, ids: Callable[[str, str], str], mac: Callable[[int], str],
              network: str | None, ip: dict | None = None) -> None:
    """The NICs a host reports, eth0..eth3, with the management ``network`` (if any) attached
    to eth0; ``ids(kind, name)`` gives the ids of the NICs and the attachment (name ``eth0``…)."""
    nics = [ids("host_nic", f"eth{n}") for n in range(4)]
    for n, nic in enumerate(nics):
        doc: dict[str, Any] = {
            "id": nic, "name": f"eth{n}", "host": {"id": hid},
            "status": "up", "speed": 10_000_000_000, "mtu": 1500,
            "bridged": n == 0 and network is not None,
            "boot_protocol": "dhcp" if n == 0 else "none", "mac": {"address": mac(n)}}
        if n == 0 and network is not None:
            doc["network"] = {"id": network}
            if ip is not None:
                doc["ip"] = ip
        store.put(f"hosts/{hid}/nics", "host_nic", doc)
    if network is not None:
        store.put(f"hosts/{hid}/networkattachments", "network_attachment", {
            "id": ids("network_attachment", "eth0"), "network": {"id": network},
            "host_nic": {"id": nics[0]}, "host": {"id": hid}, "in_sync": True})
