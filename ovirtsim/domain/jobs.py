"""The job and event services: external jobs, ending and clearing them, added events."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.journal import end_job
from ..web.routing import Node


@on.before("add", "job")
def external_job(ctx: Context, node: Node, data: dict) -> None:
    assert ctx.req is not None
    now = ctx.now()
    data.update(status="started", start_time=now, last_updated=now, external=True,
                owner={"id": ctx.req.user["id"]}, _correlation_id=ctx.req.correlation_id)
    data.setdefault("auto_cleared", True)


@on.action("job", "end")
def end(ctx: Context, node: Node, params: dict) -> dict:
    ok = params.get("succeeded", True)
    end_job(ctx, str(node.id), "finished" if ok else "failed")
    return {}


@on.action("job", "clear")
def clear(ctx: Context, node: Node, params: dict) -> dict:
    ctx.store.delete("jobs", str(node.id))
    return {}


@on.before("add", "event")
def added_event(ctx: Context, node: Node, data: dict) -> None:
    data["id"] = str(ctx.store.next_counter("event"))
    data.setdefault("time", ctx.now())
    data.setdefault("code", 0)
