"""The engine's input rules: required fields, unique names, labels, running states."""

from __future__ import annotations

from ..core.errors import camel, incomplete

RUNNING = frozenset({
    "up", "powering_up", "wait_for_launch", "migrating", "reboot_in_progress", "powering_down",
    "paused", "restoring_state", "saving_state", "not_responding", "unknown",
})
LABEL = {
    "vm": "VM", "template": "Template", "host": "Host", "cluster": "Cluster",
    "data_center": "Data Center", "storage_domain": "Storage Domain", "network": "Network",
    "disk": "Virtual Disk", "nic": "Interface", "snapshot": "Snapshot", "tag": "Tag",
    "user": "User", "role": "Role", "vnic_profile": "VM network interface profile",
}
REQUIRED: dict[str, list[str]] = {
    "vm": ["name", "cluster.id|name", "template.id|name"],
    "template": ["name", "vm.id|name"],
    "host": ["name", "address"],
    "cluster": ["name", "data_center.name|id"],
    "data_center": ["name"],
    "network": ["name", "data_center.name|id"],
    "disk": ["provisioned_size", "format", "storage_domains.id|name"],
    "nic": ["name"],
    "snapshot": ["description"],
    "storage_domain": ["name", "type", "host.id|name", "storage"],
    "tag": ["name"],
    "user": ["user_name", "domain.id|name"],
    "group": ["name"],
    "role": ["name"],
    "permission": ["role.id|name"],
    "vnic_profile": ["name", "network.id"],
    "bookmark": ["name", "value"],
    "event": ["description", "severity", "origin", "custom_id"],
    "vm_pool": ["name", "cluster.id|name", "template.id|name"],
    "affinity_label": ["name"],
    "affinity_group": ["name"],
    "disk_attachment": ["disk", "interface"],
    "mac_pool": ["name", "ranges"],
    "quota": ["name"],
    "cpu_profile": ["name", "cluster.id"],
    "disk_profile": ["name", "storage_domain.id"],
    "job": ["description"],
    "instance_type": ["name"],
}
# Other signatures of an add, chosen by the field that marks them (the model's
# ``from_snapshot``, ``lun``): what they require instead.
REQUIRED_BY_SIGNATURE: dict[tuple[str, str], list[str]] = {
    ("vm", "snapshots"): ["name", "cluster.id|name", "snapshots.id"],
    ("disk", "lun_storage"): ["lun_storage.type", "lun_storage.logical_units"],
}
UNIQUE = frozenset({"vm", "template", "host", "cluster", "data_center", "storage_domain", "tag",
                    "role", "vm_pool", "instance_type", "mac_pool", "bookmark", "affinity_label"})
TEMPLATE_KEYS = ("memory", "cpu", "os", "type", "display", "high_availability", "memory_policy",
                 "usb", "bios", "stateless", "delete_protected", "soundcard_enabled",
                 "cpu_shares", "time_zone", "io", "migration_downtime", "tunnel_migration",
                 "start_paused", "serial_number", "sso", "console", "rng_device",
                 "virtio_scsi", "multi_queues_enabled", "custom_properties")


def _has(data: dict, spec: str) -> bool:
    """Whether a required-field spec like ``cluster.id|name`` is satisfied."""
    head, _, alts = spec.partition(".")
    options = head.split("|")
    if not alts:
        return any(data.get(o) not in (None, "", []) for o in options)
    val = data.get(head)
    if isinstance(val, list):
        val = val[0] if val else None
    if not isinstance(val, dict):
        return False
    return any(val.get(a) not in (None, "") for a in alts.split("|"))


def check_required(type_name: str, data: dict, method: str = "add",
                   specs: list[str] | None = None) -> None:
    """Raise the engine's 'Incomplete parameters' listing every missing field."""
    if specs is None:
        specs = next((v for (t, marker), v in REQUIRED_BY_SIGNATURE.items()
                      if t == type_name and data.get(marker)), REQUIRED.get(type_name, []))
    missing = [s for s in specs if not _has(data, s)]
    if missing:
        raise incomplete(camel(type_name), ", ".join(missing), method)
