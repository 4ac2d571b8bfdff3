"""Rendering replies: entities, lists, structs and faults as XML or JSON, with
followed links inlined."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import codec as C
from .errors import Fault
from .model import Service
from .protocol import Reply
from .routing import Node
from .rules import RUNNING

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request


class Rendering:
    """Mixed into ``Simulator``: turn stored data into reply bodies."""

    def entity_decor(self: Simulator, svc: Service, type_name: str) -> tuple[list[str], list[str]]:
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

    def render_item(self: Simulator, req: Request, coll_node: Node, obj: dict,
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

    def render_list(self: Simulator, req: Request, node: Node, items: list[dict],
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

    def reply(self: Simulator, req: Request, status: int, body: str | None,
              headers: dict[str, str] | None = None) -> Reply:
        ctype = "application/json" if req.fmt == "json" else "application/xml"
        if req.fmt != "json" and body is not None:
            body = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body
        return Reply(status, body, ctype if body is not None else None, headers or {})

    def render_struct(self: Simulator, req: Request, type_name: str, data: dict, tag: str | None = None) -> str:
        codec = self.codec(req.prefix)
        if req.fmt == "json":
            return C.dumps(codec.json_struct(type_name, data))
        parts: list[str] = []
        codec.xml_struct(parts, tag or type_name, type_name, data)
        return "".join(parts)

    def fault_reply(self: Simulator, req: Request, fault: Fault) -> Reply:
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

    def expand(self: Simulator, req: Request, node: Node, follow: list[list[str]]) -> dict:
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
