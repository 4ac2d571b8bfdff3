"""The authorization gate: every operation of the dispatch path asks here first.

As on the engine, a user may do something to an object when one of their permissions on
the object or one of its ancestors (VM → cluster → data center → system) has a role whose
permits include the one the operation needs. Reading needs any permission there. Objects a
user may not read do not exist for them (404); what they may read but not change is 403.
Administrators are the holders of an administrative role at system level.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.context import Context
from ..core.errors import Fault, NotFound
from ..core.seed import ZERO
from ..core.store import Store
from ..web.routing import Node

# Top-level collections of managed objects: reads are filtered by permissions.
MANAGED = {"vms": "vm", "templates": "template", "hosts": "host", "clusters": "cluster",
           "datacenters": "data_center", "storagedomains": "storage_domain", "disks": "disk",
           "networks": "network", "vnicprofiles": "vnic_profile", "vmpools": "vm_pool"}
# Readable by every user; everything else that is neither managed nor listed is for admins.
PUBLIC = frozenset({"roles", "operatingsystems", "clusterlevels", "domains", "tags",
                    "instancetypes", "schedulingpolicies", "cpuprofiles", "diskprofiles"})
OBJECT_KEYS = ("vm", "vm_pool", "template", "disk", "host", "storage_domain", "cluster",
               "data_center")
READS = frozenset({"list", "get"})
DENIED = "[User is not authorized to perform this action.]"

CREATE = {"vm": 1, "host": 100, "template": 200, "vm_pool": 300, "cluster": 400,
          "storage_domain": 600, "data_center": 700, "network": 704, "disk": 1100,
          "vnic_profile": 1204, "tag": 1301, "bookmark": 1302, "event": 1400, "job": 1500,
          "user": 500, "group": 500, "role": 501, "permit": 501, "permission": 502,
          "mac_pool": 1660, "affinity_group": 1550, "affinity_label": 1550, "cpu_profile": 1667,
          "disk_profile": 1561, "nic": 9, "disk_attachment": 10, "snapshot": 12,
          "gluster_volume": 1000}
EDIT = {"vm": 3, "host": 101, "template": 201, "vm_pool": 301, "cluster": 401,
        "storage_domain": 601, "data_center": 702, "network": 703, "disk": 1102,
        "vnic_profile": 1203, "tag": 1301, "bookmark": 1302, "event": 1400, "job": 1500,
        "user": 500, "group": 500, "role": 501, "permit": 501, "permission": 502,
        "mac_pool": 1661, "affinity_group": 1550, "affinity_label": 1550, "cpu_profile": 1666,
        "disk_profile": 1560, "nic": 9, "disk_attachment": 10, "snapshot": 12,
        "gluster_volume": 1001, "gluster_hook": 1003}
DELETE = {**EDIT, "vm": 2, "host": 102, "template": 202, "vm_pool": 302, "cluster": 402,
          "storage_domain": 602, "data_center": 701, "network": 705, "disk": 1104,
          "vnic_profile": 1205, "mac_pool": 1662, "cpu_profile": 1665, "disk_profile": 1562,
          "gluster_volume": 1002}
ACTIONS = {("vm", "start"): 22, ("vm", "stop"): 18, ("vm", "shutdown"): 19,
           ("vm", "suspend"): 21, ("vm", "reboot"): 17, ("vm", "reset"): 23,
           ("vm", "migrate"): 6, ("vm", "cancel_migration"): 6, ("vm", "clone"): 1,
           ("vm", "ticket"): 7, ("vm", "logon"): 7, ("vm", "export"): 8,
           ("vm", "preview_snapshot"): 12, ("vm", "commit_snapshot"): 12,
           ("vm", "undo_snapshot"): 12, ("vm", "freeze_filesystems"): 12,
           ("vm", "thaw_filesystems"): 12, ("snapshot", "restore"): 12,
           ("vm_graphics_console", "ticket"): 7,
           ("vm_graphics_console", "remote_viewer_connection_file"): 7,
           ("vm_nic", "activate"): 9, ("vm_nic", "deactivate"): 9,
           ("vm_pool", "allocate_vm"): 303, ("template", "export"): 8,
           ("job", "end"): 1500, ("job", "clear"): 1500}
BY_SERVICE = {"vm": 3, "host": 103, "cluster": 401, "data_center": 702, "storage_domain": 603,
              "attached_storage_domain": 603, "template": 201, "disk": 1103,
              "vm_disk": 1103, "vm_pool": 301, "network": 703, "gluster_volume": 1001,
              "gluster_hook": 1003}


def groups_of(store: Store, user: dict) -> set[str]:
    """The engine groups whose directory entry lists the user: their permissions are the
    user's too, as the engine applies a group's permissions to its members."""
    principal, domain = user.get("principal"), (user.get("domain") or {}).get("id")
    out = set()
    for group in store.items("groups"):
        gdomain = (group.get("domain") or {}).get("id")
        if gdomain != domain:
            continue
        entry = next((e for e in store.items(f"domains/{gdomain}/groups")
                      if e.get("name") == group.get("name")), None)
        if entry is not None and principal in (entry.get("_members") or ()):
            out.add(str(group["id"]))
    return out


class Access:
    """One user's permissions (its own and its groups'), read once per request."""

    def __init__(self, store: Store, user: dict) -> None:
        self.store = store
        self.user = user
        self.grants: dict[tuple[str, str | None], set[int]] = {}
        self.admin = False
        self._attached: dict[str, list[str]] | None = None
        self._climbed: dict[tuple[str, str, int], list[tuple[str, str | None]]] = {}
        uid = user.get("id")
        groups = groups_of(store, user)
        for p in store.items("permissions"):
            if (p.get("user") or {}).get("id") != uid and \
                    (p.get("group") or {}).get("id") not in groups:
                continue
            key = next(((k, str(p[k]["id"])) for k in OBJECT_KEYS if p.get(k)), ("system", None))
            rid = str((p.get("role") or {}).get("id"))
            self.grants.setdefault(key, set()).update(role_permits(store, rid))
            role = store.get("roles", rid) or {}
            if key[0] == "system" and role.get("administrative"):
                self.admin = True

    # ----- ancestry -------------------------------------------------------------------------
    def ancestors(self, type_name: str, obj: dict) -> list[tuple[str, str | None]]:
        """The object (when it has an id), its containers up to the system."""
        out: list[tuple[str, str | None]] = []
        self._climb(type_name, obj, out, 0)
        out.append(("system", None))
        return out

    def _climb(self, type_name: str, obj: dict, out: list, depth: int) -> None:
        if depth > 6 or not obj:
            return
        if depth and obj.get("id"):
            # a container's own ancestry is the same for every item in it: climb it once
            # per request (a listing of 1,000 VMs in one cluster asks 1,000 times)
            key = (type_name, str(obj["id"]), depth)
            known = self._climbed.get(key)
            if known is None:
                start = len(out)
                self._climb_from(type_name, obj, out, depth)
                self._climbed[key] = out[start:]
            else:
                out.extend(known)
            return
        self._climb_from(type_name, obj, out, depth)

    def _climb_from(self, type_name: str, obj: dict, out: list, depth: int) -> None:
        if obj.get("id"):
            out.append((type_name, str(obj["id"])))
        get = self.store.get

        def up(key: str, coll: str, parent_type: str) -> None:
            refs = obj.get(key)
            for ref in refs if isinstance(refs, list) else [refs]:
                if isinstance(ref, dict) and ref.get("id"):
                    self._climb(parent_type, get(coll, str(ref["id"])) or {"id": ref["id"]},
                                out, depth + 1)

        if type_name in ("vm", "host", "template", "vm_pool"):
            up("vm_pool", "vmpools", "vm_pool")
            up("cluster", "clusters", "cluster")
        elif type_name in ("cluster", "network"):
            up("data_center", "datacenters", "data_center")
        elif type_name == "storage_domain":
            up("data_centers", "datacenters", "data_center")
        elif type_name == "vnic_profile":
            up("network", "networks", "network")
        elif type_name == "disk":
            up("storage_domains", "storagedomains", "storage_domain")
            for vid in self.attached().get(str(obj.get("id")), []):
                self._climb("vm", get("vms", vid) or {}, out, depth + 1)

    def attached(self) -> dict[str, list[str]]:
        """Disk id -> ids of the VMs it is attached to (built once per request)."""
        if self._attached is None:
            self._attached = {}
            for coll, items in list(self.store.colls.items()):
                if coll.startswith("vms/") and coll.endswith("/diskattachments"):
                    for did in items:
                        self._attached.setdefault(did, []).append(coll.split("/")[1])
        return self._attached

    # ----- questions ------------------------------------------------------------------------
    def permits_on(self, type_name: str, obj: dict) -> set[int]:
        out: set[int] = set()
        for key in self.ancestors(type_name, obj):
            out |= self.grants.get(key, set())
        return out

    def may_read(self, type_name: str, obj: dict) -> bool:
        if self.admin or (type_name == "template" and obj.get("id") == ZERO):
            return True
        return any(key in self.grants for key in self.ancestors(type_name, obj))

    def may_read_item(self, coll: str, obj: dict) -> bool:
        """Whether an item of a top-level collection is visible to this user."""
        if self.admin or coll in PUBLIC:
            return True
        if coll in MANAGED:
            return self.may_read(MANAGED[coll], obj)
        if coll == "users":
            return obj.get("id") == self.user.get("id")
        if coll == "jobs":
            return (obj.get("owner") or {}).get("id") == self.user.get("id")
        if coll == "events":
            return any(self.may_read(k, self.store.get(c, str(obj[k]["id"])) or obj[k])
                       for c, k in (("vms", "vm"), ("hosts", "host"), ("clusters", "cluster"),
                                    ("datacenters", "data_center"), ("templates", "template"),
                                    ("storagedomains", "storage_domain"))
                       if isinstance(obj.get(k), dict) and obj[k].get("id"))
        return False


def role_permits(store: Store, role_id: str) -> set[int]:
    out = set()
    for p in store.items(f"roles/{role_id}/permits"):
        try:
            out.add(int(p["id"]))
        except (KeyError, ValueError):
            continue
    return out


def access(ctx: Context) -> Access:
    assert ctx.req is not None
    cached = ctx.req.__dict__.get("_access")
    if cached is None:
        cached = Access(ctx.store, ctx.req.user)
        ctx.req.__dict__["_access"] = cached
    return cached


def is_admin(store: Store, user: dict) -> bool:
    """Whether the user holds an administrative role at system level."""
    return Access(store, user).admin


def readable(ctx: Context, coll_node: Node) -> Callable[[dict], bool]:
    """A predicate over the items of a collection node: which ones the user may read."""
    acc = access(ctx)
    coll = coll_node.coll or ""
    if acc.admin or "/" in coll:  # a sub-collection: its owner was checked on the way
        return lambda obj: True
    return lambda obj: acc.may_read_item(coll, obj)


def _managed(node: Node) -> tuple[str, dict] | None:
    """The innermost managed object on a node's path (type and document)."""
    for ent in node.entities():
        if ent.coll in MANAGED and ent.obj is not None:
            return MANAGED[ent.coll], ent.obj
    return None


def authorize(ctx: Context, node: Node, operation: str, data: dict | None = None) -> None:
    """Refuse an operation the request's user may not perform on the node (404 when the
    user may not even see what the path names, else 403)."""
    acc = access(ctx)
    for ent in reversed(node.entities()):  # outermost first: /vms/{id} before its nics
        if ent.obj is not None and "/" not in (ent.coll or "") and \
                not acc.may_read_item(ent.coll or "", ent.obj):
            raise NotFound()
    if operation in READS:
        return
    if acc.admin:
        return
    permit, target = _requirement(ctx, node, operation, data or {})
    have = acc.permits_on(*target) if target else acc.grants.get(("system", None), set())
    if permit not in have:
        raise Fault(403, "Operation Failed", DENIED)
    if node.type == "permission" and operation == "add":
        _check_grant(ctx, acc, data or {}, have)


def _requirement(ctx: Context, node: Node, operation: str,
                 data: dict) -> tuple[int, tuple[str, dict] | None]:
    """The permit an operation needs and the object it is checked on (None: the system)."""
    if operation == "action":
        assert node.action is not None
        svc = node.service.name
        permit = ACTIONS.get((svc, node.action.name)) or BY_SERVICE.get(svc, 800)
        return permit, _managed(node)
    type_name = node.type or ""
    table = {"add": CREATE, "update": EDIT, "remove": DELETE}[operation]
    collection = node if operation == "add" else node.parent
    owner = collection.parent_entity() if collection is not None else None
    if owner is None and operation == "add":
        acc = access(ctx)
        container = acc.ancestors(type_name, {k: v for k, v in data.items() if k != "id"})
        first = next(((t, i) for t, i in container if t != "system"), None)
        if first is None:
            return table.get(type_name, 800), None
        coll = {v: k for k, v in MANAGED.items()}.get(first[0], "")
        return table.get(type_name, 800), (first[0], ctx.store.get(coll, str(first[1])) or {})
    if owner is None:
        return table.get(type_name, 800), _managed(node)
    if type_name == "permission":
        target = _managed(node) or _named_object(ctx, data)
        return 502, target
    managed = _managed(node)
    if type_name in table and type_name in ("nic", "disk_attachment", "snapshot") or \
            (collection is not None and collection.view is not None and type_name in table):
        return table[type_name], managed
    if managed is not None:
        return EDIT.get(managed[0], 800), managed
    return table.get(type_name, 800), None


def _named_object(ctx: Context, data: dict) -> tuple[str, dict] | None:
    """The object a permission given in a body is about (None: the system)."""
    colls = {v: k for k, v in MANAGED.items()}
    for key in OBJECT_KEYS:
        ref = data.get(key)
        if isinstance(ref, dict) and ref.get("id"):
            return key, ctx.store.get(colls[key], str(ref["id"])) or dict(ref)
    return None


def _check_grant(ctx: Context, acc: Access, data: dict, have: set[int]) -> None:
    """A permission never grants more than its granter holds there; admin roles are for
    admins to give."""
    ref = data.get("role") or {}
    role = None
    if ref.get("id"):
        role = ctx.store.get("roles", str(ref["id"]))
    elif ref.get("name"):
        role = ctx.store.find_by_name("roles", str(ref["name"]))
    if role is None:
        return  # the generic reference check answers 404
    if role.get("administrative") or not role_permits(ctx.store, role["id"]) <= have:
        raise Fault(403, "Operation Failed", DENIED)

