"""Jobs and events: what every operation records (the engine's audit trail)."""

from __future__ import annotations

from collections.abc import Callable

from .context import Context

Step = tuple[float, Callable[[], None]]


def start_job(ctx: Context, description: str) -> str:
    """Record a started job owned by the request's user; returns its id."""
    jid = ctx.new_id()
    now = ctx.now()
    req = ctx.req
    job = {"id": jid, "description": description, "status": "started", "start_time": now,
           "last_updated": now, "external": False, "auto_cleared": True,
           "_correlation_id": req.correlation_id if req else None}
    if req is not None:
        job["owner"] = {"id": req.user["id"]}
    ctx.store.put("jobs", "job", job)
    return jid


def end_job(ctx: Context, jid: str, status: str = "finished") -> None:
    now = ctx.now()
    ctx.store.update("jobs", jid, status=status, end_time=now, last_updated=now)


def scheduled_job(ctx: Context, description: str, key: str, steps: list[Step]) -> dict:
    """A job whose work the scheduler does in `steps` (delays in engine seconds) under `key`;
    it ends with the last step. A newer sequence under the same key (a stop during a start)
    drops the rest, and the job stays started, as the engine leaves it. Returns the reply."""
    job = start_job(ctx, description)
    *before, (delay, last) = steps

    def finish() -> None:
        last()
        end_job(ctx, job)

    ctx.scheduler.sequence(key, [*before, (delay, finish)])
    return {"job": {"id": job}}


def finished_job(ctx: Context, description: str) -> dict:
    """A job the request did at once (stop, reset): recorded started and ended. The reply."""
    job = start_job(ctx, description)
    end_job(ctx, job)
    return {"job": {"id": job}}


def event(ctx: Context, code: int, severity: str, description: str,
          **refs: str | None) -> None:
    """Record an audit event; attributed to the request's user when ``ctx`` has a request
    (pass ``ctx.background()`` for what the engine does on its own)."""
    n = ctx.store.next_counter("event")
    ev: dict = {"id": str(n), "code": code, "severity": severity,
                "description": description, "time": ctx.now(), "origin": "oVirt",
                "custom_id": -1, "flood_rate": 30}
    if ctx.req is not None:
        ev["correlation_id"] = ctx.req.correlation_id
        ev["user"] = {"id": ctx.req.user["id"]}
    for key, oid in refs.items():
        if oid:
            ev[key] = {"id": oid}
    ctx.store.put("events", "event", ev)


def user_label(ctx: Context) -> str:
    """How messages name the acting user (``SYSTEM`` for the engine itself)."""
    if ctx.req is None:
        return "SYSTEM"
    return str(ctx.req.user.get("user_name", "admin@internal-authz"))
