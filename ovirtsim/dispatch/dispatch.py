"""The one path every API request takes: resolve the URL, ask the authorization gate,
read and validate the input, run the operation (generic storage around the registered
handlers), and map faults to the engine's fault replies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.context import Context
from ..core.errors import Fault, MethodNotAllowed
from ..core.registry import HANDLERS
from ..web import codec as C
from ..web.parsing import parse_action, parse_body
from ..web.protocol import Reply, Request
from ..web.rendering import item_extra, reply
from ..web.routing import Node, collection_items, resolve
from . import gate, search
from .operations import add_object, remove_object, update_object
from .root import root_reply
from .search_fields import SEVERITY_ORDER, field_values

if TYPE_CHECKING:
    from ..engine import Engine


def handle(eng: Engine, req: Request) -> Reply:
    """Dispatch one authenticated API request; faults become engine fault replies."""
    with eng.lock:
        ctx = eng.context(req)
        try:
            with eng.store.batch():  # all or nothing, also across a crash
                return _handle(eng, ctx, req)
        except Fault as f:
            return eng.renderer.fault(req, f)


def _handle(eng: Engine, ctx: Context, req: Request) -> Reply:
    node = resolve(ctx, req.segments)
    m = req.method
    if node.kind == "root":
        if m in ("GET", "HEAD"):
            return root_reply(eng, ctx)
        raise MethodNotAllowed()
    if node.kind == "action":
        if m != "POST":
            raise MethodNotAllowed()
        gate.authorize(ctx, node, "action")
        return do_action(eng, ctx, node)
    svc = node.service
    if m in ("GET", "HEAD"):
        if node.kind == "collection" and "list" in svc.methods:
            gate.authorize(ctx, node, "list")
            return do_list(eng, ctx, node)
        if node.kind == "entity" and "get" in svc.methods:
            gate.authorize(ctx, node, "get")
            return do_get(eng, ctx, node)
        raise MethodNotAllowed()
    if m == "POST" and "add" in svc.methods and node.kind in ("collection", "singleton"):
        return do_add(eng, ctx, node)
    if m == "PUT" and "update" in svc.methods and node.kind in ("entity", "singleton"):
        gate.authorize(ctx, node, "update")
        return do_update(eng, ctx, node)
    if m == "DELETE" and "remove" in svc.methods and node.kind == "entity":
        gate.authorize(ctx, node, "remove")
        return do_remove(eng, ctx, node)
    raise MethodNotAllowed()


def follow_param(req: Request) -> list[list[str]] | None:
    raw = req.query.get("follow")
    if not raw:
        return None
    return [p.strip().split(".") for p in raw.split(",") if p.strip()]


def int_param(req: Request, name: str) -> int | None:
    raw = req.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise Fault(400, "Invalid value", f'Value "{raw}" isn\'t a valid integer') from None


def do_list(eng: Engine, ctx: Context, node: Node) -> Reply:
    req = _req(ctx)
    plain = (node.view is None and node.coll == node.path and not req.filter
             and not any(req.query.get(k) for k in ("search", "max", "follow", "from")))
    if plain:
        # A whole unfiltered top-level listing is kept rendered (in chunks) until the
        # collection changes, and then only what changed is rendered again.
        may_read = gate.readable(ctx, node)
        out = eng.renderer.whole_listing(
            ctx, node, eng.store.versions.get(node.coll or "", 0),
            lambda: [o for o in collection_items(ctx, node) if may_read(o)])
        if out is not None:
            return out
    return _do_list(eng, ctx, node)


def _do_list(eng: Engine, ctx: Context, node: Node) -> Reply:
    req = _req(ctx)
    may_read = gate.readable(ctx, node)
    items = [o for o in collection_items(ctx, node) if may_read(o)]
    if node.coll == "events" and req.query.get("from"):
        start = int_param(req, "from") or 0
        items = [e for e in items if int(e["id"]) > start]
    maximum = int_param(req, "max")
    text = req.query.get("search")
    params = node.service.methods["list"].params
    if text and text.strip() and "search" in params:
        try:
            q = search.parse(text)
            items = search.apply(
                q, items, lambda o, f: field_values(ctx, node, o, f),
                case_sensitive=C.parse_query_bool(req.query.get("case_sensitive"))
                if "case_sensitive" in req.query else False,
                max_results=maximum, ordered_values=SEVERITY_ORDER,
            )
        except search.SearchError as e:
            raise Fault(400, "Operation Failed", str(e)) from None
    elif maximum is not None and maximum >= 0:
        items = items[:maximum]
    return eng.renderer.listing(ctx, node, items, follow_param(req))


def do_get(eng: Engine, ctx: Context, node: Node) -> Reply:
    assert node.parent is not None and node.obj is not None
    req = _req(ctx)
    extra = item_extra(ctx, node.parent, node.obj)
    body = eng.renderer.item(ctx, node.parent, node.obj, follow_param(req), extra)
    return reply(req, 200, body)


def do_add(eng: Engine, ctx: Context, node: Node) -> Reply:
    req = _req(ctx)
    type_name = node.type or ""
    data = parse_body(eng.renderer.codec(req.prefix), req, type_name)
    gate.authorize(ctx, node, "add", data)
    obj = add_object(ctx, node, data)
    if node.kind == "singleton":
        return reply(req, 200, eng.renderer.struct(req, type_name, obj,
                                                   C.element_name(type_name)))
    body = eng.renderer.item(ctx, node, obj)
    base = f"{req.headers.get('host', '127.0.0.1')}"
    scheme = req.headers.get("x-sim-scheme", "http")
    loc = f"{scheme}://{base}{req.prefix}/{node.path}/{obj['id']}"
    return reply(req, 201, body, {"Location": loc})


def do_update(eng: Engine, ctx: Context, node: Node) -> Reply:
    assert node.obj is not None and node.parent is not None
    req = _req(ctx)
    data = parse_body(eng.renderer.codec(req.prefix), req, node.type or "")
    obj = update_object(ctx, node, data)
    return reply(req, 200, eng.renderer.item(ctx, node.parent, obj))


def do_remove(eng: Engine, ctx: Context, node: Node) -> Reply:
    req = _req(ctx)
    job = remove_object(ctx, node)
    data: dict = {"status": "complete"}
    if job:
        data["job"] = {"id": job}
    if C.parse_query_bool(req.query.get("async")) if "async" in req.query else False:
        return Reply(202)
    return reply(req, 200, eng.renderer.struct(req, "action", data))


def do_action(eng: Engine, ctx: Context, node: Node) -> Reply:
    assert node.action is not None
    req = _req(ctx)
    params = parse_action(eng.renderer.codec(req.prefix), ctx.model, req, node.action)
    handler = HANDLERS.action(node.service.name, node.action.name)
    if handler is None:
        raise Fault(501, "Not Implemented",
                    f"The action '{node.action.name}' of '{node.service.name}' is not "
                    "simulated by ovirt-sim.", in_action=False)
    try:
        result = handler(ctx, node, params)
    except Fault as f:
        if f.status in (400, 403, 409) and f.reason == "Operation Failed":
            f.in_action = True
        raise
    if isinstance(result, Reply):
        return result
    out = dict(params)
    out.update(result or {})
    out.setdefault("status", "complete")
    return reply(req, 200, eng.renderer.struct(req, "action", out))


def _req(ctx: Context) -> Request:
    assert ctx.req is not None
    return ctx.req
