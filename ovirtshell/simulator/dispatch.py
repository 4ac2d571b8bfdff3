"""Request handling: an API request dispatched to list / get / add / update / remove /
action, and faults turned into fault replies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import codec as C
from .errors import Fault, MethodNotAllowed, NotFound
from .protocol import Reply
from .search_fields import SEVERITY_ORDER

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Dispatch:
    """Mixed into ``Simulator``: HTTP method and node kind to operation."""

    def handle(self: Simulator, req: Request) -> Reply:
        """Dispatch one API request; faults become engine fault replies."""
        with self.lock:
            try:
                return self._handle(req)
            except Fault as f:
                return self.fault_reply(req, f)

    def _handle(self: Simulator, req: Request) -> Reply:
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

    def follow_param(self: Simulator, req: Request) -> list[list[str]] | None:
        raw = req.query.get("follow")
        if not raw:
            return None
        return [p.strip().split(".") for p in raw.split(",") if p.strip()]

    def int_param(self: Simulator, req: Request, name: str) -> int | None:
        raw = req.query.get(name)
        if raw is None or raw == "":
            return None
        try:
            return int(raw)
        except ValueError:
            raise Fault(400, "Invalid value", f'Value "{raw}" isn\'t a valid integer') from None

    def do_list(self: Simulator, req: Request, node: Node) -> Reply:
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

    def _do_list(self: Simulator, req: Request, node: Node) -> Reply:
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

    def do_get(self: Simulator, req: Request, node: Node) -> Reply:
        assert node.parent is not None and node.obj is not None
        if self.filtered(req, node.parent):
            if not self.visible(node, node.obj, self.visible_ids(req.user)):
                raise NotFound()
        extra = self.item_extra(req, node.parent, node.obj)
        body = self.render_item(req, node.parent, node.obj, self.follow_param(req), extra)
        return self.reply(req, 200, body)

    def do_add(self: Simulator, req: Request, node: Node) -> Reply:
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

    def do_update(self: Simulator, req: Request, node: Node) -> Reply:
        assert node.obj is not None and node.parent is not None
        data = self.parse_body(req, node.type or "")
        obj = self.update_object(req, node, data)
        return self.reply(req, 200, self.render_item(req, node.parent, obj))

    def do_remove(self: Simulator, req: Request, node: Node) -> Reply:
        job = self.remove_object(req, node)
        data: dict = {"status": "complete"}
        if job:
            data["job"] = {"id": job}
        if C.parse_query_bool(req.query.get("async")) if "async" in req.query else False:
            return Reply(202)
        return self.reply(req, 200, self.render_struct(req, "action", data))

    def do_action(self: Simulator, req: Request, node: Node) -> Reply:
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
