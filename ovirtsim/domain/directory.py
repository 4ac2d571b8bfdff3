"""Users and groups come from a directory: adding one looks it up there, as the engine does.

The simulator's only directory is ``internal-authz``; it knows the users of the seed and
has no groups, so a group can never be found (the engine's fault, not a silent success).
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault
from ..web.routing import Node


def _domain(ctx: Context, data: dict, principal: str) -> dict | None:
    ref = data.get("domain") or {}
    if ref.get("id"):
        return ctx.store.get("domains", str(ref["id"]))
    name = ref.get("name") or (principal.rsplit("@", 1)[1] if "@" in principal else None)
    return ctx.store.find_by_name("domains", str(name)) if name else None


@on.before("add", "user")
def user_from_directory(ctx: Context, node: Node, data: dict) -> None:
    name = str(data.get("user_name") or "")
    domain = _domain(ctx, data, name)
    dname = (data.get("domain") or {}).get("name") or (domain or {}).get("name") or ""
    principal = name.rsplit("@", 1)[0]
    known = ctx.store.meta_get("passwords") or {}
    if domain is None or principal not in known:
        raise Fault(400, "Operation Failed", f"No such user: {name} in domain {dname}")
    data["domain"] = {"id": domain["id"]}


@on.before("add", "group")
def group_from_directory(ctx: Context, node: Node, data: dict) -> None:
    name = str(data.get("name") or "")
    domain = _domain(ctx, data, name)
    dname = (data.get("domain") or {}).get("name") or (domain or {}).get("name") or ""
    raise Fault(400, "Operation Failed", f"No such group: {name} in domain {dname}")
