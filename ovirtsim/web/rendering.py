"""Rendering replies: entities, lists, structs and faults as XML or JSON, with followed
links inlined and the registered per-request extras added."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.context import Context
from ..core.errors import Fault
from ..core.model import ApiModel, Service
from ..core.registry import HANDLERS
from . import codec as C
from .protocol import Reply, Request
from .routing import Node, collection_items, entity_node, step

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# A whole listing is kept as chunks of about CHUNK items whose ends are chosen by the items'
# ids (an item whose id hashes to 0 modulo CHUNK ends one; at most 4 * CHUNK items each), so
# that adding, changing or removing one item changes one chunk and leaves the others as they
# are: the first listing after a change re-renders that chunk, not the whole body. The
# chunks are also sent as they are, one ASGI message each, which asyncio writes faster than
# one body of tens of megabytes.
CHUNK = 256
MAX_WHOLE = 32  # whole listings kept (collection, prefix, format, query)
NEUTRAL = ("correlation_id", "accept")  # query parameters that never change a listing


@dataclass
class WholeListing:
    """The body of one whole top-level collection in one format, as chunks of items."""

    version: int
    # chunks by the ids of their items' documents: the documents are held in ``objs`` so
    # that no id() is reused while the key exists
    chunks: dict[tuple[int, ...], tuple[tuple[dict, ...], bytes]] = field(default_factory=dict)
    body: list[bytes] = field(default_factory=list)


class Renderer:
    """Turns stored data into reply bodies; keeps the codecs and link lists per service."""

    def __init__(self, model: ApiModel) -> None:
        self.model = model
        self.codecs: dict[str, C.Codec] = {}
        self._link_cache: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        self.whole: dict[tuple, WholeListing] = {}

    def codec(self, prefix: str) -> C.Codec:
        c = self.codecs.get(prefix)
        if c is None:
            c = self.codecs[prefix] = C.Codec(self.model, prefix)
        return c

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

    def item(self, ctx: Context, coll_node: Node, obj: dict,
             follow: list[list[str]] | None = None, extra: dict | None = None) -> Any:
        """XML string or JSON text of one item of a collection node (cached when plain)."""
        req = _req(ctx)
        store = ctx.store
        item_svc = self.model.services[coll_node.service.item] if coll_node.service.item \
            else coll_node.service
        type_name = coll_node.type or "action"
        path = f"{coll_node.path}/{obj['id']}"
        cacheable = not follow and extra is None and not (coll_node.view and coll_node.view.generate)
        ckey = (req.prefix, req.fmt, coll_node.path)
        store_key = (coll_node.coll or "", str(obj["id"]))
        if cacheable:
            entry = store.cache.get(store_key)
            if entry is not None and entry.get("_obj") is obj and ckey in entry:
                return entry[ckey]
        data = obj
        if follow:
            data = self.expand(ctx, Node("entity", item_svc, path, coll=coll_node.coll,
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
            entry = store.cache.get(store_key)
            if entry is None or entry.get("_obj") is not obj:
                entry = store.cache[store_key] = {"_obj": obj}
            entry[ckey] = out
        return out

    def listing(self, ctx: Context, node: Node, items: list[dict],
                follow: list[list[str]] | None) -> Reply:
        req = _req(ctx)
        type_name = node.type or "action"
        rendered = [self.item(ctx, node, o, follow, item_extra(ctx, node, o)) for o in items]
        if req.fmt == "json":
            if not rendered:
                return reply(req, 200, "{}")
            return reply(req, 200, '{"' + C.element_name(type_name) + '":['
                         + ",".join(rendered) + "]}")
        tag = C.plural(type_name)
        if not rendered:
            return reply(req, 200, f"<{tag}/>")
        return reply(req, 200, f"<{tag}>" + "".join(rendered) + f"</{tag}>")

    def whole_listing(self, ctx: Context, node: Node, version: int,
                      items: Callable[[], list[dict]]) -> Reply | None:
        """A whole, unfiltered top-level listing from its cached chunks (``version`` is the
        collection's); None when an item has per-request fields and nothing may be kept."""
        req = _req(ctx)
        # per-request fields (extras) may depend on the query: each query keeps its own body
        query = tuple(sorted((k, v) for k, v in req.query.items() if k not in NEUTRAL))
        key = (node.coll or "", req.prefix, req.fmt, query)
        old = self.whole.get(key)
        if old is not None and old.version == version:
            return Reply(200, old.body, _ctype(req))
        objs = items()
        if any(item_extra(ctx, node, o) is not None for o in objs):
            return None
        json = req.fmt == "json"
        previous = old.chunks if old is not None else {}
        new = WholeListing(version)
        parts: list[bytes] = []
        start = 0
        n = len(objs)
        for i, obj in enumerate(objs):
            if i + 1 < n and i + 1 - start < 4 * CHUNK and \
                    zlib.crc32(str(obj["id"]).encode()) % CHUNK:
                continue
            group = tuple(objs[start:i + 1])
            start = i + 1
            ckey = tuple(map(id, group))
            got = previous.get(ckey)
            if got is None:
                text = ("," if json else "").join(self.item(ctx, node, o) for o in group)
                got = (group, text.encode())
            new.chunks[ckey] = got
            if json and parts:
                parts.append(b",")
            parts.append(got[1])
        type_name = node.type or "action"
        if json:
            name = C.element_name(type_name)
            head, tail = ('{"' + name + '":[', "]}") if parts else ("{}", "")
        else:
            tag = C.plural(type_name)
            head = XML_DECLARATION + (f"<{tag}>" if parts else f"<{tag}/>")
            tail = f"</{tag}>" if parts else ""
        new.body = [head.encode(), *parts, tail.encode()]
        self.whole.pop(key, None)
        while len(self.whole) >= MAX_WHOLE:
            del self.whole[next(iter(self.whole))]  # the least recently rebuilt
        self.whole[key] = new
        return Reply(200, new.body, _ctype(req))

    def struct(self, req: Request, type_name: str, data: dict, tag: str | None = None) -> str:
        codec = self.codec(req.prefix)
        if req.fmt == "json":
            return C.dumps(codec.json_struct(type_name, data))
        parts: list[str] = []
        codec.xml_struct(parts, tag or type_name, type_name, data)
        return "".join(parts)

    def fault(self, req: Request, fault: Fault) -> Reply:
        """The engine's fault reply (empty bodies for plain 404 and 405)."""
        if fault.status == 404 and fault.reason is None or fault.status == 405:
            return Reply(fault.status)
        data: dict = {}
        if fault.reason is not None:
            data["reason"] = fault.reason
        if fault.detail is not None:
            data["detail"] = fault.detail
        if fault.in_action:
            body = self.struct(req, "action", {"fault": data, "status": "failed"})
        else:
            body = self.struct(req, "fault", data)
        return reply(req, fault.status, body)

    def expand(self, ctx: Context, node: Node, follow: list[list[str]]) -> dict:
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
                child = step(ctx, node, seg, False)
                item_svc = self.model.services[child.service.item] if child.service.item \
                    else child.service
                full = []
                for it in collection_items(ctx, child):
                    en = Node("entity", item_svc, f"{child.path}/{it['id']}", coll=child.coll,
                              id=str(it["id"]), type=child.type, parent=child, obj=it)
                    d = self.expand(ctx, en, rests) if rests else dict(it)
                    d["_href"] = en.path
                    full.append(d)
                data[m.name] = full
            else:
                ref = obj.get(m.name)
                seg = self.model.top_collection.get(m.base)
                if not isinstance(ref, dict) or not seg or "id" not in ref:
                    continue
                target = ctx.store.get(seg, str(ref["id"]))
                if target is None:
                    continue
                en = entity_node(ctx, seg, m.base, target)
                d = self.expand(ctx, en, rests) if rests else dict(target)
                d["_href"] = en.path
                data[m.name] = d
        return data


def item_extra(ctx: Context, coll_node: Node, obj: dict) -> dict | None:
    """Per-request fields that are not stored, from the registered extras of the type."""
    out: dict | None = None
    for fn in HANDLERS.extras.get(coll_node.type or "", []):
        got = fn(ctx, coll_node, obj)
        if got:
            out = {**(out or {}), **got}
    return out


def reply(req: Request, status: int, body: str | None,
          headers: dict[str, str] | None = None) -> Reply:
    """A reply in the request's format (XML gets its declaration)."""
    if req.fmt != "json" and body is not None:
        body = XML_DECLARATION + body
    return Reply(status, body, _ctype(req) if body is not None else None, headers or {})


def _ctype(req: Request) -> str:
    return "application/json" if req.fmt == "json" else "application/xml"


def _req(ctx: Context) -> Request:
    assert ctx.req is not None, "rendering needs a request"
    return ctx.req
