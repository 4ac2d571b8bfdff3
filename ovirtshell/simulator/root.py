"""The API root (``/ovirt-engine/api``): product info, links and the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import codec as C
from .protocol import Reply
from .seed import ZERO

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


SEARCHABLE = frozenset(
    "clusters datacenters events hosts networks storagedomains templates instancetypes users "
    "groups vmpools vms disks jobs externalhostproviders openstackimageproviders "
    "openstackvolumeproviders openstacknetworkproviders".split()
)


class Root:
    """Mixed into ``Simulator``: the root reply and the system service's actions."""

    def summary(self: Simulator) -> dict:
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

    def root_reply(self: Simulator, req: Request) -> Reply:
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

    def act_system_reload_configurations(self: Simulator, req: Request, node: Node,
                                         params: dict) -> dict:
        return {}
