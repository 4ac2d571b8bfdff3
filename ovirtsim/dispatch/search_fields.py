"""Values of search fields (``vms?search=cluster.name=x``) for one stored object."""

from __future__ import annotations

from datetime import datetime

from ..core.context import Context
from ..web.routing import Node
from .references import ref_name

SEVERITY_ORDER = {"severity": ["normal", "warning", "error", "alert"]}


def field_values(ctx: Context, node: Node, obj: dict, fname: str) -> list | None:
    """Values of a search field for one item; None if the collection lacks the field."""
    f = fname.lower()
    type_name = node.type or ""
    members = ctx.model.members(type_name)
    coll = node.coll or ""
    if f.startswith(":"):  # free text; a lone field name is an incomplete condition
        return None if field_values(ctx, node, obj, f[1:]) is not None else free_text(obj)
    if "." in f:
        head, rest = f.split(".", 1)
        if _object_word(head) == type_name.replace("_", ""):
            return field_values(ctx, node, obj, rest)  # the object's own prefix: Clusters.name
        return cross_values(ctx, node, obj, head, rest)
    special = search_special(ctx, coll, obj, f)
    if special is not None:
        return special
    m = members.get(f) or members.get(_LINK_ALIAS.get(f, f))
    if m is None and f in _LINK_ALIAS:
        m = members.get(_LINK_ALIAS[f] + "s")
    if m is None:
        alias = {"creationdate": "creation_time", "usrname": "user_name",
                 "firstname": "name", "lastname": "last_name", "alias": "name",
                 "message": "description", "correlation_id": "_correlation_id"}.get(f)
        if alias and (alias in members or alias.startswith("_")):
            v = obj.get(alias)
            return [_search_scalar(v)] if v is not None else []
        return None
    v = obj.get(m.name)
    if v is None:
        return []
    if m.is_link and isinstance(v, dict):
        name = ref_name(ctx, v, m.base)
        return [name] if name else []
    if isinstance(v, list):
        if v and isinstance(v[0], dict):
            return [ref_name(ctx, i, m.base) or i.get("name") for i in v]
        return v
    if isinstance(v, dict):
        return [v.get("name") or v.get("type") or ""]
    if m.type == "date":
        return [_search_scalar(v)]
    return [v]

# Search words that name a linked object (``datacenter=Default`` on networks, ``storage=data``
# on disks, ``pool=p`` on VMs): the value is the linked object's name.
_LINK_ALIAS = {"datacenter": "data_center", "storage": "storage_domain", "pool": "vm_pool",
               "cpuprofile": "cpu_profile", "diskprofile": "disk_profile"}


def _object_word(head: str) -> str:
    """``Clusters``/``cluster``/``datacenter``/``storage`` → the type name without underscores."""
    word = head.lower()
    word = {"storage": "storagedomain", "storages": "storagedomain", "pools": "vmpool",
            "pool": "vmpool", "volumes": "glustervolume", "events": "event"}.get(word, word)
    return word[:-1] if word.endswith("s") and word not in ("os",) else word


def free_text(obj: dict) -> list:
    """Free text (``clusters?search=mycluster``) matches names, descriptions and comments."""
    return [v for k in ("name", "description", "comment")
            if isinstance(v := obj.get(k), str) and v]


def _search_scalar(v: object) -> object:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 10**11:
        return datetime.fromtimestamp(v / 1000).astimezone().isoformat()
    return v

def cross_values(ctx: Context, node: Node, obj: dict, head: str, rest: str) -> list | None:
    head_norm = head.rstrip("s") if head not in ("os",) else head
    members = ctx.model.members(node.type or "")
    key = {"datacenter": "data_center", "storage": "storage_domain"}.get(head_norm, head_norm)
    if head in ("vms", "vm") and node.coll == "disks":  # attached through disk attachments
        return [v.get(rest) for v in disk_vms(ctx, obj) if v.get(rest) is not None]
    if key in members and members[key].is_link and not members[key].is_list \
            and (isinstance(obj.get(key), dict) or not isinstance(obj.get(key + "s"), list)):
        seg = ctx.model.top_collection.get(members[key].base)
        ref = obj.get(key)
        if (not seg or not isinstance(ref, dict)) and not isinstance(obj.get(key + "s"), list):
            return []
        target = ctx.store.get(seg, str(ref.get("id")))
        if target is None:
            return []
        v = target.get(rest)
        return [v] if v is not None and not isinstance(v, (dict, list)) else []
    plural_key = key + "s"
    if plural_key in members and members[plural_key].is_link and members[plural_key].is_list \
            and isinstance(obj.get(plural_key), list):
        seg = ctx.model.top_collection.get(members[plural_key].base)
        targets = [ctx.store.get(seg, str(r.get("id"))) for r in obj[plural_key]] if seg else []
        return [t.get(rest) for t in targets if t and t.get(rest) is not None
                and not isinstance(t.get(rest), (dict, list))]
    back = _reverse(ctx, node, obj, head, rest)
    if back is not None:
        return back
    if head in ("vms", "vm") and node.coll == "hosts":
        return [v.get(rest) for v in ctx.store.items("vms")
                if (v.get("host") or {}).get("id") == obj.get("id") and v.get(rest) is not None]
    if head in ("vms", "vm") and node.coll == "templates":
        return [v.get(rest) for v in ctx.store.items("vms")
                if (v.get("template") or {}).get("id") == obj.get("id") and v.get(rest) is not None]
    return None


def _reverse(ctx: Context, node: Node, obj: dict, head: str, rest: str) -> list | None:
    """Objects that point at this one (``Clusters.name=`` on data centers: its clusters)."""
    word = _object_word(head)
    other = next((t for t, seg in ctx.model.top_collection.items()
                  if t.replace("_", "") == word), None)
    if other is None or other == node.type:
        return None
    link = next((m.name for m in ctx.model.members(other).values()
                 if m.is_link and not m.is_list and m.base == node.type), None)
    if link is None:
        return None
    oid = obj.get("id")
    return [o.get(rest) for o in ctx.store.items(ctx.model.top_collection[other])
            if (o.get(link) or {}).get("id") == oid and o.get(rest) is not None
            and not isinstance(o.get(rest), (dict, list))]


def disk_vms(ctx: Context, disk: dict) -> list[dict]:
    """The VMs a disk is attached to."""
    did = str(disk.get("id"))
    colls = ctx.store.colls
    return [v for v in ctx.store.items("vms") if did in colls.get(f"vms/{v['id']}/diskattachments", {})]

def search_special(ctx: Context, coll: str, obj: dict, f: str) -> list | None:
    if f == "id":
        return [obj.get("id")]
    if coll in ("vms", "templates"):
        if f == "os":
            return [(obj.get("os") or {}).get("type")]
        if f == "memory":
            return [int(obj.get("memory", 0)) // (1024 * 1024)]
        if f == "vcpus":
            t = (obj.get("cpu") or {}).get("topology") or {}
            return [t.get("sockets", 1) * t.get("cores", 1) * t.get("threads", 1)]
        if f in ("datacenter", "data_center"):
            cl = ctx.store.get("clusters", (obj.get("cluster") or {}).get("id", ""))
            return [ref_name(ctx, (cl or {}).get("data_center"), "data_center")]
        if f == "tag":
            return [t.get("name") for t in ctx.store.items(f"{coll}/{obj['id']}/tags")]
        if f in ("ip", "fqdn"):
            return [obj.get("fqdn")] if f == "fqdn" else []
        if f in ("cpu_usage", "mem_usage", "uptime"):
            return [0]
        if f == "architecture":
            return [(obj.get("cpu") or {}).get("architecture")]
        if f in ("apps", "loggedinuser"):
            return []
    if coll == "hosts":
        if f in ("datacenter", "data_center"):
            cl = ctx.store.get("clusters", (obj.get("cluster") or {}).get("id", ""))
            return [ref_name(ctx, (cl or {}).get("data_center"), "data_center")]
        if f == "tag":
            return [t.get("name") for t in ctx.store.items(f"hosts/{obj['id']}/tags")]
    if coll == "events" and f == "type":
        return [obj.get("code")]
    if coll == "disks" and f in ("vm_names", "vmnames"):
        return [v.get("name") for v in disk_vms(ctx, obj)]
    if coll == "disks" and f == "size":
        return [int(obj.get("provisioned_size", 0)) // (1024**3)]
    if coll == "storagedomains" and f in ("datacenter", "data_center"):
        return [ref_name(ctx, r, "data_center") for r in obj.get("data_centers", [])]
    if coll == "storagedomains" and f == "status":
        return list((obj.get("_dc_status") or {}).values()) or [obj.get("status")]
    return None
