"""Deterministic initial inventories: ``empty``, ``demo`` and ``scale:N``.

Ids are uuid5 of the object's kind and name, so the same seed always yields the same ids
(and ``vm0`` has the same id in ``demo`` and ``scale:N``).
"""

from __future__ import annotations

import functools
import time
import uuid

from .defaults import complete, host_nics, vm_devices
from .permits import PERMITS, ROLE_PERMITS, permit_doc
from .secrets import hash_password
from .store import Store

NAMESPACE = uuid.UUID("1d8f4c1e-9a57-4bd0-8d3b-6b0f3c2a5e10")
ZERO = "00000000-0000-0000-0000-000000000000"
GiB = 1024**3
MiB = 1024**2

SUPERUSER = "00000000-0000-0000-0000-000000000001"
USERROLE = "00000000-0000-0000-0001-000000000001"
INTERNAL_AUTHZ = b"internal-authz".hex()


FILTERS = ("Memory", "CPU", "Network", "HA", "CpuPinning", "VmAffinityGroups",
           "VmToHostsAffinityGroups", "Migration", "PinToHost", "Label", "Compatibility-Version",
           "Emulated-Machine", "CPU-Level", "HostDevice", "Swap", "InClusterUpgrade")
COMMON_WEIGHTS = (("HA", 1), ("VmAffinityGroups", 1), ("VmToHostsAffinityGroups", 1),
                  ("PreferredHosts", 99), ("OptimalForHaReservation", 1))
# (name, type, description, [(property, default)])
POLICY_UNITS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    *((f, "filter", f"Filters out hosts that fail the {f} check", ()) for f in FILTERS),
    ("ClusterInMaintenance", "filter", "Filters out hosts for VMs not already running "
     "during cluster maintenance", ()),
    ("None", "weight", "Follows Even Distribution weight module", ()),
    ("OptimalForEvenDistribution", "weight", "Gives hosts with lower CPU usage a lower "
     "weight (means that hosts with lower CPU usage are more likely to be selected)", ()),
    ("OptimalForPowerSaving", "weight", "Gives hosts with higher CPU usage a lower weight "
     "(means that hosts with higher CPU usage are more likely to be selected)", ()),
    ("OptimalForEvenGuestDistribution", "weight", "Weights a host by the number of VMs it "
     "runs", (("SpmVmGrace", "5"),)),
    *((w, "weight", f"The {w} weight", ()) for w, _ in COMMON_WEIGHTS),
    ("OptimalForEvenDistribution", "load_balancing", "Load balancing VMs in cluster "
     "according to hosts CPU load, striving cluster's hosts CPU load to be under "
     "'HighUtilization'", (("HighUtilization", "80"), ("CpuOverCommitDurationMinutes", "2"))),
    ("OptimalForPowerSaving", "load_balancing", "Load balancing VMs in cluster according to "
     "hosts CPU load, striving cluster's hosts CPU load to be over 'LowUtilization' and under "
     "'HighUtilization'", (("HighUtilization", "80"), ("LowUtilization", "20"),
                           ("CpuOverCommitDurationMinutes", "2"), ("HostsInReserve", "0"))),
    ("OptimalForEvenGuestDistribution", "load_balancing", "Even VM count distribution policy",
     (("HighVmCount", "10"), ("MigrationThreshold", "5"), ("SpmVmGrace", "5"))),
    ("None", "load_balancing", "No load balancing operation", ()),
)
# (name, description, filters, [(weight, factor)], balance, properties)
POLICIES: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, int], ...], str,
                      tuple[tuple[str, str], ...]], ...] = (
    ("none", "", FILTERS, (("None", 1), *COMMON_WEIGHTS), "None", ()),
    ("evenly_distributed", "", FILTERS, (("OptimalForEvenDistribution", 1), *COMMON_WEIGHTS),
     "OptimalForEvenDistribution",
     (("CpuOverCommitDurationMinutes", "2"), ("HighUtilization", "80"))),
    ("power_saving", "", FILTERS, (("OptimalForPowerSaving", 1), *COMMON_WEIGHTS),
     "OptimalForPowerSaving",
     (("CpuOverCommitDurationMinutes", "2"), ("HighUtilization", "80"),
      ("LowUtilization", "20"), ("HostsInReserve", "0"))),
    ("vm_evenly_distributed", "", FILTERS,
     (("OptimalForEvenGuestDistribution", 1), *COMMON_WEIGHTS),
     "OptimalForEvenGuestDistribution",
     (("HighVmCount", "10"), ("MigrationThreshold", "5"), ("SpmVmGrace", "5"))),
    ("cluster_maintenance", "", (*FILTERS, "ClusterInMaintenance"),
     (("None", 1), *COMMON_WEIGHTS), "None", ()),
)
INSTANCE_TYPES = (("Tiny", 512 * 2**20, 1), ("Small", 2 * 2**30, 1),
                  ("Medium", 4 * 2**30, 2), ("Large", 8 * 2**30, 2), ("XLarge", 16 * 2**30, 4))


def sid(kind: str, name: str) -> str:
    """Deterministic id of a seeded object."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def ref(oid: str) -> dict:
    """A reference to an identified object, as stored."""
    return {"id": oid}


def mac_for(n: int) -> str:
    """A MAC address from the default pool range (56:6f:1a:2b:00:00 onwards)."""
    return f"56:6f:1a:2b:{(n >> 8) & 0xFF:02x}:{n & 0xFF:02x}"


# The engine's predefined roles: name, id, administrative, description, as its database
# scripts create them (clients grant them by name, and some by id).
ROLES = [
    ("SuperUser", SUPERUSER, True, "Roles management administrator"),
    ("UserRole", USERROLE, False, "Standard User Role"),
    ("PowerUserRole", "00000000-0000-0000-0001-000000000002", False,
     "User Role, allowed to create VMs, Templates and Disks"),
    ("ClusterAdmin", "def00001-0000-0000-0000-def000000001", True,
     "Administrator Role, permission for all the objects underneath a specific Cluster"),
    ("DataCenterAdmin", "def00002-0000-0000-0000-def000000002", True,
     "Administrator Role, permission for all the objects underneath a specific Data Center, "
     "except Storage"),
    ("StorageAdmin", "def00003-0000-0000-0000-def000000003", True,
     "Administrator Role, permission for all operations on a specific Storage Domain"),
    ("HostAdmin", "def00004-0000-0000-0000-def000000004", True,
     "Administrator Role, permission for all operations on a specific Host"),
    ("NetworkAdmin", "def00005-0000-0000-0000-def000000005", True,
     "Administrator Role, permission for all operations on a specific Logical Network"),
    ("UserVmManager", "def00006-0000-0000-0000-def000000006", False,
     "User Role, with permission for any operation on Vms"),
    ("VmPoolAdmin", "def00007-0000-0000-0000-def000000007", True,
     "Administrator Role, permission for all operations on a specific VM Pool"),
    ("TemplateAdmin", "def00008-0000-0000-0000-def000000008", True,
     "Administrator Role, permission for all operations on a specific Template"),
    ("QuotaConsumer", "def0000a-0000-0000-0000-def00000000a", False,
     "User Role, permissions to consume the Quota resources"),
    ("DiskOperator", "def0000a-0000-0000-0000-def00000000b", False,
     "User Role, permissions for all operations on a specific disk"),
    ("DiskCreator", "def0000a-0000-0000-0000-def00000000c", False,
     "User Role, permission to create Disks"),
    ("GlusterAdmin", "def0000b-0000-0000-0000-def00000000b", True,
     "Administrator Role, permissions for operations on Gluster objects"),
    ("VmCreator", "def0000a-0000-0000-0000-def00000000d", False,
     "User Role, permission to create VMs"),
    ("TemplateCreator", "def0000a-0000-0000-0000-def00000000e", False,
     "User Role, permission to create Templates"),
    ("TemplateOwner", "def0000a-0000-0000-0000-def00000000f", False,
     "User Role, permissions for all operations on Templates"),
    ("ExternalEventsCreator", "def0000c-0000-0000-0000-def000000000", True,
     "External Events Creator"),
    ("ExternalTasksCreator", "def0000d-0000-0000-0000-def000000000", True,
     "External Tasks Creator"),
    ("VnicProfileUser", "def0000a-0000-0000-0000-def000000010", False,
     "VM Network Interface Profile User"),
    ("UserTemplateBasedVm", "def00009-0000-0000-0000-def000000009", False, "Template User"),
    ("InstanceCreator", "def00011-0000-0000-0000-def000000011", False,
     "User Role, permission to create Instances"),
    ("UserInstanceManager", "def00012-0000-0000-0000-def000000012", False,
     "User Role, with permission for any operation on Instances"),
    ("ReadOnlyAdmin", "def0000c-0000-0000-0000-def00000000c", True,
     "Read Only Administrator Role"),
    ("TagManager", "def00011-0000-0000-0000-def000000013", True, "Tag Manager"),
    ("BookmarkManager", "def00011-0000-0000-0000-def000000014", True, "Bookmark Manager"),
    ("EventNotificationManager", "def00011-0000-0000-0000-def000000015", True,
     "Event Notification Manager"),
    ("AuditLogManager", "def00011-0000-0000-0000-def000000016", True, "Audit Log Manager"),
    ("MacPoolAdmin", "def00013-0000-0000-0000-def000000013", True,
     "MAC Pool Administrator Role, permission for manipulation with MAC pools"),
    ("MacPoolUser", "def00014-0000-0000-0000-def000000014", False,
     "MAC Pool User Role, permission allowing using MAC pools"),
    ("DiskProfileUser", "def00020-0000-0000-0000-abc000000010", False, "Disk Profile User"),
    ("UserVmRunTimeManager", "def00006-0000-0000-0000-def000000011", False,
     "User Role, with permissions for any operations on VMs except snapshot manipulation"),
    ("UserProfileEditor", "def00021-0000-0000-0000-def000000015", False,
     "Role that allow users to edit the UserProfile"),
    ("VmImporterExporter", "def00030-0000-0000-0000-def000000011", True,
     "Administrator Role, with permission to import or export Vms"),
    ("CpuProfileOperator", "def00017-0000-0000-0000-def000000017", False,
     "Cpu Profile Operation"),
    ("CpuProfileCreator", "def00016-0000-0000-0000-def000000016", True,
     "Cpu Profile Creation/Deletion/Updating and Operation"),
]

OPERATING_SYSTEMS = [
    ("0", "other", "Other OS"),
    ("5", "other_linux", "Linux"),
    ("1300", "rhel_8x64", "Red Hat Enterprise Linux 8.x x64"),
    ("1500", "rhel_9x64", "Red Hat Enterprise Linux 9.x x64"),
    ("1252", "ubuntu_22_04", "Ubuntu Jammy Jellyfish LTS"),
    ("28", "windows_2019x64", "Windows 2019 x64"),
    ("33", "windows_2022", "Windows 2022"),
]


# The CPU types of every cluster level: name, the host CPU flags it needs, the qemu model.
CPU_TYPES = [
    ("Intel Nehalem Family", "vmx,nx,model_Nehalem", "Nehalem"),
    ("Secure Intel Skylake Server Family", "vmx,spec_ctrl,ssbd,md_clear,model_Skylake-Server",
     "Skylake-Server,+spec-ctrl"),
    ("Intel Cascadelake Server Family", "vmx,model_Cascadelake-Server",
     "Cascadelake-Server,-hle,-rtm,+arch-capabilities"),
    ("AMD EPYC", "svm,nx,model_EPYC", "EPYC"),
    ("Secure AMD EPYC", "svm,nx,ibpb,ssbd,model_EPYC", "EPYC,+ibpb,+virt-ssbd"),
]

# Engine options that clients read (GET /options/{name}?version=4.7): the hosted-engine
# role of ovirt.ovirt picks its CPU and machine types from these two.
SYSTEM_OPTIONS = {
    "ServerCPUList": lambda minor: "".join(
        f"{level + 1}:{name}:{flags}:{model}:x86_64; "
        for level, (name, flags, model) in enumerate(CPU_TYPES)),
    "ClusterEmulatedMachines": lambda minor: ",".join(
        ["pc-q35-rhel8.6.0", "pc-i440fx-rhel7.6.0", "pc-q35-rhel8.4.0"] if minor >= 6
        else ["pc-q35-rhel8.1.0", "pc-i440fx-rhel7.6.0"]),
}

# The internal directory (aaa-jdbc on a real engine): admin's password is the engine's;
# each other user's password is its name. Only admin and (demo) user are engine users at first.
DIRECTORY_USERS = ("admin", "user", "jdoe", "asmith")
DIRECTORY_GROUPS = {"ops": ["jdoe", "asmith"], "developers": ["user"]}


@functools.cache
def _directory_hash(principal: str) -> str:
    """The stored hash of a directory user's published password (hashed once a process)."""
    return hash_password(principal, principal)


def directory_user(principal: str, domain: str = "internal-authz") -> dict:
    """A user as a directory describes it (ids are the hex of the entry's and the domain's
    names, as the directory tells them)."""
    return {"id": principal.encode().hex(), "name": principal,
            "user_name": f"{principal}@{domain}", "principal": principal,
            "namespace": "*", "domain_entry_id": principal.encode().hex(),
            "domain": ref(domain.encode().hex()), "department": "", "last_name": "",
            "email": f"{principal}@localhost"}


def directory_group(name: str, domain: str = "internal-authz") -> dict:
    """A group as a directory describes it."""
    return {"id": name.encode().hex(), "name": name, "namespace": "*",
            "domain_entry_id": name.encode().hex(), "domain": ref(domain.encode().hex())}


def seed_permits(store: Store, role_name: str, role_id: str) -> None:
    """Store a predefined role's permits below ``roles/{id}/permits``."""
    for pid in sorted(ROLE_PERMITS.get(role_name, ())):
        store.put(f"roles/{role_id}/permits", "permit", permit_doc(pid, role_id))


class Seeder:
    """Writes one inventory into a store."""

    def __init__(self, store: Store, admin_password: str) -> None:
        self.store = store
        self.admin_password = admin_password
        self.now = int(time.time() * 1000)
        self.events = 0

    def put(self, coll: str, type_name: str, data: dict) -> dict:
        complete(self.store, coll, type_name, data)
        stored = self.store.put(coll, type_name, data)
        if coll == "vms":
            vm_devices(self.store, stored, self.now)
        return stored

    def event(self, code: int, severity: str, description: str, **refs: str) -> None:
        self.events += 1
        ev = {
            "id": str(self.events), "code": code, "severity": severity,
            "description": description, "time": self.now, "origin": "oVirt",
            "custom_id": -1, "flood_rate": 30,
        }
        for key, oid in refs.items():
            ev[key] = ref(oid)
        self.put("events", "event", ev)

    # ----- inventories ------------------------------------------------------------------
    def seed(self, name: str) -> None:
        """Fill the store with the named seed."""
        with self.store.batch():
            self.store.meta_set("seed", name)
            self.base(demo=name != "empty")
            if name == "empty":
                pass
            elif name == "demo":
                self.demo(5)
            elif name.startswith("scale:"):
                self.demo(max(5, int(name.split(":", 1)[1])))
            else:
                raise ValueError(f"unknown seed {name!r} (demo, empty or scale:N)")
            self.host_summaries()
            self.store.meta_set("counter:event", self.events)

    def base(self, demo: bool) -> None:
        """What a freshly installed engine has."""
        dc, cl = sid("data_center", "Default"), sid("cluster", "Default")
        mp = sid("mac_pool", "Default")
        self.put("macpools", "mac_pool", {
            "id": mp, "name": "Default", "description": "Default MAC pool",
            "allow_duplicates": False, "default_pool": True,
            "ranges": [{"from": "56:6f:1a:2b:00:00", "to": "56:6f:1a:2b:ff:ff"}],
        })
        self.put("datacenters", "data_center", {
            "id": dc, "name": "Default", "description": "The default Data Center",
            "local": False, "quota_mode": "disabled", "status": "up" if demo else "uninitialized",
            "storage_format": "v5", "version": {"major": 4, "minor": 7},
            "supported_versions": [{"major": 4, "minor": 7}], "mac_pool": ref(mp),
        })
        sp = sid("scheduling_policy", "none")
        self.scheduling_catalog()
        self.put("clusters", "cluster", {
            "id": cl, "name": "Default", "description": "The default server cluster",
            "data_center": ref(dc), "mac_pool": ref(mp), "scheduling_policy": ref(sp),
            "cpu": {"architecture": "x86_64", "type": "Intel Nehalem Family"},
            "version": {"major": 4, "minor": 7}, "memory_policy": {
                "over_commit": {"percent": 100}, "transparent_hugepages": {"enabled": True}},
            "ballooning_enabled": False, "bios_type": "q35_ovmf", "firewall_type": "firewalld",
            "gluster_service": False, "virt_service": True, "ha_reservation": False,
            "switch_type": "legacy", "threads_as_cores": False, "trusted_service": False,
            "tunnel_migration": False, "log_max_memory_used_threshold": 95,
            "log_max_memory_used_threshold_type": "percentage",
            "error_handling": {"on_error": "migrate"},
            "fencing_policy": {"enabled": True},
            "migration": {"auto_converge": "inherit", "bandwidth": {"assignment_method": "auto"},
                          "compressed": "inherit", "encrypted": "inherit"},
        })
        self.put("cpuprofiles", "cpu_profile", {
            "id": sid("cpu_profile", "Default"), "name": "Default", "cluster": ref(cl)})
        self.put("templates", "template", {
            "id": ZERO, "name": "Blank", "description": "Blank template", "status": "ok",
            "memory": 1 * GiB, "type": "server", "stateless": False, "origin": "ovirt",
            "cpu": {"architecture": "x86_64", "topology": {"sockets": 1, "cores": 1, "threads": 1}},
            "os": {"type": "other", "boot": {"devices": ["hd"]}},
            "display": {"type": "vnc", "monitors": 1}, "creation_time": self.now,
            "high_availability": {"enabled": False, "priority": 0},
            "memory_policy": {"guaranteed": 1 * GiB, "max": 4 * GiB, "ballooning": False},
            "usb": {"enabled": False}, "bios": {"type": "cluster_default"},
            "delete_protected": False, "version": {"version_number": 1, "version_name": "base",
                                                   "base_template": ref(ZERO)},
        })
        self.put("domains", "domain", {"id": INTERNAL_AUTHZ, "name": "internal-authz"})
        self.directory()
        admin = sid("user", "admin")
        self.user(admin, "admin")
        self.store.meta_set("passwords", {
            "admin": hash_password("admin", self.admin_password),
            **{p: _directory_hash(p) for p in DIRECTORY_USERS if p != "admin"}})
        for rname, rid, administrative, desc in ROLES:
            self.put("roles", "role", {
                "id": rid, "name": rname, "description": desc, "administrative": administrative,
                "mutable": False})
            seed_permits(self.store, rname, rid)
        self.put("permissions", "permission", {
            "id": sid("permission", "admin-system"), "role": ref(SUPERUSER), "user": ref(admin)})
        self.put("tags", "tag", {"id": ZERO, "name": "root", "description": "root"})
        for minor in range(2, 8):
            lvl = f"4.{minor}"
            self.put("clusterlevels", "cluster_level", {
                "id": lvl, "cpu_types": [
                    {"name": n, "level": i, "architecture": "x86_64"}
                    for i, (n, _flags, _model) in enumerate(CPU_TYPES)],
                "permits": [{"id": str(pid), "name": name, "administrative": admin}
                            for pid, (name, admin) in PERMITS.items()]})
        for name, describe in SYSTEM_OPTIONS.items():
            self.put("options", "system_option", {
                "id": name, "name": name, "values": [
                    {"version": f"4.{minor}", "value": describe(minor)} for minor in range(2, 8)]})
        for oid, oname, desc in OPERATING_SYSTEMS:
            self.put("operatingsystems", "operating_system_info", {
                "id": oid, "name": oname, "description": desc, "architecture": "x86_64"})
        self.put("networkfilters", "network_filter", {
            "id": sid("network_filter", "vdsm-no-mac-spoofing"), "name": "vdsm-no-mac-spoofing",
            "version": {"major": 4, "minor": 0, "build": -1, "revision": -1}})
        self.event(9700, "normal", "Starting oVirt Engine.")

    # ----- compute catalog: scheduling policies and their units, instance types ----------
    def scheduling_catalog(self) -> None:
        """The engine's scheduling policy units and its five built-in policies."""
        for uname, utype, desc, props in POLICY_UNITS:
            self.put("schedulingpolicyunits", "scheduling_policy_unit", {
                "id": sid("policy_unit", f"{utype}:{uname}"), "name": uname, "type": utype,
                "description": desc, "enabled": True, "internal": True,
                "properties": [{"name": k, "value": v} for k, v in props]})
        for pname, desc, filters, weights, balance, props in POLICIES:
            pid = sid("scheduling_policy", pname)
            self.put("schedulingpolicies", "scheduling_policy", {
                "id": pid, "name": pname, "description": desc, "locked": True,
                "default_policy": pname == "none",
                "properties": [{"name": k, "value": v} for k, v in props]})
            for pos, fname in enumerate(filters):
                uid = sid("policy_unit", f"filter:{fname}")
                self.put(f"schedulingpolicies/{pid}/filters", "filter", {
                    "id": uid, "name": fname, "position": pos,
                    "scheduling_policy_unit": ref(uid)})
            for wname, factor in weights:
                uid = sid("policy_unit", f"weight:{wname}")
                self.put(f"schedulingpolicies/{pid}/weights", "weight", {
                    "id": uid, "name": wname, "factor": factor, "scheduling_policy": ref(pid),
                    "scheduling_policy_unit": ref(uid)})
            if balance:
                uid = sid("policy_unit", f"load_balancing:{balance}")
                self.put(f"schedulingpolicies/{pid}/balances", "balance", {
                    "id": uid, "name": balance, "scheduling_policy": ref(pid),
                    "scheduling_policy_unit": ref(uid)})
        for iname, mem, cores in INSTANCE_TYPES:
            self.put("instancetypes", "instance_type", {
                "id": sid("instance_type", iname), "name": iname,
                "description": f"{iname} instance type", "memory": mem,
                "memory_policy": {"guaranteed": mem, "max": 4 * mem},
                "cpu": {"topology": {"sockets": cores, "cores": 1, "threads": 1}},
                "high_availability": {"enabled": False, "priority": 0}, "status": "ok"})

    def host_summaries(self) -> None:
        """Each host's VM summary and free scheduling memory, from the VMs seeded on it."""
        vms = self.store.items("vms")
        for h in self.store.items("hosts"):
            mine = [v for v in vms if (v.get("host") or {}).get("id") == h["id"]]
            base = int(h.get("max_scheduling_memory", 0))
            self.put("hosts", "host", {
                **h, "summary": {"active": len(mine), "migrating": 0, "total": len(mine)},
                "_sched_base": base,
                "max_scheduling_memory": base - sum(int(v.get("memory", 0)) for v in mine)})

    def user(self, oid: str, principal: str) -> None:
        self.put("users", "user", {**directory_user(principal), "id": oid})

    def directory(self) -> None:
        """The internal directory: who could be added as users and groups (and log in)."""
        for principal in DIRECTORY_USERS:
            self.put(f"domains/{INTERNAL_AUTHZ}/users", "user", directory_user(principal))
        for name, members in DIRECTORY_GROUPS.items():
            self.put(f"domains/{INTERNAL_AUTHZ}/groups", "group",
                     {**directory_group(name), "_members": members})

    def demo(self, nvms: int) -> None:
        """The demo inventory with ``nvms`` VMs (at least vm0..vm4)."""
        dc, cl = sid("data_center", "Default"), sid("cluster", "Default")
        for i, mem in enumerate((64, 32, 32)):
            hid = sid("host", f"host{i}")
            self.put("hosts", "host", {
                "id": hid, "name": f"host{i}", "address": f"host{i}.example.com",
                "status": "up", "cluster": ref(cl), "memory": mem * GiB,
                "max_scheduling_memory": (mem - 2) * GiB, "port": 54321, "protocol": "stomp",
                "type": "rhel", "spm": {"priority": 5, "status": "spm" if i == 0 else "none"},
                "cpu": {"name": "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz", "speed": 2100,
                        "type": "Intel Cascadelake Server Family",
                        "topology": {"sockets": 2, "cores": 10, "threads": 2}},
                "os": {"type": "RHEL", "version": {"full_version": "8.6 - 1.el8", "major": 8}},
                "version": {"full_version": "vdsm-4.50.3.4-1.el8", "major": 4, "minor": 50},
                "external_status": "ok", "kdump_status": "disabled", "update_available": False,
                "certificate": {"organization": "example.com",
                                "subject": f"O=example.com,CN=host{i}.example.com"},
                "summary": {"active": 0, "migrating": 0, "total": 0},
                "power_management": {"enabled": False}, "ksm": {"enabled": False},
                "hardware_information": {"manufacturer": "oVirt", "product_name": "Simulated"},
            })
            self.event(13, "normal", f"Host host{i} was activated by admin@internal-authz.",
                       host=hid)
        sd = sid("storage_domain", "data")
        self.put("storagedomains", "storage_domain", {
            "id": sd, "name": "data", "type": "data", "master": True, "storage_format": "v5",
            "available": 900 * GiB, "used": 100 * GiB, "committed": 0,
            "external_status": "ok", "wipe_after_delete": False, "backup": False,
            "discard_after_delete": False, "supports_discard": False,
            "warning_low_space_indicator": 10, "critical_space_action_blocker": 5,
            "storage": {"type": "nfs", "address": "nfs.example.com", "path": "/exports/data"},
            "data_centers": [ref(dc)], "_dc_status": {dc: "active"},
        })
        self.put("diskprofiles", "disk_profile", {
            "id": sid("disk_profile", "data"), "name": "data", "storage_domain": ref(sd)})
        net = sid("network", "ovirtmgmt")
        self.put("networks", "network", {
            "id": net, "name": "ovirtmgmt", "description": "Management Network",
            "data_center": ref(dc), "mtu": 0, "stp": False, "required": True,
            "usages": ["vm", "management"], "port_isolation": False,
            "_clusters": {cl: {"required": True, "usages": ["vm", "management", "display",
                                                             "migration", "default_route"]}}})
        vp = sid("vnic_profile", "ovirtmgmt")
        self.put("vnicprofiles", "vnic_profile", {
            "id": vp, "name": "ovirtmgmt", "network": ref(net), "port_mirroring": False,
            "pass_through": {"mode": "disabled"}})
        tpl = sid("template", "centos9")
        tdisk = sid("disk", "centos9_disk")
        self.put("templates", "template", {
            "id": tpl, "name": "centos9", "description": "CentOS Stream 9", "status": "ok",
            "cluster": ref(cl), "memory": 2 * GiB, "type": "server", "stateless": False,
            "origin": "ovirt", "creation_time": self.now,
            "cpu": {"architecture": "x86_64", "topology": {"sockets": 1, "cores": 2, "threads": 1}},
            "os": {"type": "rhel_9x64", "boot": {"devices": ["hd"]}},
            "display": {"type": "spice", "monitors": 1},
            "high_availability": {"enabled": False, "priority": 0},
            "memory_policy": {"guaranteed": 2 * GiB, "max": 8 * GiB, "ballooning": True},
            "delete_protected": False, "version": {"version_number": 1, "version_name": "base",
                                                   "base_template": ref(tpl)},
        })
        self.put("disks", "disk", self.disk_doc(tdisk, "centos9_disk", 10 * GiB, sd))
        self.put(f"templates/{tpl}/diskattachments", "disk_attachment", {
            "id": tdisk, "disk": ref(tdisk), "template": ref(tpl), "interface": "virtio_scsi",
            "bootable": True, "active": True, "pass_discard": False, "read_only": False})
        self.put(f"templates/{tpl}/nics", "nic", {
            "id": sid("template_nic", "centos9"), "name": "nic1", "interface": "virtio",
            "vnic_profile": ref(vp), "template": ref(tpl), "linked": True, "plugged": True})
        for tname in ("production", "test"):
            self.put("tags", "tag", {"id": sid("tag", tname), "name": tname,
                                     "description": f"{tname} machines", "parent": ref(ZERO)})
        user = sid("user", "user")
        self.user(user, "user")
        hosts = [sid("host", f"host{i}") for i in range(3)]
        up_on = {0: hosts[0], 1: hosts[1], 3: hosts[2]}
        for n in range(nvms):
            self.vm(n, cl, sd, vp, hosts, up_on.get(n) if n < 5 else None)
        self.put("permissions", "permission", {
            "id": sid("permission", "user-vm0"), "role": ref(USERROLE), "user": ref(user),
            "vm": ref(sid("vm", "vm0"))})
        for n, tname in ((0, "production"), (1, "production"), (2, "test")):
            tid = sid("tag", tname)
            self.put(f"vms/{sid('vm', f'vm{n}')}/tags", "tag", {"id": tid, "name": tname})
        self.storage_demo(dc)
        self.host_network_demo(hosts, net)
        self.gluster_hooks_demo(cl, hosts)

    @staticmethod
    def disk_doc(oid: str, name: str, size: int, sd: str) -> dict:
        return {
            "id": oid, "name": name, "provisioned_size": size, "actual_size": size // 5,
            "total_size": size // 5, "format": "cow", "sparse": True, "status": "ok",
            "storage_type": "image", "content_type": "data", "shareable": False,
            "wipe_after_delete": False, "propagate_errors": False, "qcow_version": "qcow2_v3",
            "backup": "none", "storage_domains": [ref(sd)],
            "disk_profile": ref(sid("disk_profile", "data")),
            "image_id": str(uuid.uuid5(NAMESPACE, f"image:{oid}")),
        }

    def vm(self, n: int, cl: str, sd: str, vp: str, hosts: list[str], host: str | None) -> None:
        name = f"vm{n}"
        vid = sid("vm", name)
        mem = (1 + n % 4) * GiB
        doc = {
            "id": vid, "name": name, "description": f"Demo VM {n}" if n < 5 else "",
            "comment": "", "status": "up" if host else "down", "cluster": ref(cl),
            "template": ref(ZERO), "original_template": ref(ZERO), "memory": mem,
            "cpu": {"architecture": "x86_64", "topology": {"sockets": 1 + n % 2, "cores": 1,
                                                           "threads": 1}},
            "cpu_shares": 0, "type": "server", "stateless": False, "origin": "ovirt",
            "os": {"type": "rhel_9x64" if n % 3 else "other_linux",
                   "boot": {"devices": ["hd"]}},
            "display": {"type": "spice", "monitors": 1, "single_qxl_pci": False,
                        "allow_override": True, "copy_paste_enabled": True,
                        "file_transfer_enabled": True, "smartcard_enabled": False},
            "high_availability": {"enabled": False, "priority": 0},
            "memory_policy": {"guaranteed": mem, "max": 4 * mem, "ballooning": True},
            "placement_policy": {"affinity": "migratable"}, "usb": {"enabled": False},
            "bios": {"type": "cluster_default"}, "delete_protected": False,
            "creation_time": self.now, "run_once": False, "start_paused": False,
            "next_run_configuration_exists": False, "has_illegal_images": False,
            "soundcard_enabled": False, "tunnel_migration": False, "migration_downtime": -1,
            "io": {"threads": 1}, "sso": {"methods": [{"id": "guest_agent"}]},
            "time_zone": {"name": "Etc/GMT"}, "multi_queues_enabled": True,
            "cpu_profile": ref(sid("cpu_profile", "Default")),
        }
        if host:
            doc["host"] = ref(host)
            doc["start_time"] = self.now
            doc["fqdn"] = f"{name}.example.com"
            doc["run_once"] = False
        else:
            doc["stop_time"] = self.now
        self.put("vms", "vm", doc)
        did = sid("disk", f"{name}_disk")
        self.put("disks", "disk", self.disk_doc(did, f"{name}_disk", (10 + n % 3 * 10) * GiB, sd))
        self.put(f"vms/{vid}/diskattachments", "disk_attachment", {
            "id": did, "disk": ref(did), "vm": ref(vid), "interface": "virtio_scsi",
            "bootable": True, "active": True, "pass_discard": False, "read_only": False,
            "uses_scsi_reservation": False, "logical_name": "/dev/sda" if host else None})
        self.put(f"vms/{vid}/nics", "nic", {
            "id": sid("nic", f"{name}/nic1"), "name": "nic1", "interface": "virtio",
            "mac": {"address": mac_for(n)}, "linked": True, "plugged": True,
            "vnic_profile": ref(vp), "vm": ref(vid)})
        if n < 5:
            self.event(34, "normal", f"VM {name} was created by admin@internal-authz.", vm=vid)
            if host:
                hname = f"host{hosts.index(host)}"
                self.event(32, "normal", f"VM {name} started on Host {hname}", vm=vid, host=host)

    # ----- storage, imaging and host networking (demo only) ------------------------------
    def storage_demo(self, dc: str) -> None:
        """A second data domain, an export domain and an ISO domain, all active in Default."""
        for name, kind, path, free, used in (("data2", "data", "/exports/data2", 450, 50),
                                             ("export", "export", "/exports/export", 200, 0),
                                             ("iso", "iso", "/exports/iso", 90, 10)):
            sd = sid("storage_domain", name)
            self.put("storagedomains", "storage_domain", {
                "id": sd, "name": name, "type": kind, "master": False, "storage_format": "v5"
                if kind == "data" else "v1", "available": free * GiB, "used": used * GiB,
                "committed": 0, "external_status": "ok", "wipe_after_delete": False,
                "backup": False, "discard_after_delete": False, "supports_discard": False,
                "warning_low_space_indicator": 10, "critical_space_action_blocker": 5,
                "storage": {"type": "nfs", "address": "nfs.example.com", "path": path},
                "data_centers": [ref(dc)], "_dc_status": {dc: "active"},
            })
            if kind == "data":
                self.put("diskprofiles", "disk_profile", {
                    "id": sid("disk_profile", name), "name": name, "storage_domain": ref(sd)})
        self.unregistered_demo(sid("storage_domain", "data2"))

    def unregistered_demo(self, sd: str) -> None:
        """A VM whose OVF and disk sit on data2 but that the engine does not know yet
        (``/storagedomains/{id}/vms?unregistered=true``), to try ``register`` on."""
        vid, did = sid("vm", "vm-lost"), sid("disk", "vm-lost_disk")
        disk = self.disk_doc(did, "vm-lost_disk", 10 * GiB, sd)
        disk["disk_profile"] = ref(sid("disk_profile", "data2"))
        self.put(f"storagedomains/{sd}/vms", "vm", {
            "id": vid, "name": "vm-lost", "description": "Found on data2", "status": "down",
            "memory": GiB, "type": "server", "origin": "ovirt", "stateless": False,
            "cpu": {"architecture": "x86_64", "topology": {"sockets": 1, "cores": 1,
                                                           "threads": 1}},
            "os": {"type": "other_linux", "boot": {"devices": ["hd"]}},
            "template": ref(ZERO), "storage_domain": ref(sd), "_unregistered": True,
            "_disks": [disk], "_nics": []})

    HOOKS = (("before_vm_start", "50_hostedengine"), ("after_vm_destroy", "50_vhostmd"),
             ("before_device_create", "50_vmfex"), ("after_network_setup", "30_ethtool_options"))

    # (gluster command, stage, script, status, conflict bits): 1 content, 2 status, 4 missing
    GLUSTER_HOOKS = (("start", "post", "S30samba-start.sh", "enabled", 0),
                     ("stop", "pre", "S30samba-stop.sh", "enabled", 2),
                     ("create", "post", "S10selinux-label-brick.sh", "enabled", 1),
                     ("add-brick", "pre", "S28Quota-enable-root-xattr-heal.sh", "disabled", 4))

    def gluster_hooks_demo(self, cl: str, hosts: list[str]) -> None:
        """The gluster hook scripts the engine lists for Default, as found on its hosts; the
        conflicting ones differ on the second host (``_server_hooks``: what each host has)."""
        for command, stage, name, status, bits in self.GLUSTER_HOOKS:
            checksum = uuid.uuid5(NAMESPACE, f"gluster-hook:{name}").hex
            other = {"status": "disabled" if bits & 2 else status,
                     "checksum": uuid.uuid5(NAMESPACE, f"changed:{name}").hex
                     if bits & 1 else checksum}
            if bits & 4:
                other = {"status": "missing", "checksum": ""}
            servers = [{"host": hid, "status": status, "checksum": checksum,
                        "content_type": "text"} for hid in hosts]
            servers[1].update(other)
            self.put(f"clusters/{cl}/glusterhooks", "gluster_hook", {
                "id": sid("gluster_hook", f"{command}/{stage}/{name}"),
                "name": name, "gluster_command": command,
                "stage": stage, "content_type": "text", "checksum": checksum,
                "content": f"#!/bin/bash\n# {name}: gluster {command} {stage} hook\n",
                "status": status, "conflict_status": bits, "cluster": ref(cl),
                "_server_hooks": servers if bits else []})

    def host_network_demo(self, hosts: list[str], net: str) -> None:
        """NICs eth0..eth3 on every host (ovirtmgmt on eth0), its VDSM hooks; host2 is an
        oVirt Node."""
        for i, hid in enumerate(hosts):
            host_nics(self.store, hid,
                      lambda kind, name, i=i: sid(kind, f"host{i}/{name}"),
                      lambda n, i=i: f"52:54:00:{i:02x}:00:{n:02x}", net,
                      {"address": f"192.168.122.{10 + i}", "netmask": "255.255.255.0",
                       "gateway": "192.168.122.1", "version": "v4"})
            for event_name, name in self.HOOKS:
                self.put(f"hosts/{hid}/hooks", "hook", {
                    "id": sid("hook", f"host{i}/{event_name}/{name}"), "name": name,
                    "event_name": event_name,
                    "md5": uuid.uuid5(NAMESPACE, f"hook:{name}").hex, "host": ref(hid)})
        if hosts:  # eth3 of the first host is an SR-IOV physical function (7 VFs at most, none set)
            self.store.update(f"hosts/{hosts[0]}/nics", sid("host_nic", "host0/eth3"),
                              virtual_functions_configuration={
                                  "max_number_of_virtual_functions": 7,
                                  "number_of_virtual_functions": 0,
                                  "all_networks_allowed": True})
        node = self.store.get("hosts", hosts[2])
        if node is not None:
            self.put("hosts", "host", {**node, "type": "ovirt_node", "os": {
                "type": "oVirt Node", "version": {"full_version": "4.5.5 - 1.el8", "major": 4}}})
