"""Jobs and events: what each operation records, and the job and event services."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class Jobs:
    """Mixed into ``Simulator``: start and end jobs, record events."""

    def start_job(self: Simulator, req: Request | None, description: str) -> str:
        jid = self.new_id()
        now = self.now()
        job = {"id": jid, "description": description, "status": "started", "start_time": now,
               "last_updated": now, "external": False, "auto_cleared": True,
               "_correlation_id": req.correlation_id if req else None}
        if req is not None:
            job["owner"] = {"id": req.user["id"]}
        self.store.put("jobs", "job", job)
        return jid

    def end_job(self: Simulator, jid: str, status: str = "finished") -> None:
        now = self.now()
        self.update_obj("jobs", jid, status=status, end_time=now, last_updated=now)

    def event(self: Simulator, code: int, severity: str, description: str, req: Request | None = None,
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

    def user_label(self: Simulator, req: Request | None) -> str:
        if req is None:
            return "SYSTEM"
        return str(req.user.get("user_name", "admin@internal-authz"))

    def pre_add_job(self: Simulator, req: Request, node: Node, data: dict) -> None:
        now = self.now()
        data.update(status="started", start_time=now, last_updated=now, external=True,
                    owner={"id": req.user["id"]}, _correlation_id=req.correlation_id)
        data.setdefault("auto_cleared", True)

    def act_job_end(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        ok = params.get("succeeded", True)
        self.end_job(str(node.id), "finished" if ok else "failed")
        return {}

    def act_job_clear(self: Simulator, req: Request, node: Node, params: dict) -> dict:
        self.store.delete("jobs", str(node.id))
        return {}

    def pre_add_event(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data["id"] = str(self.store.next_counter("event"))
        data.setdefault("time", self.now())
        data.setdefault("code", 0)
