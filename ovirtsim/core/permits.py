"""The engine's permits (action groups) and what the predefined roles grant.

Ids and names are the engine's; ``administrative`` permits may only be part of
administrative roles. The roles' permits follow the engine's database scripts
(insert_predefined_roles and its upgrades) where they are known; for the roles added
in later versions they are derived from the role's name and description.
"""

from __future__ import annotations

PERMITS: dict[int, tuple[str, bool]] = {
    1: ("create_vm", False), 2: ("delete_vm", False), 3: ("edit_vm_properties", False),
    4: ("vm_basic_operations", False), 5: ("change_vm_cd", False), 6: ("migrate_vm", False), 7: ("connect_to_vm", False),
    8: ("import_export_vm", True), 9: ("configure_vm_network", False),
    10: ("configure_vm_storage", False), 11: ("move_vm", False),
    12: ("manipulate_vm_snapshots", False), 13: ("reconnect_to_vm", False),
    14: ("change_vm_custom_properties", True), 15: ("edit_admin_vm_properties", True),
    16: ("create_instance", False), 17: ("reboot_vm", False), 18: ("stop_vm", False),
    19: ("shut_down_vm", False), 21: ("hibernate_vm", False), 22: ("run_vm", False),
    23: ("reset_vm", False),
    100: ("create_host", True), 101: ("edit_host_configuration", True),
    102: ("delete_host", True), 103: ("manipulate_host", True),
    104: ("configure_host_network", True),
    200: ("create_template", False), 201: ("edit_template_properties", False),
    202: ("delete_template", False), 203: ("copy_template", False),
    204: ("configure_template_network", False), 205: ("edit_admin_template_properties", True),
    300: ("create_vm_pool", False), 301: ("edit_vm_pool_configuration", False),
    302: ("delete_vm_pool", False), 303: ("vm_pool_basic_operations", False),
    400: ("create_cluster", True), 401: ("edit_cluster_configuration", True),
    402: ("delete_cluster", True), 403: ("configure_cluster_network", True),
    404: ("assign_cluster_network", True),
    500: ("manipulate_users", True), 501: ("manipulate_roles", True),
    502: ("manipulate_permissions", False), 503: ("add_users_and_groups_from_directory", False),
    504: ("edit_profile", False),
    600: ("create_storage_domain", True), 601: ("edit_storage_domain_configuration", True),
    602: ("delete_storage_domain", True), 603: ("manipulate_storage_domain", True),
    700: ("create_storage_pool", True), 701: ("delete_storage_pool", True),
    702: ("edit_storage_pool_configuration", True), 703: ("configure_storage_pool_network", True),
    704: ("create_storage_pool_network", True), 705: ("delete_storage_pool_network", True),
    800: ("configure_engine", True),
    900: ("configure_quota", True), 901: ("consume_quota", False),
    1000: ("create_gluster_volume", True), 1001: ("manipulate_gluster_volume", True),
    1002: ("delete_gluster_volume", True), 1003: ("manipulate_gluster_hook", True),
    1004: ("manipulate_gluster_service", True),
    1100: ("create_disk", False), 1101: ("attach_disk", False),
    1102: ("edit_disk_properties", False), 1103: ("configure_disk_storage", False),
    1104: ("delete_disk", False), 1105: ("configure_scsi_generic_io", True),
    1106: ("access_image_storage", False), 1107: ("disk_live_storage_migration", False),
    1108: ("sparsify_disk", False), 1200: ("port_mirroring", True),
    1203: ("configure_network_vnic_profile", True), 1204: ("create_network_vnic_profile", True),
    1205: ("delete_network_vnic_profile", True),
    1300: ("login", False), 1301: ("tag_management", True), 1302: ("bookmark_management", True),
    1303: ("event_notification_management", True), 1304: ("audit_log_management", True),
    1400: ("inject_external_events", True), 1500: ("inject_external_tasks", True),
    1550: ("manipulate_affinity_groups", True),
    1560: ("configure_storage_disk_profile", True), 1561: ("create_storage_disk_profile", True),
    1562: ("delete_storage_disk_profile", True), 1563: ("attach_disk_profile", False),
    1660: ("create_mac_pool", True), 1661: ("edit_mac_pool", True),
    1662: ("delete_mac_pool", True), 1663: ("configure_mac_pool", False),
    1664: ("connect_to_serial_console", False),
    1665: ("delete_cpu_profile", True), 1666: ("update_cpu_profile", True),
    1667: ("create_cpu_profile", True), 1668: ("assign_cpu_profile", False),
}
BY_NAME = {name: pid for pid, (name, _admin) in PERMITS.items()}

_VM_USE = {5, 7, 17, 18, 19, 21, 22, 23, 303, 1106, 1300, 1664}
_VM_MANAGE = _VM_USE | {2, 3, 6, 9, 10, 11, 12, 13, 502, 1100, 1101, 1102, 1104, 1563}
_DISK_OPERATE = {502, 1100, 1101, 1102, 1104, 1106, 1300}
_CLUSTER = _VM_MANAGE | {1, 8, 14, 15, 16, 100, 101, 102, 103, 104, 200, 201, 202, 203, 204,
                         205, 300, 301, 302, 401, 403, 404, 901, 1103, 1105, 1106, 1107, 1108,
                         1550, 1665, 1666, 1667, 1668}
ROLE_PERMITS: dict[str, set[int]] = {
    "SuperUser": set(PERMITS),
    "UserRole": _VM_USE,
    "UserVmManager": _VM_MANAGE,
    "PowerUserRole": {1, 16, 200, 300, 1100, 1300, 901, 1563},
    "ClusterAdmin": _CLUSTER,
    "DataCenterAdmin": _CLUSTER | {400, 402, 600, 601, 602, 603, 702, 703, 704, 705, 900,
                                   1203, 1204, 1205, 1560, 1561, 1562},
    "HostAdmin": {100, 101, 102, 103, 104, 600, 601, 602, 603, 1300},
    "StorageAdmin": {600, 601, 602, 603, 1100, 1101, 1102, 1103, 1104, 1106, 1560, 1561, 1562,
                     1300},
    "NetworkAdmin": {9, 103, 104, 204, 403, 404, 703, 704, 705, 1203, 1204, 1205, 1300},
    "TemplateAdmin": {200, 201, 202, 203, 204, 205, 502, 503, 1300},
    "ReadOnlyAdmin": {1300},
    "VmPoolAdmin": {1, 300, 301, 302, 303, 502, 1300},
    "GlusterAdmin": {1000, 1001, 1002, 1003, 1004, 1300},
    "ExternalEventsCreator": {1400, 1300},
    "ExternalTasksCreator": {1500, 1300},
    "TagManager": {1301, 1300},
    "BookmarkManager": {1302, 1300},
    "EventNotificationManager": {1303, 1300},
    "AuditLogManager": {1304, 1300},
    "InstanceCreator": {16, 1100, 1300},
    "UserTemplateBasedVm": {1, 1300},
    "UserInstanceManager": _VM_MANAGE | {16},
    "UserVmRunTimeManager": _VM_USE | {9, 10, 12, 13},
    "UserProfileEditor": {504, 1300},
    "TemplateOwner": {201, 202, 203, 204, 502, 1300},
    "TemplateCreator": {200, 1300},
    "VmCreator": {1, 1100, 1300},
    "DiskOperator": _DISK_OPERATE,
    "DiskCreator": {1100, 1300},
    "DiskProfileUser": {1563, 1300},
    "CpuProfileOperator": {1668, 1300},
    "VnicProfileUser": {9, 1300},
    "MacPoolAdmin": {1660, 1661, 1662, 1663, 1300},
    "MacPoolUser": {1663, 1300},
    "CpuProfileCreator": {1665, 1666, 1667, 1668, 1300},
    "QuotaConsumer": {901, 1300},
    "VmImporterExporter": {8, 1300},
}


def permit_doc(pid: int, role_id: str) -> dict:
    """A permit as stored below ``roles/{id}/permits``."""
    name, admin = PERMITS[pid]
    return {"id": str(pid), "name": name, "administrative": admin, "role": {"id": role_id}}
