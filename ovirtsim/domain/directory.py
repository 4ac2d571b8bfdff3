"""Users and groups come from a directory: adding one looks it up there, as the engine does.

The simulator's only directory is ``internal-authz``; its entries are the sub-collections
``domains/{id}/users`` and ``domains/{id}/groups`` (filled by the seed). Adding a user or
group copies the directory's entry; a name the directory lacks is the engine's fault.
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


def _entry(ctx: Context, domain: dict | None, kind: str, name: str) -> dict | None:
    if domain is None:
        return None
    return next((e for e in ctx.store.items(f"domains/{domain['id']}/{kind}")
                 if e.get("name") == name or e.get("principal") == name), None)


def _copy_entry(data: dict, entry: dict) -> None:
    keep = {k: v for k, v in data.items() if k in ("id", "href")}
    data.clear()
    data.update({k: v for k, v in entry.items() if not k.startswith("_")}, **keep)


@on.before("add", "user")
def user_from_directory(ctx: Context, node: Node, data: dict) -> None:
    name = str(data.get("user_name") or data.get("principal") or "")
    domain = _domain(ctx, data, name)
    dname = (data.get("domain") or {}).get("name") or (domain or {}).get("name") or ""
    entry = _entry(ctx, domain, "users", name.rsplit("@", 1)[0])
    if entry is None:
        raise Fault(400, "Operation Failed", f"No such user: {name} in domain {dname}")
    _copy_entry(data, entry)


@on.before("add", "group")
def group_from_directory(ctx: Context, node: Node, data: dict) -> None:
    name = str(data.get("name") or "")
    domain = _domain(ctx, data, name)
    dname = (data.get("domain") or {}).get("name") or (domain or {}).get("name") or ""
    entry = _entry(ctx, domain, "groups", name.rsplit("@", 1)[0])
    if entry is None:
        raise Fault(400, "Operation Failed", f"No such group: {name} in domain {dname}")
    _copy_entry(data, entry)
