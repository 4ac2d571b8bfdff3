"""What the engine does beyond storing documents: required inputs, defaults, lifecycles,
scheduling by free memory, jobs, events and the simulated actions.

Hooks are found by name (``pre_add_vm``, ``act_vm_start``) so that any type or action the
model has but this module lacks falls back to generic storage (CRUD) or a 501 fault
(actions) — never a silent success.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import Fault, NotFound, camel, conflict, incomplete
from .seed import NAMESPACE, ZERO, GiB, mac_for

if TYPE_CHECKING:
    from .engine import Node, Reply, Request, Simulator

RUNNING = frozenset({
    "up", "powering_up", "wait_for_launch", "migrating", "reboot_in_progress", "powering_down",
    "paused", "restoring_state", "saving_state", "not_responding", "unknown",
})
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
UUID_COLLS = frozenset({"vms", "clusters", "hosts", "templates", "storagedomains", "datacenters",
                        "vnicprofiles", "networks", "disks", "roles", "users", "tags"})

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
    missing = [s for s in (specs if specs is not None else REQUIRED.get(type_name, []))
               if not _has(data, s)]
    if missing:
        raise incomplete(camel(type_name), ", ".join(missing), method)


def consoles_view(sim: Simulator, node: Node) -> list[dict]:
    """Graphics consoles of a VM, one per display protocol (id = hex of the protocol)."""
    parent = node.parent_entity()
    vm = parent.obj if parent else None
    if not vm:
        return []
    proto = (vm.get("display") or {}).get("type", "spice")
    protos = [proto] if proto in ("spice", "vnc") else ["vnc"]
    return [{"id": p.encode().hex(), "protocol": p, "vm": {"id": vm["id"]}} for p in protos]


def statistics_view(sim: Simulator, node: Node) -> list[dict]:
    """A few live-looking statistics of a VM or host (values follow the state)."""
    parent = node.parent_entity()
    if parent is None or parent.obj is None:
        return []
    obj = parent.obj
    running = obj.get("status") in RUNNING
    mem = int(obj.get("memory", 0))
    key = parent.type or "vm"
    stats: list[tuple[str, str, str, str, float]] = [
        ("memory.installed", "Total memory configured", "bytes", "integer", mem),
        ("memory.used", "Memory used (agent)", "bytes", "integer", mem // 3 if running else 0),
        ("cpu.current.guest", "CPU used by guest", "percent", "decimal", 3.0 if running else 0),
        ("cpu.current.hypervisor", "CPU overhead", "percent", "decimal", 0.5 if running else 0),
        ("cpu.current.total", "Total CPU used", "percent", "decimal", 3.5 if running else 0),
        ("elapsed.time", "Elapsed VM runtime", "seconds", "integer",
         max(0, (sim.now() - int(obj.get("start_time", sim.now()))) // 1000) if running else 0),
    ]
    out = []
    for name, desc, unit, vtype, val in stats:
        out.append({
            "id": str(uuid.uuid5(NAMESPACE, f"statistic:{name}")), "name": name,
            "description": desc, "kind": "gauge", "type": vtype, "unit": unit,
            "values": [{"datum": val}], key: {"id": obj["id"]},
        })
    return out


class Behaviour:
    """Mixed into ``Simulator``: per-type hooks and simulated actions."""

    # ----- startup -----------------------------------------------------------------------
    def settle(self: Simulator) -> None:
        """Finish transitions a previous process left half-way (restart with --data)."""
        final = {"wait_for_launch": "up", "powering_up": "up", "restoring_state": "up",
                 "reboot_in_progress": "up", "migrating": "up", "powering_down": "down",
                 "saving_state": "suspended", "image_locked": "down"}
        with self.store.batch():
            for vm in self.store.items("vms"):
                st = vm.get("status")
                if st in final:
                    changes: dict[str, Any] = {"status": final[st]}
                    if final[st] in ("down", "suspended"):
                        changes["host"] = None
                    self.update_obj("vms", vm["id"], **changes)
            for h in self.store.items("hosts"):
                if h.get("status") in ("installing", "initializing", "unassigned"):
                    self.update_obj("hosts", h["id"], status="up")
                elif h.get("status") == "preparing_for_maintenance":
                    self.update_obj("hosts", h["id"], status="maintenance")
            for d in self.store.items("disks"):
                if d.get("status") == "locked":
                    self.update_obj("disks", d["id"], status="ok")
            for t in self.store.items("templates"):
                if t.get("status") == "locked":
                    self.update_obj("templates", t["id"], status="ok")
            for coll in [c for c in self.store.colls if c.endswith("/snapshots")]:
                for s in self.store.items(coll):
                    if s.get("snapshot_status") == "locked":
                        self.update_obj(coll, s["id"], snapshot_status="ok")
            for j in self.store.items("jobs"):
                if j.get("status") == "started" and not j.get("external"):
                    self.end_job(j["id"])

    # ----- references --------------------------------------------------------------------
    def resolve_refs(self: Simulator, type_name: str, data: dict, depth: int = 0) -> None:
        """Turn references given by name into ids; check ids exist (engine faults)."""
        if depth > 3:
            return
        for name, m in self.model.members(type_name).items():
            val = data.get(name)
            if val is None:
                continue
            if m.is_link:
                seg = self.model.top_collection.get(m.base)
                refs = val if isinstance(val, list) else [val]
                for r in refs:
                    if isinstance(r, dict) and seg:
                        self._resolve_ref(m.base, seg, r)
            elif self.model.kind(m.base) == "struct":
                for item in (val if isinstance(val, list) else [val]):
                    if isinstance(item, dict):
                        self.resolve_refs(m.base, item, depth + 1)

    def _resolve_ref(self: Simulator, type_name: str, seg: str, ref: dict) -> None:
        oid = ref.get("id")
        label = camel(type_name)
        if oid:
            if seg in UUID_COLLS and not UUID_RE.match(str(oid)):
                raise Fault(400, "Operation failed", f"Invalid UUID string: {oid}")
            if seg in UUID_COLLS and self.store.get(seg, str(oid)) is None:
                raise Fault(404, "Operation Failed", f"Entity not found: {label}: id={oid}")
            return
        name = ref.get("name")
        inline = set(ref) - {"name", "href"}  # more than a reference: a new inline object
        if name and not inline and seg in UUID_COLLS | {"vnicprofiles"}:
            found = self.find_by_name(seg, str(name))
            if found is None:
                raise Fault(404, "Operation Failed", f"Entity not found: {label}: name={name}")
            ref["id"] = found["id"]

    # ----- generic add / update / remove -------------------------------------------------
    def add_object(self: Simulator, req: Request, node: Node, data: dict) -> dict:
        """Validate, complete and store a new object of a collection node."""
        type_name = node.type or ""
        data.pop("href", None)
        parent = node.parent_entity()
        if node.loc == "tags" and parent is not None:
            return self.assign_tag(node, data)
        if parent is not None and node.view and node.view.many and node.view.source:
            return self.attach_related(req, node, parent, data)
        check_required(type_name, data)
        self.resolve_refs(type_name, data)
        if parent is not None and parent.obj is not None:
            if node.view and node.view.key and node.view.source:
                data[node.view.key] = {"id": parent.id}
            elif parent.type in self.model.members(type_name):
                data[parent.type] = {"id": parent.id}
        if type_name in UNIQUE and data.get("name") and \
                self.find_by_name(node.coll or "", data["name"]) is not None:
            label = LABEL.get(type_name, camel(type_name))
            raise conflict("add", label, f"The {label} name is already in use, please choose a "
                           "unique name and try again.")
        data["id"] = self.new_id()
        pre: Callable | None = getattr(self, f"pre_add_{type_name}", None)
        if pre is not None:
            pre(req, node, data)
        self.store.put(node.coll or "", type_name, data)
        post: Callable | None = getattr(self, f"post_add_{type_name}", None)
        if post is not None:
            post(req, node, data)
        return self.store.get(node.coll or "", data["id"]) or data

    def update_object(self: Simulator, req: Request, node: Node, data: dict) -> dict:
        """Merge the given fields into an object (PUT sends only what changes)."""
        assert node.obj is not None
        type_name = node.type or ""
        data.pop("id", None)
        data.pop("href", None)
        self.resolve_refs(type_name, data)
        old = node.obj
        if data.get("name") and data["name"] != old.get("name") and type_name in UNIQUE:
            other = self.find_by_name(node.coll or "", data["name"])
            if other is not None and other["id"] != old["id"]:
                label = LABEL.get(type_name, camel(type_name))
                raise conflict("update", label, f"The {label} name is already in use, please "
                               "choose a unique name and try again.")
        pre: Callable | None = getattr(self, f"pre_update_{type_name}", None)
        if pre is not None:
            pre(req, node, data)
        new = merge(self.model, type_name, old, data)
        self.store.put(node.coll or "", type_name, new)
        if type_name == "vm":
            self.event(35, "normal", f"VM {new.get('name')} configuration was updated by "
                       f"{self.user_label(req)}.", req, vm=new["id"])
        return new

    def remove_object(self: Simulator, req: Request, node: Node) -> str | None:
        """Delete an object (with the engine's refusals); returns a job id."""
        assert node.obj is not None
        type_name = node.type or ""
        parent = node.parent_entity()
        if parent is not None and node.view and node.view.many and node.view.source:
            self.detach_related(node, parent)
            return None
        pre: Callable | None = getattr(self, f"pre_remove_{type_name}", None)
        if pre is not None:
            pre(req, node)
        job = self.start_job(req, f"Removing {camel(type_name)} {node.obj.get('name', node.id)}")
        self.store.delete(node.coll or "", str(node.id))
        post: Callable | None = getattr(self, f"post_remove_{type_name}", None)
        if post is not None:
            post(req, node)
        for p in self.store.items("permissions"):
            if any((p.get(k) or {}).get("id") == node.id for k in (type_name,)):
                self.store.delete("permissions", p["id"])
        self.end_job(job)
        return job

    def user_label(self: Simulator, req: Request | None) -> str:
        if req is None:
            return "SYSTEM"
        return str(req.user.get("user_name", "admin@internal-authz"))

    # ----- relations ---------------------------------------------------------------------
    def assign_tag(self: Simulator, node: Node, data: dict) -> dict:
        tag = None
        if data.get("id"):
            tag = self.store.get("tags", data["id"])
        elif data.get("name"):
            tag = self.find_by_name("tags", data["name"])
        else:
            raise incomplete("Tag", "id|name")
        if tag is None:
            raise Fault(404, "Operation Failed",
                        f"Entity not found: Tag: {data.get('id') or data.get('name')}")
        doc = {"id": tag["id"], "name": tag["name"]}
        parent = node.parent_entity()
        if parent is not None and parent.type in self.model.members("tag"):
            doc[parent.type] = {"id": parent.id}
        return self.store.put(node.coll or "", "tag", doc)

    def attach_related(self: Simulator, req: Request, node: Node, parent: Node,
                       data: dict) -> dict:
        """POST /datacenters/x/storagedomains: attach an existing object to the parent."""
        assert node.view is not None and node.view.key is not None
        self.resolve_refs(node.type or "", data)
        oid = data.get("id")
        if not oid:
            raise incomplete(camel(node.type or ""), "id|name")
        obj = self.store.get(node.coll or "", oid)
        if obj is None:
            raise NotFound()
        refs = list(obj.get(node.view.key) or [])
        if any(r.get("id") == parent.id for r in refs):
            raise conflict("attach", "Storage Domain", "Storage Domain is already attached.")
        refs.append({"id": parent.id})
        status = dict(obj.get("_dc_status") or {})
        status[str(parent.id)] = "locked"
        obj = self.update_obj(node.coll or "", oid, **{node.view.key: refs, "_dc_status": status,
                                                      "status": None}) or obj

        def active() -> None:
            cur = self.store.get(node.coll or "", oid)
            if cur:
                st = dict(cur.get("_dc_status") or {})
                st[str(parent.id)] = "active"
                self.update_obj(node.coll or "", oid, _dc_status=st)

        self.scheduler.sequence(f"sd:{oid}", [(2.0, active)])
        return self.store.get(node.coll or "", oid) or obj

    def detach_related(self: Simulator, node: Node, parent: Node) -> None:
        assert node.view is not None and node.view.key is not None and node.obj is not None
        obj = node.obj
        refs = [r for r in obj.get(node.view.key) or [] if r.get("id") != parent.id]
        status = {k: v for k, v in (obj.get("_dc_status") or {}).items() if k != parent.id}
        changes: dict[str, Any] = {node.view.key: refs or None, "_dc_status": status}
        if not refs:
            changes["status"] = "unattached"
        self.update_obj(node.coll or "", str(obj["id"]), **changes)

    def item_extra(self: Simulator, req: Request, coll_node: Node, obj: dict) -> dict | None:
        """Per-request fields that are not stored (storage domain status per DC, consoles)."""
        parent = coll_node.parent_entity()
        if coll_node.type == "storage_domain" and parent is not None and parent.type == "data_center":
            st = (obj.get("_dc_status") or {}).get(str(parent.id))
            return {"status": st, "data_center": {"id": parent.id}} if st else None
        if coll_node.type == "graphics_console" and req.query.get("current", "").lower() in (
                "true", "1", "", "yes") and "current" in req.query and parent is not None:
            vm = parent.obj or {}
            if vm.get("status") in RUNNING and vm.get("host"):
                host = self.store.get("hosts", vm["host"]["id"]) or {}
                extra = {"address": host.get("address", "127.0.0.1"), "port": 5900}
                if obj.get("protocol") == "spice":
                    extra["tls_port"] = 5901
                return extra
        return None

    # ----- VMs ---------------------------------------------------------------------------
    def pre_add_vm(self: Simulator, req: Request, node: Node, data: dict) -> None:
        tpl = self.store.get("templates", data["template"]["id"]) or {}
        for key in TEMPLATE_KEYS:
            if key in tpl:
                data[key] = merge_value(tpl[key], data[key]) if key in data else tpl[key]
        data.setdefault("memory", GiB)
        if int(data["memory"]) <= 0:
            raise Fault(400, "Operation Failed", "[Cannot add VM. Memory size must be positive.]")
        data.setdefault("memory_policy", {})
        data["memory_policy"].setdefault("guaranteed", data["memory"])
        data["memory_policy"].setdefault("max", 4 * int(data["memory"]))
        data.setdefault("type", "server")
        data.setdefault("stateless", False)
        data.setdefault("delete_protected", False)
        data.setdefault("placement_policy", {"affinity": "migratable"})
        data.setdefault("display", {"type": "vnc", "monitors": 1})
        data.setdefault("os", {"type": "other", "boot": {"devices": ["hd"]}})
        data["status"] = "down"
        data["creation_time"] = self.now()
        data["stop_time"] = self.now()
        data["origin"] = "ovirt"
        data["original_template"] = {"id": data["template"]["id"]}
        data["run_once"] = False
        data["next_run_configuration_exists"] = False
        data["has_illegal_images"] = False
        data.pop("host", None)
        profile = next((p for p in self.store.items("cpuprofiles")
                        if (p.get("cluster") or {}).get("id") == data["cluster"]["id"]), None)
        if profile and "cpu_profile" not in data:
            data["cpu_profile"] = {"id": profile["id"]}

    def post_add_vm(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vid, tid = data["id"], data["template"]["id"]
        job = self.start_job(req, f"Creating VM {data['name']} from Template "
                             f"{self.ref_name(data['template'], 'template')} in Cluster "
                             f"{self.ref_name(data['cluster'], 'cluster')}")
        disks = self.copy_disks(f"templates/{tid}/diskattachments", vid, data["name"])
        self.copy_nics(f"templates/{tid}/nics", vid)
        self.event(34, "normal", f"VM {data['name']} was created by {self.user_label(req)}.",
                   req, vm=vid, cluster=data["cluster"]["id"])
        self.lock_then(vid, disks, job, f"VM {data['name']} creation has been completed.")

    def lock_then(self: Simulator, vid: str, disks: list[str], job: str,
                  message: str) -> None:
        """VM image_locked while copied disks are locked, then down / ok."""
        if not disks:
            self.end_job(job)
            return
        self.update_obj("vms", vid, status="image_locked")

        def done() -> None:
            for d in disks:
                self.update_obj("disks", d, status="ok")
            if (self.store.get("vms", vid) or {}).get("status") == "image_locked":
                self.update_obj("vms", vid, status="down")
                self.event(53, "normal", message, vm=vid)
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, done)])

    def copy_disks(self: Simulator, source_coll: str, vid: str, vm_name: str) -> list[str]:
        """Copy the disks attached at ``source_coll`` for a new VM (status locked)."""
        new_ids = []
        for i, att in enumerate(self.store.items(source_coll)):
            disk = self.store.get("disks", att["id"])
            if disk is None:
                continue
            did = self.new_id()
            nd = dict(disk)
            nd.update(id=did, name=f"{vm_name}_Disk{i + 1}", status="locked",
                      image_id=str(uuid.uuid5(NAMESPACE, f"image:{did}")))
            self.store.put("disks", "disk", nd)
            na = {k: v for k, v in att.items() if k not in ("template", "vm")}
            na.update(id=did, disk={"id": did}, vm={"id": vid})
            self.store.put(f"vms/{vid}/diskattachments", "disk_attachment", na)
            new_ids.append(did)
        return new_ids

    def copy_nics(self: Simulator, source_coll: str, vid: str) -> None:
        for nic in self.store.items(source_coll):
            nn = {k: v for k, v in nic.items() if k not in ("template", "vm")}
            nn.update(id=self.new_id(), vm={"id": vid}, mac={"address": self.new_mac()})
            self.store.put(f"vms/{vid}/nics", "nic", nn)

    def new_mac(self: Simulator) -> str:
        return mac_for(0x8000 + self.store.next_counter("mac"))

    def pre_remove_vm(self: Simulator, req: Request, node: Node) -> None:
        vm = node.obj or {}
        if vm.get("status") in RUNNING:
            raise conflict("remove", "VM", "VM is running.")
        if vm.get("status") == "image_locked":
            raise conflict("remove", "VM", "VM is locked. Please try again in a few minutes.")
        if vm.get("delete_protected"):
            raise conflict("remove", "VM", "VM is delete protected.")

    def post_remove_vm(self: Simulator, req: Request, node: Node) -> None:
        vm = node.obj or {}
        detach_only = req.query.get("detach_only", "false").lower() in ("true", "1", "")
        if not detach_only:
            for att in list(self.store.colls.get(f"vms/{node.id}/diskattachments", {}).values()):
                self.store.delete("disks", att["id"])
        self.scheduler.cancel(f"vm:{node.id}")
        self.event(113, "normal", f"VM {vm.get('name')} was successfully removed.", req)

    def pre_update_vm(self: Simulator, req: Request, node: Node, data: dict) -> None:
        if "memory" in data and int(data["memory"]) <= 0:
            raise Fault(400, "Operation Failed", "[Cannot edit VM. Memory size must be positive.]")
        data.pop("status", None)
        data.pop("host", None)

    def vm_of(self: Simulator, node: Node) -> dict:
        vm = node.obj if node.type == "vm" else None
        if vm is None:
            anc = node.ancestor("vm")
            vm = anc.obj if anc else None
        if vm is None:
            raise NotFound()
        return self.store.get("vms", vm["id"]) or vm

    def set_vm(self: Simulator, vid: str, **changes: Any) -> None:
        before = self.store.get("vms", vid)
        if before is None:
            return
        old_host = (before.get("host") or {}).get("id")
        after = self.update_obj("vms", vid, **changes) or before
        for hid in {old_host, (after.get("host") or {}).get("id")}:
            if hid:
                self.refresh_host(hid)

    def refresh_host(self: Simulator, hid: str) -> None:
        vms = [v for v in self.store.items("vms") if (v.get("host") or {}).get("id") == hid]
        summary = {"active": sum(1 for v in vms if v.get("status") in RUNNING),
                   "migrating": sum(1 for v in vms if v.get("status") == "migrating"),
                   "total": len(vms)}
        self.update_obj("hosts", hid, summary=summary)

    def free_memory(self: Simulator, host: dict) -> int:
        used = sum(int(v.get("memory", 0)) for v in self.store.items("vms")
                   if (v.get("host") or {}).get("id") == host["id"] and v.get("status") in RUNNING)
        return int(host.get("max_scheduling_memory") or host.get("memory", 0)) - used

    def pick_host(self: Simulator, vm: dict, exclude: str | None = None,
                  only: list[str] | None = None) -> dict | None:
        """The up host of the VM's cluster with the most free memory that fits the VM."""
        cl = (vm.get("cluster") or {}).get("id")
        best, best_free = None, -1
        for h in self.store.items("hosts"):
            if h.get("status") != "up" or (h.get("cluster") or {}).get("id") != cl:
                continue
            if h["id"] == exclude or (only and h["id"] not in only):
                continue
            free = self.free_memory(h)
            if free >= int(vm.get("memory", 0)) and free > best_free:
                best, best_free = h, free
        return best

    def _host_param(self: Simulator, params: dict) -> dict | None:
        ref = params.get("host")
        if not isinstance(ref, dict):
            return None
        if ref.get("id"):
            h = self.store.get("hosts", ref["id"])
        elif ref.get("name"):
            h = self.find_by_name("hosts", ref["name"])
        else:
            return None
        if h is None:
            raise Fault(404, "Operation Failed",
                        f"Entity not found: Host: {ref.get('id') or ref.get('name')}")
        return h

    def act_vm_start(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        st = vm.get("status")
        if st in RUNNING:
            raise conflict("run", "VM", "VM is running.")
        if st == "image_locked":
            raise conflict("run", "VM", "VM is locked. Please try again in a few minutes.")
        overrides = params.get("vm") or {}
        pinned = [h["id"] for h in ((overrides.get("placement_policy") or {}).get("hosts") or
                                    (vm.get("placement_policy") or {}).get("hosts") or [])
                  if h.get("id")]
        names = [h["name"] for h in ((overrides.get("placement_policy") or {}).get("hosts") or [])
                 if h.get("name") and not h.get("id")]
        for n in names:
            h = self.find_by_name("hosts", n)
            if h:
                pinned.append(h["id"])
        host = self.pick_host(vm, only=pinned or None)
        if host is None:
            raise conflict("run", "VM", "There is no host that satisfies current scheduling "
                           "constraints. See below for details:, The host(s) did not satisfy "
                           "internal filter Memory because of insufficient free memory.")
        vid, name, hid = vm["id"], vm["name"], host["id"]
        job = self.start_job(req, f"Launching VM {name}")
        paused = bool(params.get("pause"))
        user = self.user_label(req)

        def up() -> None:
            self.set_vm(vid, status="paused" if paused else "up", start_time=self.now(),
                        fqdn=f"{name}.example.com", stop_time=None,
                        run_once=bool(params.get("vm")))
            self.event(32, "normal", f"VM {name} started on Host {host['name']}", req,
                       vm=vid, host=hid)
            self.end_job(job)

        if st == "suspended":
            self.set_vm(vid, status="restoring_state", host={"id": hid})
            self.scheduler.sequence(f"vm:{vid}", [(2.0, up)])
        else:
            self.set_vm(vid, status="wait_for_launch", host={"id": hid})
            self.event(153, "normal", f"VM {name} was started by {user} (Host: {host['name']}).",
                       req, vm=vid, host=hid)
            self.scheduler.sequence(f"vm:{vid}", [
                (1.0, lambda: self.set_vm(vid, status="powering_up")), (2.0, up)])
        return {"job": {"id": job}}

    def _require_running(self: Simulator, vm: dict, verb: str,
                         allowed: frozenset[str] | set[str] = RUNNING) -> None:
        if vm.get("status") not in allowed:
            raise conflict(verb, "VM", "VM is not running.")

    def act_vm_stop(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "stop", RUNNING | {"suspended"})
        job = self.start_job(req, f"Stopping VM {vm['name']}")
        self.scheduler.cancel(f"vm:{vm['id']}")
        host = self.ref_name(vm.get("host"), "host") or "N/A"
        self.set_vm(vm["id"], status="down", host=None, stop_time=self.now(), fqdn=None)
        self.event(33, "normal", f"VM {vm['name']} powered off by {self.user_label(req)} "
                   f"(Host: {host}).", req, vm=vm["id"])
        self.end_job(job)
        return {"job": {"id": job}}

    def act_vm_shutdown(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "shutdown")
        vid, name = vm["id"], vm["name"]
        job = self.start_job(req, f"Shutting down VM {name}")
        self.set_vm(vid, status="powering_down")
        self.event(73, "normal", f"VM shutdown initiated by {self.user_label(req)} on VM {name}.",
                   req, vm=vid)

        def down() -> None:
            self.set_vm(vid, status="down", host=None, stop_time=self.now(), fqdn=None)
            self.event(61, "normal", f"VM {name} is down. Exit message: User shut down from "
                       "within the guest", vm=vid)
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, down)])
        return {"job": {"id": job}}

    def act_vm_suspend(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "up":
            raise conflict("suspend", "VM", "VM is not up.")
        vid, name = vm["id"], vm["name"]
        job = self.start_job(req, f"Suspending VM {name}")
        self.set_vm(vid, status="saving_state")

        def done() -> None:
            self.set_vm(vid, status="suspended", host=None)
            self.event(35, "normal", f"Suspending VM {name} has been completed.", vm=vid)
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, done)])
        return {"job": {"id": job}}

    def act_vm_reboot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "reboot", {"up"})
        vid = vm["id"]
        job = self.start_job(req, f"Rebooting VM {vm['name']}")
        self.set_vm(vid, status="reboot_in_progress")
        self.event(157, "normal", f"VM {vm['name']} was restarted by {self.user_label(req)}.",
                   req, vm=vid)

        def up() -> None:
            self.set_vm(vid, status="up", start_time=self.now())
            self.end_job(job)

        self.scheduler.sequence(f"vm:{vid}", [(2.0, up)])
        return {"job": {"id": job}}

    def act_vm_reset(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        self._require_running(vm, "reset", {"up", "paused"})
        job = self.start_job(req, f"Resetting VM {vm['name']}")
        self.set_vm(vm["id"], status="up", start_time=self.now())
        self.event(10940, "normal", f"VM {vm['name']} was reset by {self.user_label(req)}.",
                   req, vm=vm["id"])
        self.end_job(job)
        return {"job": {"id": job}}

    def act_vm_migrate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "up":
            raise conflict("migrate", "VM", "VM is not running.")
        src = (vm.get("host") or {}).get("id")
        target = self._host_param(params)
        if target is not None:
            if target["id"] == src:
                raise conflict("migrate", "VM", "The VM is already running on the destination "
                               "host.")
            if target.get("status") != "up" or self.free_memory(target) < int(vm.get("memory", 0)):
                raise conflict("migrate", "VM", "There is no host that satisfies current "
                               "scheduling constraints.")
        else:
            target = self.pick_host(vm, exclude=src)
            if target is None:
                raise conflict("migrate", "VM", "There is no host that satisfies current "
                               "scheduling constraints. See below for details:, The host(s) did "
                               "not satisfy internal filter Migration.")
        job = self.migrate_vm(req, vm, target)
        return {"job": {"id": job}}

    def migrate_vm(self: Simulator, req: Request | None, vm: dict, target: dict,
                   after: Callable[[], None] | None = None) -> str:
        vid, name = vm["id"], vm["name"]
        src_name = self.ref_name(vm.get("host"), "host")
        job = self.start_job(req, f"Migrating VM {name} to Host {target['name']}")
        self.set_vm(vid, status="migrating")
        self.event(62, "normal", f"Migration started (VM: {name}, Source: {src_name}, "
                   f"Destination: {target['name']}, User: {self.user_label(req)}).", req, vm=vid)

        def done() -> None:
            self.set_vm(vid, status="up", host={"id": target["id"]})
            self.event(63, "normal", f"Migration completed (VM: {name}, Source: {src_name}, "
                       f"Destination: {target['name']}).", vm=vid, host=target["id"])
            self.end_job(job)
            if after:
                after()

        self.scheduler.sequence(f"vm:{vid}", [(2.0, done)])
        return job

    def act_vm_cancel_migration(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "migrating":
            raise conflict("cancel migration for", "VM", "VM is not being migrated.")
        self.scheduler.cancel(f"vm:{vm['id']}")
        self.set_vm(vm["id"], status="up")
        self.event(65, "normal", f"Migration cancelled (VM: {vm['name']}).", req, vm=vm["id"])
        return {}

    def act_vm_clone(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        new = params.get("vm") or {}
        if not new.get("name"):
            raise incomplete("Action", "vm.name", "clone")
        if self.find_by_name("vms", new["name"]):
            raise conflict("add", "VM", "The VM name is already in use, please choose a unique "
                           "name and try again.")
        if vm.get("status") not in ("down",):
            raise conflict("clone", "VM", "VM must be down.")
        vid = self.new_id()
        doc = {k: v for k, v in vm.items() if k not in ("host", "start_time", "fqdn")}
        doc.update(id=vid, name=new["name"], status="down", creation_time=self.now())
        if new.get("description") is not None:
            doc["description"] = new["description"]
        self.store.put("vms", "vm", doc)
        job = self.start_job(req, f"Cloning VM {vm['name']} to {new['name']}")
        disks = self.copy_disks(f"vms/{vm['id']}/diskattachments", vid, new["name"])
        self.copy_nics(f"vms/{vm['id']}/nics", vid)
        self.event(34, "normal", f"VM {new['name']} was created by {self.user_label(req)}.",
                   req, vm=vid)
        self.update_obj("vms", vm["id"], status="image_locked") if disks else None
        src = vm["id"]

        def src_back() -> None:
            if (self.store.get("vms", src) or {}).get("status") == "image_locked":
                self.update_obj("vms", src, status="down")

        self.lock_then(vid, disks, job, f"VM {new['name']} was cloned.")
        self.scheduler.sequence(f"vm:{src}", [(2.0, src_back)])
        return {"job": {"id": job}}

    def _ticket(self: Simulator, params: dict) -> dict:
        t = params.get("ticket") or {}
        return {"value": t.get("value") or secrets.token_urlsafe(9),
                "expiry": int(t.get("expiry") or 7200)}

    def act_vm_ticket(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") not in RUNNING:
            raise conflict("set console ticket for", "VM", "VM is not running.")
        return {"ticket": self._ticket(params)}

    def act_vm_graphics_console_ticket(self: Simulator, req: Request, node: Node,
                                       params: dict) -> dict:
        return self.act_vm_ticket(req, node, params)

    def act_vm_graphics_console_remote_viewer_connection_file(
            self: Simulator, req: Request, node: Node, params: dict) -> dict | Reply:
        from .engine import Reply

        vm = self.vm_of(node)
        if vm.get("status") not in RUNNING or not vm.get("host"):
            return Reply(204)
        host = self.store.get("hosts", vm["host"]["id"]) or {}
        proto = (node.obj or {}).get("protocol", "spice")
        ca = (self.ca_pem or "").replace("\n", "\\n")
        auth = req.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        lines = ["[virt-viewer]", f"type={proto}", f"host={host.get('address', '127.0.0.1')}",
                 "port=5900", f"password={secrets.token_urlsafe(9)}",
                 "# Password is valid for 120 seconds.", "delete-this-file=1", "fullscreen=0",
                 f"title={vm['name']}", "toggle-fullscreen=shift+f11",
                 "release-cursor=shift+f12", "secure-attention=ctrl+alt+end"]
        if proto == "spice":
            subject = (host.get("certificate") or {}).get("subject", "")
            lines += ["tls-port=5901", "enable-smartcard=0", "enable-usb-autoshare=1",
                      "tls-ciphers=DEFAULT", f"host-subject={subject}", f"ca={ca}",
                      "secure-channels=smain;sinputs;scursor;splayback;srecord;sdisplay;"
                      "ssmartcard;susbredir"]
        lines += ["", "[ovirt]", f"host={req.headers.get('host', '127.0.0.1')}",
                  f"vm-guid={vm['id']}", f"sso-token={token}", "admin=1", f"ca={ca}", ""]
        return {"remote_viewer_connection_file": "\n".join(lines)}

    def act_vm_freeze_filesystems(self: Simulator, req: Request, node: Node,
                                  params: dict) -> dict:
        self._require_running(self.vm_of(node), "freeze filesystems on", {"up"})
        return {}

    def act_vm_thaw_filesystems(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self._require_running(self.vm_of(node), "thaw filesystems on", {"up"})
        return {}

    # ----- snapshots ---------------------------------------------------------------------
    def pre_add_snapshot(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.vm_of(node)
        if vm.get("status") == "image_locked":
            raise conflict("create", "Snapshot", "VM is locked. Please try again in a few "
                           "minutes.")
        data.update(date=self.now(), snapshot_type="regular", snapshot_status="locked",
                    vm={"id": vm["id"]})
        data.setdefault("persist_memorystate", False)

    def post_add_snapshot(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.vm_of(node)
        vid, sid, coll = vm["id"], data["id"], node.coll or ""
        job = self.start_job(req, f"Creating VM Snapshot {data['description']} for VM "
                             f"{vm['name']}")
        was_down = vm.get("status") == "down"
        if was_down:
            self.set_vm(vid, status="image_locked")
        self.event(45, "normal", f"Snapshot '{data['description']}' creation for VM "
                   f"'{vm['name']}' was initiated by {self.user_label(req)}.", req, vm=vid)

        def done() -> None:
            self.update_obj(coll, sid, snapshot_status="ok")
            if was_down and (self.store.get("vms", vid) or {}).get("status") == "image_locked":
                self.set_vm(vid, status="down")
            self.event(68, "normal", f"Snapshot '{data['description']}' creation for VM "
                       f"'{vm['name']}' has been completed.", vm=vid)
            self.end_job(job)

        self.scheduler.after(2.0, done)

    def pre_remove_snapshot(self: Simulator, req: Request, node: Node) -> None:
        if (node.obj or {}).get("snapshot_status") == "locked":
            raise conflict("remove", "Snapshot", "Snapshot is currently being created or "
                           "removed.")

    def _snapshot_param(self: Simulator, node: Node, params: dict) -> tuple[dict, str]:
        vm = self.vm_of(node)
        coll = f"vms/{vm['id']}/snapshots"
        ref = params.get("snapshot") or {}
        if not ref.get("id"):
            raise incomplete("Action", "snapshot.id", "preview_snapshot")
        snap = self.store.get(coll, ref["id"])
        if snap is None:
            raise Fault(404, "Operation Failed", f"Entity not found: Snapshot: id={ref['id']}")
        return snap, coll

    def act_vm_preview_snapshot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "down":
            raise conflict("preview", "Snapshot", "VM is not down.")
        snap, coll = self._snapshot_param(node, params)
        self.update_obj(coll, snap["id"], snapshot_status="in_preview")
        return {}

    def _in_preview(self: Simulator, node: Node) -> tuple[dict, str]:
        vm = self.vm_of(node)
        coll = f"vms/{vm['id']}/snapshots"
        for s in self.store.items(coll):
            if s.get("snapshot_status") == "in_preview":
                return s, coll
        raise conflict("commit", "Snapshot", "VM is not in preview mode.")

    def act_vm_commit_snapshot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        snap, coll = self._in_preview(node)
        self.update_obj(coll, snap["id"], snapshot_status="ok")
        return {}

    def act_vm_undo_snapshot(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        snap, coll = self._in_preview(node)
        self.update_obj(coll, snap["id"], snapshot_status="ok")
        return {}

    def act_snapshot_restore(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        vm = self.vm_of(node)
        if vm.get("status") != "down":
            raise conflict("restore", "Snapshot", "VM is not down.")
        return {}

    # ----- disks, attachments, nics ------------------------------------------------------
    def pre_add_disk(self: Simulator, req: Request, node: Node, data: dict) -> None:
        self._disk_defaults(data)

    def _disk_defaults(self: Simulator, data: dict) -> None:
        data.setdefault("name", data.get("alias") or f"disk_{data['id'][:8]}")
        size = int(data.get("provisioned_size", 0))
        if size <= 0:
            raise Fault(400, "Operation Failed", "[Cannot add Virtual Disk. Disk size must be "
                        "positive.]")
        data.setdefault("sparse", data.get("format") == "cow")
        data.update(status="locked", actual_size=0 if data["sparse"] else size,
                    total_size=0 if data["sparse"] else size,
                    image_id=str(uuid.uuid5(NAMESPACE, f"image:{data['id']}")))
        data.setdefault("storage_type", "image")
        data.setdefault("content_type", "data")
        data.setdefault("shareable", False)
        data.setdefault("wipe_after_delete", False)
        data.setdefault("propagate_errors", False)
        data.setdefault("backup", "none")
        if data.get("format") == "cow":
            data.setdefault("qcow_version", "qcow2_v3")

    def post_add_disk(self: Simulator, req: Request, node: Node, data: dict) -> None:
        did = data["id"]
        job = self.start_job(req, f"Adding Disk {data['name']}")
        self.event(2021, "normal", f"Add-Disk operation of '{data['name']}' was successfully "
                   "completed.", req)

        def ok() -> None:
            self.update_obj("disks", did, status="ok")
            self.end_job(job)

        self.scheduler.sequence(f"disk:{did}", [(2.0, ok)])

    def pre_remove_disk(self: Simulator, req: Request, node: Node) -> None:
        if (node.obj or {}).get("status") == "locked":
            raise conflict("remove", "Virtual Disk", "Disk is locked. Please try again later.")
        for coll, items in self.store.colls.items():
            if coll.endswith("/diskattachments") and node.id in items and coll.startswith("vms/"):
                vm = self.store.get("vms", coll.split("/")[1]) or {}
                if vm.get("status") in RUNNING and items[node.id].get("active"):
                    raise conflict("remove", "Virtual Disk", "At least one of the VMs is not "
                                   "down.")

    def post_remove_disk(self: Simulator, req: Request, node: Node) -> None:
        for coll in [c for c, items in self.store.colls.items()
                     if c.endswith("/diskattachments") and node.id in items]:
            self.store.delete(coll, str(node.id))

    def pre_add_disk_attachment(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.vm_of(node)
        disk = data.get("disk") or {}
        if disk.get("id") and self.store.get("disks", disk["id"]) is not None:
            did = disk["id"]
            if self.store.get(node.coll or "", did) is not None:
                raise conflict("attach", "Virtual Disk", "The disk is already attached to the "
                               "VM.")
        else:
            check_required("disk", disk)
            self.resolve_refs("disk", disk)
            did = self.new_id()
            d = {k: v for k, v in disk.items() if k != "href"}
            d["id"] = did
            self._disk_defaults(d)
            self.store.put("disks", "disk", d)
            job = self.start_job(req, f"Adding Disk {d['name']} to VM {vm['name']}")

            def ok() -> None:
                self.update_obj("disks", did, status="ok")
                self.end_job(job)

            self.scheduler.sequence(f"disk:{did}", [(2.0, ok)])
        data["id"] = did
        data["disk"] = {"id": did}
        data["vm"] = {"id": vm["id"]}
        data.setdefault("active", True)
        data.setdefault("bootable", False)
        data.setdefault("pass_discard", False)
        data.setdefault("read_only", False)
        data.setdefault("uses_scsi_reservation", False)

    def post_remove_disk_attachment(self: Simulator, req: Request, node: Node) -> None:
        if req.query.get("detach_only", "true").lower() in ("false", "0", "no", "f"):
            self.store.delete("disks", str(node.id))

    def pre_add_nic(self: Simulator, req: Request, node: Node, data: dict) -> None:
        for other in self.store.items(node.coll or ""):
            if other.get("name") == data["name"]:
                raise conflict("add", "Interface", "The VM Network Interface name is already "
                               "in use.")
        data.setdefault("interface", "virtio")
        data.setdefault("linked", True)
        data.setdefault("plugged", True)
        if not (data.get("mac") or {}).get("address"):
            data["mac"] = {"address": self.new_mac()}

    # ----- hosts -------------------------------------------------------------------------
    def pre_add_host(self: Simulator, req: Request, node: Node, data: dict) -> None:
        if not data.get("cluster"):
            cl = self.find_by_name("clusters", "Default")
            if cl is None:
                raise incomplete("Host", "cluster.id|name")
            data["cluster"] = {"id": cl["id"]}
        data.pop("root_password", None)
        data.setdefault("port", 54321)
        data.setdefault("memory", 16 * GiB)
        data.setdefault("max_scheduling_memory", int(data["memory"]) - 2 * GiB)
        data.setdefault("cpu", {"name": "Simulated CPU", "speed": 2000,
                                "topology": {"sockets": 1, "cores": 8, "threads": 2}})
        data.setdefault("type", "rhel")
        data.update(status="installing", protocol="stomp", external_status="ok",
                    spm={"priority": 5, "status": "none"},
                    summary={"active": 0, "migrating": 0, "total": 0})

    def post_add_host(self: Simulator, req: Request, node: Node, data: dict) -> None:
        hid, name = data["id"], data["name"]
        job = self.start_job(req, f"Adding new Host {name} to Cluster "
                             f"{self.ref_name(data['cluster'], 'cluster')}")
        self.event(42, "normal", f"Host {name} was added by {self.user_label(req)}.", req,
                   host=hid)

        def up() -> None:
            self.update_obj("hosts", hid, status="up")
            self.event(13, "normal", f"Status of host {name} was set to Up.", host=hid)
            self.end_job(job)

        self.scheduler.sequence(f"host:{hid}", [
            (2.0, lambda: self.update_obj("hosts", hid, status="initializing")), (2.0, up)])

    def pre_remove_host(self: Simulator, req: Request, node: Node) -> None:
        st = (node.obj or {}).get("status")
        if st not in ("maintenance", "down", "install_failed", "non_responsive",
                      "non_operational", "pending_approval"):
            raise conflict("remove", "Host", "Host is operational. Please switch Host to "
                           "Maintenance mode first.")

    def act_host_deactivate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        host = self.store.get("hosts", str(node.id)) or {}
        if host.get("status") not in ("up", "non_operational", "non_responsive", "error",
                                      "install_failed", "down", "initializing"):
            raise conflict("switch", "Host(s) to Maintenance mode", "Host is not in a state that "
                           "allows moving to maintenance.")
        hid, name = host["id"], host["name"]
        running = [v for v in self.store.items("vms")
                   if (v.get("host") or {}).get("id") == hid and v.get("status") in RUNNING]
        plan = []
        for v in running:
            target = self.pick_host(v, exclude=hid)
            if target is None:
                raise conflict("switch", "Host(s) to Maintenance mode", "There are no available "
                               f"hosts capable of running VM {v['name']}.")
            plan.append((v, target))
        job = self.start_job(req, f"Moving Host {name} to Maintenance")
        self.update_obj("hosts", hid, status="preparing_for_maintenance")
        for v, target in plan:
            self.migrate_vm(req, v, target)

        def maintenance() -> None:
            self.update_obj("hosts", hid, status="maintenance")
            self.event(16, "normal", f"Host {name} was switched to Maintenance Mode by "
                       f"{self.user_label(req)}.", req, host=hid)
            self.end_job(job)

        self.scheduler.sequence(f"host:{hid}", [(3.0, maintenance)])
        return {"job": {"id": job}}

    def act_host_activate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        host = self.store.get("hosts", str(node.id)) or {}
        if host.get("status") == "up":
            raise conflict("activate", "Host", "Host is already Up.")
        hid, name = host["id"], host["name"]
        job = self.start_job(req, f"Activating Host {name}")
        self.update_obj("hosts", hid, status="unassigned")

        def up() -> None:
            self.update_obj("hosts", hid, status="up")
            self.event(13, "normal", f"Host {name} was activated by {self.user_label(req)}.",
                       req, host=hid)
            self.end_job(job)

        self.scheduler.sequence(f"host:{hid}", [(1.0, lambda: self.update_obj(
            "hosts", hid, status="initializing")), (2.0, up)])
        return {"job": {"id": job}}

    def act_host_refresh(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        return {}

    # ----- other entities ----------------------------------------------------------------
    def pre_add_template(self: Simulator, req: Request, node: Node, data: dict) -> None:
        vm = self.store.get("vms", data["vm"]["id"]) or {}
        if vm.get("status") != "down":
            raise conflict("add", "Template", "VM must be down.")
        for key in TEMPLATE_KEYS:
            if key in vm and key not in data:
                data[key] = vm[key]
        data.setdefault("cluster", vm.get("cluster"))
        data.update(status="locked", creation_time=self.now(),
                    version={"version_number": 1, "version_name": "base",
                             "base_template": {"id": data["id"]}})

    def post_add_template(self: Simulator, req: Request, node: Node, data: dict) -> None:
        tid, vid = data["id"], data["vm"]["id"]
        job = self.start_job(req, f"Creating Template {data['name']} from VM")
        for att in self.store.items(f"vms/{vid}/diskattachments"):
            disk = self.store.get("disks", att["id"])
            if disk is None:
                continue
            did = self.new_id()
            self.store.put("disks", "disk", {**disk, "id": did, "status": "locked"})
            self.store.put(f"templates/{tid}/diskattachments", "disk_attachment",
                           {**{k: v for k, v in att.items() if k != "vm"}, "id": did,
                            "disk": {"id": did}, "template": {"id": tid}})
        for nic in self.store.items(f"vms/{vid}/nics"):
            self.store.put(f"templates/{tid}/nics", "nic",
                           {**{k: v for k, v in nic.items() if k not in ("vm", "mac")},
                            "id": self.new_id(), "template": {"id": tid}})
        self.set_vm(vid, status="image_locked")

        def ok() -> None:
            self.update_obj("templates", tid, status="ok")
            for att in self.store.items(f"templates/{tid}/diskattachments"):
                self.update_obj("disks", att["id"], status="ok")
            if (self.store.get("vms", vid) or {}).get("status") == "image_locked":
                self.set_vm(vid, status="down")
            self.end_job(job)

        self.scheduler.sequence(f"template:{tid}", [(2.0, ok)])

    def pre_remove_template(self: Simulator, req: Request, node: Node) -> None:
        if node.id == ZERO:
            raise conflict("remove", "Template", "Removing Blank Template is not allowed.")
        users = [v["name"] for v in self.store.items("vms")
                 if (v.get("template") or {}).get("id") == node.id]
        if users:
            raise conflict("remove", "Template", "The following VMs are based on this Template: "
                           + ", ".join(users[:10]))

    def post_remove_template(self: Simulator, req: Request, node: Node) -> None:
        for att in list(self.store.colls.get(f"templates/{node.id}/diskattachments", {}).values()):
            self.store.delete("disks", att["id"])

    def pre_add_data_center(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.setdefault("local", False)
        data.setdefault("version", {"major": 4, "minor": 7})
        data.setdefault("storage_format", "v5")
        data.setdefault("quota_mode", "disabled")
        data["status"] = "uninitialized"

    def pre_add_cluster(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.setdefault("cpu", {"architecture": "x86_64", "type": "Intel Nehalem Family"})
        data.setdefault("version", {"major": 4, "minor": 7})

    def post_add_cluster(self: Simulator, req: Request, node: Node, data: dict) -> None:
        self.store.put("cpuprofiles", "cpu_profile", {
            "id": self.new_id(), "name": data["name"], "cluster": {"id": data["id"]}})

    def pre_add_network(self: Simulator, req: Request, node: Node, data: dict) -> None:
        dc = data["data_center"]["id"]
        for n in self.store.items("networks"):
            if n.get("name") == data["name"] and (n.get("data_center") or {}).get("id") == dc:
                raise conflict("add", "Network", "The Network name is already in use, please "
                               "choose a unique name and try again.")
        data.setdefault("mtu", 0)
        data.setdefault("stp", False)
        data.setdefault("usages", ["vm"])

    def post_add_network(self: Simulator, req: Request, node: Node, data: dict) -> None:
        self.store.put("vnicprofiles", "vnic_profile", {
            "id": self.new_id(), "name": data["name"], "network": {"id": data["id"]},
            "port_mirroring": False, "pass_through": {"mode": "disabled"}})

    def pre_add_storage_domain(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.pop("host", None)
        data.update(status="unattached", available=500 * GiB, used=0, committed=0,
                    external_status="ok", master=False)
        data.setdefault("storage_format", "v5")

    def pre_add_tag(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.setdefault("parent", {"id": ZERO})

    def pre_add_event(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data["id"] = str(self.store.next_counter("event"))
        data.setdefault("time", self.now())
        data.setdefault("code", 0)

    def pre_add_permission(self: Simulator, req: Request, node: Node, data: dict) -> None:
        if not data.get("user") and not data.get("group"):
            raise incomplete("Permission", "user|group.id")

    def pre_add_job(self: Simulator, req: Request, node: Node, data: dict) -> None:
        now = self.now()
        data.update(status="started", start_time=now, last_updated=now, external=True,
                    owner={"id": req.user["id"]}, _correlation_id=req.correlation_id)
        data.setdefault("auto_cleared", True)

    def act_job_end(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        ok = params.get("succeeded", True)
        self.end_job(str(node.id), "finished" if ok else "failed")
        return {}

    def act_job_clear(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self.store.delete("jobs", str(node.id))
        return {}

    def act_attached_storage_domain_deactivate(self: Simulator, req: Request, node: Node,
                                               params: dict) -> dict:
        return self._sd_status(node, "active", "maintenance", "preparing_for_maintenance")

    def act_attached_storage_domain_activate(self: Simulator, req: Request, node: Node,
                                             params: dict) -> dict:
        return self._sd_status(node, "maintenance", "active", "activating")

    def _sd_status(self: Simulator, node: Node, need: str, final: str, middle: str) -> dict:
        parent = node.parent_entity()
        sd = self.store.get("storagedomains", str(node.id)) or {}
        dc = str(parent.id) if parent else ""
        st = dict(sd.get("_dc_status") or {})
        if st.get(dc) != need:
            raise conflict("change status of", "Storage Domain", f"Storage Domain status is not "
                           f"{need.capitalize()}.")
        st[dc] = middle
        self.update_obj("storagedomains", sd["id"], _dc_status=st)

        def done() -> None:
            cur = dict((self.store.get("storagedomains", sd["id"]) or {}).get("_dc_status") or {})
            cur[dc] = final
            self.update_obj("storagedomains", sd["id"], _dc_status=cur)

        self.scheduler.sequence(f"sd:{sd['id']}", [(2.0, done)])
        return {}

    def act_storage_domain_is_attached(self: Simulator, req: Request, node: Node,
                                       params: dict) -> dict:
        return {"is_attached": bool((node.obj or {}).get("data_centers"))}

    def act_system_reload_configurations(self: Simulator, req: Request, node: Node,
                                         params: dict) -> dict:
        return {}

    def act_vm_nic_activate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self.update_obj(node.coll or "", str(node.id), plugged=True)
        return {}

    def act_vm_nic_deactivate(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self.update_obj(node.coll or "", str(node.id), plugged=False)
        return {}

    def act_data_center_clean_finished_tasks(self: Simulator, req: Request, node: Node,
                                             params: dict) -> dict:
        return {}

    def action_handler(self: Simulator, node: Node) -> Callable | None:
        """The simulated implementation of an action, or None (the app answers 501)."""
        assert node.action is not None
        return getattr(self, f"act_{node.service.name}_{node.action.name}", None)


def merge_value(old: object, new: object) -> object:
    """Deep-merge plain data: dicts merge, everything else replaces."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for k, v in new.items():
            out[k] = merge_value(out.get(k), v)
        return out
    return new


def merge(model: Any, type_name: str, old: dict, new: dict) -> dict:
    """PUT semantics: only the given fields change; references are replaced, not merged."""
    out = dict(old)
    members = model.members(type_name)
    for k, v in new.items():
        m = members.get(k)
        if m is not None and m.is_link:
            out[k] = v
        else:
            out[k] = merge_value(out.get(k), v)
    return out
