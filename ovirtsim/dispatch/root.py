"""The API root (``/ovirt-engine/api``): product info, links and the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.context import Context
from ..core.seed import ZERO
from ..web import codec as C
from ..web.protocol import Reply
from ..web.rendering import reply
from .gate import is_admin

if TYPE_CHECKING:
    from ..engine import Engine

SEARCHABLE = frozenset(
    "clusters datacenters events hosts networks storagedomains templates instancetypes users "
    "groups vmpools vms disks jobs externalhostproviders openstackimageproviders "
    "openstackvolumeproviders openstacknetworkproviders".split()
)


def summary(eng: Engine) -> dict:
    store = eng.store
    vms = store.items("vms")
    hosts = store.items("hosts")
    sds = store.items("storagedomains")
    return {
        "hosts": {"active": sum(1 for h in hosts if h.get("status") == "up"),
                  "total": len(hosts)},
        "storage_domains": {"active": sum(1 for s in sds if "active" in
                                          (s.get("_dc_status") or {}).values()),
                            "total": len(sds)},
        "users": {"active": len({t[0] for t in eng.tokens.values()}),
                  "total": store.count("users")},
        "vms": {"active": sum(1 for v in vms if v.get("status") not in ("down", "suspended")),
                "total": len(vms)},
    }


def root_reply(eng: Engine, ctx: Context) -> Reply:
    req = ctx.req
    assert req is not None
    model = ctx.model
    root = model.services[model.root]
    links: list[tuple[str, str]] = []
    for seg in root.sub:
        links.append((seg, f"{req.prefix}/{seg}"))
        if seg in SEARCHABLE:
            if seg == "events":
                links.append((f"{seg}/search", f"{req.prefix}/{seg};from={{event_id}}?search={{query}}"))
            else:
                links.append((f"{seg}/search", f"{req.prefix}/{seg}?search={{query}}"))
    data: dict = {
        "product_info": {
            "instance_id": eng.instance_id, "name": "oVirt Engine", "vendor": "ovirt.org",
            "version": {"build": 6, "full_version": "4.6.0-1.sim", "major": 4, "minor": 6,
                        "revision": 0},
        },
        "special_objects": {"blank_template": {"id": ZERO}, "root_tag": {"id": ZERO}},
        "time": ctx.now(),
        "authenticated_user": {"id": req.user["id"]},
        "effective_user": {"id": req.user["id"]},
    }
    if is_admin(ctx.store, req.user):
        data["summary"] = summary(eng)
    codec = eng.renderer.codec(req.prefix)
    link_header = ", ".join(f"<{req.headers.get('x-sim-origin', '')}{h}>; rel={r}"
                            for r, h in sorted(links) if not r.endswith("/search"))
    if req.fmt == "json":
        body = codec.json_struct("api", data)
        body = {"link": [{"href": h, "rel": r} for r, h in links], **body}
        return reply(req, 200, C.dumps(body), {"Link": link_header})
    parts = ["<api>"]
    parts.extend(f'<link href="{C.esc(h)}" rel="{C.esc(r)}"/>' for r, h in links)
    for name, m in model.members("api").items():
        if data.get(name) is not None:
            codec._xml_value(parts, name, m.type, data[name])
    parts.append("</api>")
    return reply(req, 200, "".join(parts), {"Link": link_header})
