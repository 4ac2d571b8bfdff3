"""The audit trail's administration: dismissed events and their undelete, and ending the
external steps of external jobs.

The engine never purges an event on DELETE /events/{id} (RemoveAuditLogByIdCommand): its
DeleteAuditLog only sets ``deleted``, listings and searches skip such rows, and GET by id
still finds them. POST /events/undelete runs DisplayAllAuditLogAlerts in API 4.x, which
clears ``deleted`` on *alerts* only, so dismissed plain events stay hidden — as on the engine.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault
from ..web.routing import Node

ALERT = "alert"


def dismissed(event: dict) -> bool:
    """Whether an event was dismissed (the audit_log ``deleted`` column)."""
    return bool(event.get("_deleted"))


@on.after("remove", "event")
def dismiss(ctx: Context, node: Node) -> None:
    """DELETE marks the event deleted instead of purging it: it is stored back, hidden."""
    ctx.store.put("events", "event", {**(node.obj or {}), "_deleted": True})


@on.action("events", "undelete")
def undelete(ctx: Context, node: Node, params: dict) -> dict:
    """DisplayAllAuditLogAlerts: every dismissed alert shows again."""
    for ev in ctx.store.items("events"):
        if dismissed(ev) and ev.get("severity") == ALERT:
            ctx.store.update("events", ev["id"], _deleted=None)
    return {}


@on.before("add", "step")
def external_step(ctx: Context, node: Node, data: dict) -> None:
    """AddExternalStep: a step posted to a job is external and started, owned by that job."""
    job = node.parent_entity()
    now = ctx.now()
    data.update(external=True, status="started", start_time=now,
                job={"id": job.id if job else None})


@on.action("step", "end")
def end_step(ctx: Context, node: Node, params: dict) -> dict:
    """EndExternalStepCommand: only an external step ends, finished or failed (``succeeded``,
    default true); its job goes on. The refusal carries the engine's text as it is sent:
    validate() names neither action nor type for a non-external step, so the placeholders
    stay unresolved in the message."""
    step = node.obj or {}
    if not step.get("external"):
        raise Fault(409, "Operation Failed", "[Cannot ${action} ${type}. External steps can "
                    "be added only to external jobs or steps.]")
    now = ctx.now()
    ok = params.get("succeeded", True)
    ctx.store.update(node.coll or "", str(node.id), status="finished" if ok else "failed",
                     end_time=now)
    job = node.ancestor("job")
    if job is not None:
        ctx.store.update("jobs", str(job.id), last_updated=now)
    return {}
