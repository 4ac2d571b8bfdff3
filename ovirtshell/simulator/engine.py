"""The simulated engine: model-driven routing, rendering and generic CRUD over the store.

Per-type rules (required fields, lifecycles, actions) live in ``behaviour.py``; this module
knows nothing about VMs and resolves every path the API model describes.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import codec as C
from .behaviour import Behaviour
from .errors import Fault, MethodNotAllowed, NotFound
from .model import ApiModel, Method, Service, load_model
from .scheduler import Scheduler
from .seed import NAMESPACE, SUPERUSER, ZERO, Seeder
from .store import Store

log = logging.getLogger("ovirtsim")

API = "/ovirt-engine/api"
SEARCHABLE = frozenset(
    "clusters datacenters events hosts networks storagedomains templates instancetypes users "
    "groups vmpools vms disks jobs externalhostproviders openstackimageproviders "
    "openstackvolumeproviders openstacknetworkproviders".split()
)
FILTERED = frozenset(
    "vms templates hosts clusters datacenters storagedomains disks networks vnicprofiles "
    "vmpools".split()
)
SEVERITY_ORDER = {"severity": ["normal", "warning", "error", "alert"]}


@dataclass
class Request:
    """One API request as the engine sees it (after authentication)."""

    method: str
    segments: list[str]
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    fmt: str  # "xml" or "json": the reply
    input_fmt: str
    prefix: str
    user: dict
    filter: bool
    correlation_id: str


@dataclass
class Reply:
    """What the app sends back."""

    status: int
    body: str | bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class View:
    """A sub-collection that shows objects stored elsewhere (``/datacenters/x/clusters``)."""

    source: str | None
    key: str | None = None
    many: bool = False
    match: Callable[[Simulator, dict, dict], bool] | None = None
    generate: Callable[[Simulator, Node], list[dict]] | None = None


@dataclass
class Node:
    """A resolved URL: root, collection, entity, singleton or action."""

    kind: str
    service: Service
    path: str
    coll: str | None = None
    id: str | None = None
    type: str | None = None
    parent: Node | None = None
    obj: dict | None = None
    view: View | None = None
    loc: str | None = None
    action: Method | None = None

    def ancestor(self, type_name: str) -> Node | None:
        """The nearest enclosing entity of a type."""
        n = self.parent
        while n is not None:
            if n.kind == "entity" and n.type == type_name:
                return n
            n = n.parent
        return None

    def parent_entity(self) -> Node | None:
        """The entity that owns this collection (or this entity's collection)."""
        n = self.parent
        while n is not None and n.kind != "entity":
            n = n.parent
        return n


def _views() -> dict[tuple[str, str], View]:
    from .behaviour import consoles_view, statistics_view

    def dc_of_cluster(sim: Simulator, parent: dict, obj: dict) -> bool:
        return (obj.get("data_center") or {}).get("id") == (parent.get("data_center") or {}).get("id")

    v = {
        ("data_center", "clusters"): View("clusters", "data_center"),
        ("data_center", "networks"): View("networks", "data_center"),
        ("data_center", "storage_domains"): View("storagedomains", "data_centers", many=True),
        ("cluster", "networks"): View("networks", match=dc_of_cluster),
        ("cluster", "cpu_profiles"): View("cpuprofiles", "cluster"),
        ("network", "vnic_profiles"): View("vnicprofiles", "network"),
        ("storage_domain", "disks"): View("disks", "storage_domains", many=True),
        ("storage_domain", "disk_profiles"): View("diskprofiles", "storage_domain"),
        ("vm", "graphics_consoles"): View(None, generate=consoles_view),
    }
    for parent in ("vm", "host", "disk", "nic", "host_nic", "gluster_brick", "gluster_volume"):
        v[(parent, "statistics")] = View(None, generate=statistics_view)
    return v


class Simulator(Behaviour):
    """State and request handling of one simulated engine."""

    def __init__(
        self,
        data: str | None = None,
        seed: str = "demo",
        admin_password: str = "ovirt",
        time_scale: float = 1.0,
        token_ttl: float | None = None,
    ) -> None:
        self.model: ApiModel = load_model()
        self.store = Store(data)
        self.lock = self.store.lock
        self.seed_name = seed
        self.admin_password = admin_password
        self.token_ttl = token_ttl
        self.scheduler = Scheduler(time_scale, self.lock)
        self.codecs: dict[str, C.Codec] = {}
        self.views = _views()
        self.fault_rules: list[dict] = []
        self.request_log: deque[dict] = deque(maxlen=20000)
        self.tokens: dict[str, tuple[str, float | None]] = {}
        self.ca_pem: str | None = None
        self.server_pem: str | None = None
        self.instance_id = str(uuid.uuid5(NAMESPACE, "instance"))
        self._link_cache: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        self._list_cache: dict[tuple[str, str, str], tuple[int, Reply]] = {}
        with self.lock:
            if self.store.meta_get("seed") is None:
                Seeder(self.store, admin_password).seed(seed)
            else:
                pw = dict(self.store.meta_get("passwords", {}))  # type: ignore[arg-type]
                pw["admin"] = admin_password
                self.store.meta_set("passwords", pw)
                self.settle()
        self.scheduler.start()

    def close(self) -> None:
        """Stop background work and close the database."""
        self.scheduler.stop()
        self.store.close()

    def reset(self) -> None:
        """Restore the seed (tokens stay valid)."""
        with self.lock:
            self.scheduler.generations.clear()
            self.store.clear()
            Seeder(self.store, self.admin_password).seed(self.seed_name)

    # ----- helpers -----------------------------------------------------------------------
    def codec(self, prefix: str) -> C.Codec:
        c = self.codecs.get(prefix)
        if c is None:
            c = self.codecs[prefix] = C.Codec(self.model, prefix)
        return c

    def now(self) -> int:
        return int(time.time() * 1000)

    def new_id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.seed_name}:object:{self.store.next_counter('id')}"))

    def find_by_name(self, coll: str, name: str) -> dict | None:
        for obj in self.store.items(coll):
            if obj.get("name") == name:
                return obj
        return None

    def update_obj(self, coll: str, oid: str, **changes: Any) -> dict | None:
        """Copy, change and store an object (None values delete keys)."""
        cur = self.store.get(coll, oid)
        if cur is None:
            return None
        new = dict(cur)
        for k, v in changes.items():
            if v is None:
                new.pop(k, None)
            else:
                new[k] = v
        return self.store.put(coll, self.store.types.get(coll, ""), new)

    def is_admin(self, user: dict) -> bool:
        for p in self.store.items("permissions"):
            if (p.get("user") or {}).get("id") == user.get("id") and p["role"]["id"] == SUPERUSER:
                return True
        return False

    # ----- routing -----------------------------------------------------------------------
    def root_node(self) -> Node:
        return Node("root", self.model.services[self.model.root], "")

    def step(self, node: Node, seg: str, last: bool) -> Node:
        """Resolve one more URL segment below ``node``."""
        svc = node.service
        if node.kind == "action":
            raise NotFound()
        if seg in svc.sub:
            loc, sname = svc.sub[seg]
            child = self.model.services[sname]
            path = f"{node.path}/{seg}" if node.path else seg
            view = self.views.get((svc.name, loc)) if node.kind == "entity" else None
            if view is None and loc == "permissions" and node.kind == "entity":
                key = node.type if node.type in self.model.members("permission") else None
                view = View("permissions", key)
            if view is None and loc == "permissions" and node.kind == "root":
                view = None
            kind = "collection" if (child.item or "list" in child.methods) else "singleton"
            coll = view.source if view else path
            return Node(kind, child, path, coll=coll, type=child.item_type(self.model),
                        parent=node, view=view, loc=loc)
        if last and seg in svc.actions:
            return Node("action", svc, f"{node.path}/{seg}", parent=node, action=svc.actions[seg],
                        coll=node.coll, id=node.id, type=node.type, obj=node.obj)
        if node.kind == "collection" and svc.item:
            obj = self.lookup(node, seg)
            if obj is None:
                raise NotFound()
            item = self.model.services[svc.item]
            return Node("entity", item, f"{node.path}/{seg}", coll=node.coll, id=seg,
                        type=node.type, parent=node, obj=obj, view=node.view, loc=node.loc)
        raise NotFound()

    def resolve(self, segments: list[str]) -> Node:
        node = self.root_node()
        for i, seg in enumerate(segments):
            node = self.step(node, seg, i == len(segments) - 1)
        return node

    def lookup(self, node: Node, oid: str) -> dict | None:
        """An item of a collection node by id (through views)."""
        if node.view and node.view.generate:
            for item in node.view.generate(self, node):
                if item.get("id") == oid:
                    return item
            return None
        obj = self.store.get(node.coll or "", oid)
        if obj is None:
            return None
        if node.view and not self._in_view(node, obj):
            return None
        return obj

    def _in_view(self, node: Node, obj: dict) -> bool:
        view = node.view
        assert view is not None
        parent = node.parent_entity()
        if parent is None or parent.obj is None:
            return True
        if view.match:
            return view.match(self, parent.obj, obj)
        if view.key is None:
            return False
        val = obj.get(view.key)
        if view.many:
            return any(r.get("id") == parent.id for r in (val or []))
        return (val or {}).get("id") == parent.id

    def collection_items(self, node: Node) -> list[dict]:
        """Every item of a collection node."""
        if node.view and node.view.generate:
            return node.view.generate(self, node)
        items = self.store.items(node.coll or "")
        if node.view:
            items = [o for o in items if self._in_view(node, o)]
        if node.coll == "events":
            items.sort(key=lambda e: int(e["id"]), reverse=True)
        return items

    # ----- permissions (Filter) ----------------------------------------------------------
    def visible_ids(self, user: dict) -> set[str] | None:
        """Object ids a user has permissions on, or None when it may see everything."""
        ids: set[str] = set()
        for p in self.store.items("permissions"):
            if (p.get("user") or {}).get("id") != user.get("id"):
                continue
            objs = [p.get(k) for k in ("vm", "cluster", "data_center", "host", "storage_domain",
                                       "template", "vm_pool", "disk")]
            objs = [o for o in objs if o]
            if not objs:
                return None
            ids.update(o["id"] for o in objs)
        ids.add(ZERO)
        return ids

    def visible(self, node: Node, obj: dict, ids: set[str] | None) -> bool:
        if ids is None:
            return True
        if obj.get("id") in ids:
            return True
        for key in ("cluster", "data_center"):
            if (obj.get(key) or {}).get("id") in ids:
                return True
        return False

    def filtered(self, req: Request, node: Node) -> bool:
        top = node.path.split("/", 1)[0]
        return req.filter and node.path == top and top in FILTERED

    # ----- rendering ---------------------------------------------------------------------
    def entity_decor(self, svc: Service, type_name: str) -> tuple[list[str], list[str]]:
        """Action rels and sub-collection link rels of an entity service."""
        key = (svc.name, type_name)
        got = self._link_cache.get(key)
        if got is None:
            actions = [m.segment for m in svc.actions.values()]
            members = self.model.members(type_name)
            links = [seg for seg, (loc, _s) in svc.sub.items()
                     if loc in members and members[loc].is_list]
            got = self._link_cache[key] = (actions, links)
        return got

    def render_item(self, req: Request, coll_node: Node, obj: dict,
                    follow: list[list[str]] | None = None, extra: dict | None = None) -> Any:
        """XML string or JSON dict of one item of a collection node (cached when plain)."""
        item_svc = self.model.services[coll_node.service.item] if coll_node.service.item \
            else coll_node.service
        type_name = coll_node.type or "action"
        path = f"{coll_node.path}/{obj['id']}"
        cacheable = not follow and extra is None and not (coll_node.view and coll_node.view.generate)
        ckey = (req.prefix, req.fmt, coll_node.path)
        store_key = (coll_node.coll or "", str(obj["id"]))
        if cacheable:
            entry = self.store.cache.get(store_key)
            if entry is not None and entry.get("_obj") is obj and ckey in entry:
                return entry[ckey]
        data = obj
        if follow:
            data = self.expand(req, Node("entity", item_svc, path, coll=coll_node.coll,
                                         id=str(obj["id"]), type=type_name, parent=coll_node,
                                         obj=obj, view=coll_node.view), follow)
        if extra:
            data = {**data, **extra}
        actions, links = self.entity_decor(item_svc, type_name)
        codec = self.codec(req.prefix)
        href = f"{req.prefix}/{path}"
        if req.fmt == "json":
            out: Any = C.dumps(codec.json_struct(type_name, data, href, actions, links))
        else:
            parts: list[str] = []
            codec.xml_struct(parts, C.element_name(type_name), type_name, data, href, actions, links)
            out = "".join(parts)
        if cacheable:
            entry = self.store.cache.get(store_key)
            if entry is None or entry.get("_obj") is not obj:
                entry = self.store.cache[store_key] = {"_obj": obj}
            entry[ckey] = out
        return out

    def render_list(self, req: Request, node: Node, items: list[dict],
                    follow: list[list[str]] | None) -> Reply:
        type_name = node.type or "action"
        rendered = [self.render_item(req, node, o, follow, self.item_extra(req, node, o))
                    for o in items]
        if req.fmt == "json":
            if not rendered:
                return self.reply(req, 200, "{}")
            return self.reply(req, 200, '{"' + C.element_name(type_name) + '":['
                              + ",".join(rendered) + "]}")
        tag = C.plural(type_name)
        if not rendered:
            return self.reply(req, 200, f"<{tag}/>")
        return self.reply(req, 200, f"<{tag}>" + "".join(rendered) + f"</{tag}>")

    def reply(self, req: Request, status: int, body: str | None,
              headers: dict[str, str] | None = None) -> Reply:
        ctype = "application/json" if req.fmt == "json" else "application/xml"
        if req.fmt != "json" and body is not None:
            body = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body
        return Reply(status, body, ctype if body is not None else None, headers or {})

    def render_struct(self, req: Request, type_name: str, data: dict, tag: str | None = None) -> str:
        codec = self.codec(req.prefix)
        if req.fmt == "json":
            return C.dumps(codec.json_struct(type_name, data))
        parts: list[str] = []
        codec.xml_struct(parts, tag or type_name, type_name, data)
        return "".join(parts)

    def fault_reply(self, req: Request, fault: Fault) -> Reply:
        if fault.status == 404 and fault.reason is None or fault.status == 405:
            return Reply(fault.status)
        data: dict = {}
        if fault.reason is not None:
            data["reason"] = fault.reason
        if fault.detail is not None:
            data["detail"] = fault.detail
        if fault.in_action:
            body = self.render_struct(req, "action", {"fault": data, "status": "failed"})
        else:
            body = self.render_struct(req, "fault", data)
        return self.reply(req, fault.status, body)

    # ----- follow ------------------------------------------------------------------------
    def expand(self, req: Request, node: Node, follow: list[list[str]]) -> dict:
        """A copy of an entity's data with followed links replaced by full objects."""
        obj = node.obj or {}
        data = dict(obj)
        members = self.model.members(node.type or "")
        by_key = {n.replace("_", ""): m for n, m in members.items()}
        groups: dict[str, list[list[str]]] = {}
        for path in follow:
            if path:
                groups.setdefault(path[0].replace("_", "").lower(), []).append(path[1:])
        for first, rests in groups.items():
            m = by_key.get(first)
            if m is None or not m.is_link:
                continue
            rests = [r for r in rests if r]
            if m.is_list:
                seg = m.name.replace("_", "")
                if seg not in node.service.sub:
                    continue
                child = self.step(node, seg, False)
                item_svc = self.model.services[child.service.item] if child.service.item \
                    else child.service
                full = []
                for it in self.collection_items(child):
                    en = Node("entity", item_svc, f"{child.path}/{it['id']}", coll=child.coll,
                              id=str(it["id"]), type=child.type, parent=child, obj=it)
                    d = self.expand(req, en, rests) if rests else dict(it)
                    d["_href"] = en.path
                    full.append(d)
                data[m.name] = full
            else:
                ref = obj.get(m.name)
                seg = self.model.top_collection.get(m.base)
                if not isinstance(ref, dict) or not seg or "id" not in ref:
                    continue
                target = self.store.get(seg, str(ref["id"]))
                if target is None:
                    continue
                top = self.step(self.root_node(), seg, False)
                item_svc = self.model.services[top.service.item or top.service.name]
                en = Node("entity", item_svc, f"{seg}/{target['id']}", coll=seg,
                          id=str(target["id"]), type=m.base, parent=top, obj=target)
                d = self.expand(req, en, rests) if rests else dict(target)
                d["_href"] = en.path
                data[m.name] = d
        return data

    # ----- request handling --------------------------------------------------------------
    def handle(self, req: Request) -> Reply:
        """Dispatch one API request; faults become engine fault replies."""
        with self.lock:
            try:
                return self._handle(req)
            except Fault as f:
                return self.fault_reply(req, f)

    def _handle(self, req: Request) -> Reply:
        node = self.resolve(req.segments)
        m = req.method
        if node.kind == "root":
            if m in ("GET", "HEAD"):
                return self.root_reply(req)
            raise MethodNotAllowed()
        if node.kind == "action":
            if m != "POST":
                raise MethodNotAllowed()
            return self.do_action(req, node)
        svc = node.service
        if m in ("GET", "HEAD"):
            if node.kind == "collection" and "list" in svc.methods:
                return self.do_list(req, node)
            if node.kind == "entity" and "get" in svc.methods:
                return self.do_get(req, node)
            raise MethodNotAllowed()
        if not self.is_admin(req.user) and not self.user_may_write(req, node):
            raise Fault(403, "Operation Failed", "[User is not authorized to perform this action.]")
        if m == "POST" and "add" in svc.methods and node.kind in ("collection", "singleton"):
            return self.do_add(req, node)
        if m == "PUT" and "update" in svc.methods and node.kind in ("entity", "singleton"):
            return self.do_update(req, node)
        if m == "DELETE" and "remove" in svc.methods and node.kind == "entity":
            return self.do_remove(req, node)
        raise MethodNotAllowed()

    def user_may_write(self, req: Request, node: Node) -> bool:
        """Non-admin users may only act on objects they hold permissions on."""
        ids = self.visible_ids(req.user)
        if ids is None:
            return True
        n: Node | None = node
        while n is not None:
            if n.kind == "entity" and n.id in ids:
                return True
            n = n.parent
        return False

    def follow_param(self, req: Request) -> list[list[str]] | None:
        raw = req.query.get("follow")
        if not raw:
            return None
        return [p.strip().split(".") for p in raw.split(",") if p.strip()]

    def int_param(self, req: Request, name: str) -> int | None:
        raw = req.query.get(name)
        if raw is None or raw == "":
            return None
        try:
            return int(raw)
        except ValueError:
            raise Fault(400, "Invalid value", f'Value "{raw}" isn\'t a valid integer') from None

    def do_list(self, req: Request, node: Node) -> Reply:
        plain = (node.view is None and node.coll == node.path and not req.filter
                 and not any(req.query.get(k) for k in ("search", "max", "follow", "from")))
        if plain:
            # A whole unfiltered top-level listing is served from one cached body until the
            # collection changes: listing 10,000 VMs then costs little more than the send.
            key = (node.coll or "", req.prefix, req.fmt)
            version = self.store.versions.get(node.coll or "", 0)
            hit = self._list_cache.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
            reply = self._do_list(req, node)
            if isinstance(reply.body, str):
                reply.body = reply.body.encode()
            self._list_cache[key] = (version, reply)
            return reply
        return self._do_list(req, node)

    def _do_list(self, req: Request, node: Node) -> Reply:
        items = self.collection_items(node)
        if self.filtered(req, node):
            ids = self.visible_ids(req.user)
            items = [o for o in items if self.visible(node, o, ids)]
        if node.coll == "events" and req.query.get("from"):
            start = self.int_param(req, "from") or 0
            items = [e for e in items if int(e["id"]) > start]
        maximum = self.int_param(req, "max")
        text = req.query.get("search")
        params = node.service.methods["list"].params
        if text and text.strip() and "search" in params:
            from . import search

            try:
                q = search.parse(text)
                items = search.apply(
                    q, items, lambda o, f: self.field_values(node, o, f),
                    case_sensitive=C.parse_query_bool(req.query.get("case_sensitive"))
                    if "case_sensitive" in req.query else False,
                    max_results=maximum, ordered_values=SEVERITY_ORDER,
                )
            except search.SearchError as e:
                raise Fault(400, "Operation Failed", str(e)) from None
        elif maximum is not None and maximum >= 0:
            items = items[:maximum]
        return self.render_list(req, node, items, self.follow_param(req))

    def do_get(self, req: Request, node: Node) -> Reply:
        assert node.parent is not None and node.obj is not None
        if self.filtered(req, node.parent):
            if not self.visible(node, node.obj, self.visible_ids(req.user)):
                raise NotFound()
        extra = self.item_extra(req, node.parent, node.obj)
        body = self.render_item(req, node.parent, node.obj, self.follow_param(req), extra)
        return self.reply(req, 200, body)

    def parse_body(self, req: Request, type_name: str) -> dict:
        codec = self.codec(req.prefix)
        if not req.body.strip():
            return {}
        if req.input_fmt == "json":
            import json

            try:
                raw = json.loads(req.body)
            except ValueError:
                raise Fault(400, "Request syntactically incorrect.", None) from None
            return codec.from_json(raw, type_name)
        elem = codec.parse_xml_body(req.body)
        return codec.from_xml(elem, type_name)

    def parse_action(self, req: Request, method: Method) -> dict:
        codec = self.codec(req.prefix)
        if not req.body.strip():
            return {}
        if req.input_fmt == "json":
            import json

            try:
                raw = json.loads(req.body)
            except ValueError:
                raise Fault(400, "Request syntactically incorrect.", None) from None
            if not isinstance(raw, dict):
                raise Fault(400, "Request syntactically incorrect.", None)
            out = {}
            members = self.model.members("action")
            for k, v in raw.items():
                p = method.params.get(k)
                t = p["type"] if p else (members[k].type if k in members else None)
                if t is None or v is None:
                    continue
                out[k] = codec._from_json_value(k, t, v)
            return out
        elem = codec.parse_xml_body(req.body)
        out = {}
        members = self.model.members("action")
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            p = method.params.get(child.tag)
            t = p["type"] if p else (members[child.tag].type if child.tag in members else None)
            if t is None:
                continue
            out[child.tag] = codec._from_xml_value(child, t)
        return out

    def do_add(self, req: Request, node: Node) -> Reply:
        type_name = node.type or ""
        data = self.parse_body(req, type_name)
        obj = self.add_object(req, node, data)
        if node.kind == "singleton":
            return self.reply(req, 200, self.render_struct(req, type_name, obj,
                                                           C.element_name(type_name)))
        body = self.render_item(req, node, obj)
        base = f"{req.headers.get('host', '127.0.0.1')}"
        scheme = req.headers.get("x-sim-scheme", "http")
        loc = f"{scheme}://{base}{req.prefix}/{node.path}/{obj['id']}"
        status = 201
        return self.reply(req, status, body, {"Location": loc})

    def do_update(self, req: Request, node: Node) -> Reply:
        assert node.obj is not None and node.parent is not None
        data = self.parse_body(req, node.type or "")
        obj = self.update_object(req, node, data)
        return self.reply(req, 200, self.render_item(req, node.parent, obj))

    def do_remove(self, req: Request, node: Node) -> Reply:
        job = self.remove_object(req, node)
        data: dict = {"status": "complete"}
        if job:
            data["job"] = {"id": job}
        if C.parse_query_bool(req.query.get("async")) if "async" in req.query else False:
            return Reply(202)
        return self.reply(req, 200, self.render_struct(req, "action", data))

    def do_action(self, req: Request, node: Node) -> Reply:
        assert node.action is not None
        params = self.parse_action(req, node.action)
        handler = self.action_handler(node)
        if handler is None:
            raise Fault(501, "Not Implemented",
                        f"The action '{node.action.name}' of '{node.service.name}' is not "
                        "simulated by ovirt-sim.", in_action=False)
        try:
            result = handler(req, node, params)
        except Fault as f:
            if f.status in (400, 403, 409) and f.reason == "Operation Failed":
                f.in_action = True
            raise
        if isinstance(result, Reply):
            return result
        out = dict(params)
        out.update(result or {})
        out.setdefault("status", "complete")
        return self.reply(req, 200, self.render_struct(req, "action", out))

    # ----- jobs and events ---------------------------------------------------------------
    def start_job(self, req: Request | None, description: str) -> str:
        jid = self.new_id()
        now = self.now()
        job = {"id": jid, "description": description, "status": "started", "start_time": now,
               "last_updated": now, "external": False, "auto_cleared": True,
               "_correlation_id": req.correlation_id if req else None}
        if req is not None:
            job["owner"] = {"id": req.user["id"]}
        self.store.put("jobs", "job", job)
        return jid

    def end_job(self, jid: str, status: str = "finished") -> None:
        now = self.now()
        self.update_obj("jobs", jid, status=status, end_time=now, last_updated=now)

    def event(self, code: int, severity: str, description: str, req: Request | None = None,
              **refs: str | None) -> None:
        n = self.store.next_counter("event")
        ev: dict = {"id": str(n), "code": code, "severity": severity,
                    "description": description, "time": self.now(), "origin": "oVirt",
                    "custom_id": -1, "flood_rate": 30}
        if req is not None:
            ev["correlation_id"] = req.correlation_id
            ev["user"] = {"id": req.user["id"]}
        for key, oid in refs.items():
            if oid:
                ev[key] = {"id": oid}
        self.store.put("events", "event", ev)

    # ----- root --------------------------------------------------------------------------
    def summary(self) -> dict:
        vms = self.store.items("vms")
        hosts = self.store.items("hosts")
        sds = self.store.items("storagedomains")
        return {
            "hosts": {"active": sum(1 for h in hosts if h.get("status") == "up"),
                      "total": len(hosts)},
            "storage_domains": {"active": sum(1 for s in sds if "active" in
                                              (s.get("_dc_status") or {}).values()),
                                "total": len(sds)},
            "users": {"active": len({t[0] for t in self.tokens.values()}),
                      "total": self.store.count("users")},
            "vms": {"active": sum(1 for v in vms if v.get("status") not in ("down", "suspended")),
                    "total": len(vms)},
        }

    def root_reply(self, req: Request) -> Reply:
        root = self.model.services[self.model.root]
        links: list[tuple[str, str]] = []
        for seg in root.sub:
            links.append((seg, f"{req.prefix}/{seg}"))
            if seg in SEARCHABLE:
                if seg == "events":
                    links.append((f"{seg}/search", f"{req.prefix}/{seg};from={{event_id}}?search={{query}}"))
                else:
                    links.append((f"{seg}/search", f"{req.prefix}/{seg}?search={{query}}"))
        admin = self.is_admin(req.user)
        data: dict = {
            "product_info": {
                "instance_id": self.instance_id, "name": "oVirt Engine", "vendor": "ovirt.org",
                "version": {"build": 6, "full_version": "4.6.0-1.sim", "major": 4, "minor": 6,
                            "revision": 0},
            },
            "special_objects": {"blank_template": {"id": ZERO}, "root_tag": {"id": ZERO}},
            "time": self.now(),
            "authenticated_user": {"id": req.user["id"]},
            "effective_user": {"id": req.user["id"]},
        }
        if admin:
            data["summary"] = self.summary()
        codec = self.codec(req.prefix)
        link_header = ", ".join(f"<{req.headers.get('x-sim-origin', '')}{h}>; rel={r}"
                                for r, h in sorted(links) if not r.endswith("/search"))
        if req.fmt == "json":
            body = codec.json_struct("api", data)
            body = {"link": [{"href": h, "rel": r} for r, h in links], **body}
            return self.reply(req, 200, C.dumps(body), {"Link": link_header})
        parts = ["<api>"]
        parts.extend(f'<link href="{C.esc(h)}" rel="{C.esc(r)}"/>' for r, h in links)
        members = self.model.members("api")
        for name, m in members.items():
            if data.get(name) is not None:
                codec._xml_value(parts, name, m.type, data[name])
        parts.append("</api>")
        return self.reply(req, 200, "".join(parts), {"Link": link_header})

    # ----- search fields -----------------------------------------------------------------
    def ref_name(self, ref: dict | None, type_name: str) -> str | None:
        if not ref or "id" not in ref:
            return None
        seg = self.model.top_collection.get(type_name)
        target = self.store.get(seg, str(ref["id"])) if seg else None
        return (target or {}).get("name")

    def field_values(self, node: Node, obj: dict, fname: str) -> list | None:
        """Values of a search field for one item; None if the collection lacks the field."""
        f = fname.lower()
        type_name = node.type or ""
        members = self.model.members(type_name)
        coll = node.coll or ""
        if "." in f:
            head, rest = f.split(".", 1)
            return self.cross_values(node, obj, head, rest)
        special = self.search_special(coll, obj, f)
        if special is not None:
            return special
        m = members.get(f)
        if m is None:
            alias = {"creationdate": "creation_time", "usrname": "user_name",
                     "firstname": "name", "lastname": "last_name", "alias": "name",
                     "message": "description", "correlation_id": "_correlation_id"}.get(f)
            if alias and (alias in members or alias.startswith("_")):
                v = obj.get(alias)
                return [self._search_scalar(v)] if v is not None else []
            return None
        v = obj.get(m.name)
        if v is None:
            return []
        if m.is_link and isinstance(v, dict):
            name = self.ref_name(v, m.base)
            return [name] if name else []
        if isinstance(v, list):
            if v and isinstance(v[0], dict):
                return [self.ref_name(i, m.base) or i.get("name") for i in v]
            return v
        if isinstance(v, dict):
            return [v.get("name") or v.get("type") or ""]
        if m.type == "date":
            return [self._search_scalar(v)]
        return [v]

    @staticmethod
    def _search_scalar(v: object) -> object:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 10**11:
            return datetime.fromtimestamp(v / 1000).astimezone().isoformat()
        return v

    def cross_values(self, node: Node, obj: dict, head: str, rest: str) -> list | None:
        head_norm = head.rstrip("s") if head not in ("os",) else head
        members = self.model.members(node.type or "")
        key = {"datacenter": "data_center", "storage": "storage_domain"}.get(head_norm, head_norm)
        if key in members and members[key].is_link and not members[key].is_list:
            seg = self.model.top_collection.get(members[key].base)
            ref = obj.get(key)
            if not seg or not isinstance(ref, dict):
                return []
            target = self.store.get(seg, str(ref.get("id")))
            if target is None:
                return []
            v = target.get(rest)
            return [v] if v is not None and not isinstance(v, (dict, list)) else []
        if head in ("vms", "vm") and node.coll == "hosts":
            return [v.get(rest) for v in self.store.items("vms")
                    if (v.get("host") or {}).get("id") == obj.get("id") and v.get(rest) is not None]
        return None

    def search_special(self, coll: str, obj: dict, f: str) -> list | None:
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
                cl = self.store.get("clusters", (obj.get("cluster") or {}).get("id", ""))
                return [self.ref_name((cl or {}).get("data_center"), "data_center")]
            if f == "tag":
                return [t.get("name") for t in self.store.items(f"{coll}/{obj['id']}/tags")]
            if f in ("ip", "fqdn"):
                return [obj.get("fqdn")] if f == "fqdn" else []
            if f in ("cpu_usage", "mem_usage", "uptime"):
                return [0]
            if f == "architecture":
                return [(obj.get("cpu") or {}).get("architecture")]
            if f in ("pool", "apps", "loggedinuser"):
                return []
        if coll == "hosts":
            if f in ("datacenter", "data_center"):
                cl = self.store.get("clusters", (obj.get("cluster") or {}).get("id", ""))
                return [self.ref_name((cl or {}).get("data_center"), "data_center")]
            if f == "tag":
                return [t.get("name") for t in self.store.items(f"hosts/{obj['id']}/tags")]
        if coll == "events" and f == "type":
            return [obj.get("code")]
        if coll == "disks" and f == "size":
            return [int(obj.get("provisioned_size", 0)) // (1024**3)]
        if coll == "storagedomains" and f in ("datacenter", "data_center"):
            return [self.ref_name(r, "data_center") for r in obj.get("data_centers", [])]
        if coll == "storagedomains" and f == "status":
            return list((obj.get("_dc_status") or {}).values()) or [obj.get("status")]
        return None


CORRELATION_RE = re.compile(r"[^0-9A-Za-z_-]")


def clean_correlation(raw: str | None) -> str:
    """Keep only [0-9A-Za-z_-], at most 36 characters; generate one if empty."""
    if raw:
        cleaned = CORRELATION_RE.sub("", raw)[:36]
        if cleaned:
            return cleaned
    return str(uuid.uuid4())
