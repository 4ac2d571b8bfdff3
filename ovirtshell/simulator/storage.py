"""Storage domains: add, attach to / detach from data centers, activate and deactivate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import NotFound, camel, conflict, incomplete
from .seed import GiB

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class StorageDomains:
    """Mixed into ``Simulator``: storage domain hooks and actions."""

    def pre_add_storage_domain(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.pop("host", None)
        data.update(status="unattached", available=500 * GiB, used=0, committed=0,
                    external_status="ok", master=False)
        data.setdefault("storage_format", "v5")

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
