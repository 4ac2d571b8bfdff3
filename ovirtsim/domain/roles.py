"""Roles and their permits: custom roles name engine permits; predefined ones come seeded."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.permits import BY_NAME, PERMITS, permit_doc
from ..core.seed import ROLES, seed_permits
from ..web.routing import Node


def _permit_ids(data: list | None, administrative: bool) -> list[int]:
    out = []
    for ref in data or []:
        raw = (ref or {}).get("id") or ""
        pid = int(raw) if str(raw).isdigit() else BY_NAME.get(str((ref or {}).get("name", "")))
        if pid is None or pid not in PERMITS:
            raise Fault(400, "Invalid value", f"Permit {raw or ref.get('name')} does not exist")
        if PERMITS[pid][1] and not administrative:
            raise Fault(400, "Operation Failed", "[Cannot add Role. A user role cannot contain "
                        f"the administrative permit {PERMITS[pid][0]}.]")
        out.append(pid)
    return out


@on.before("add", "role")
def role_permits(ctx: Context, node: Node, data: dict) -> None:
    ids = _permit_ids(data.pop("permits", None), bool(data.get("administrative")))
    if not ids:
        raise Fault(400, "Incomplete parameters", "Role [permits] required for add")
    data.setdefault("administrative", False)
    data["mutable"] = True
    data["_permits"] = ids


@on.after("add", "role")
def store_permits(ctx: Context, node: Node, data: dict) -> None:
    for pid in data.pop("_permits", []):
        ctx.store.put(f"roles/{data['id']}/permits", "permit", permit_doc(pid, data["id"]))
    ctx.store.update("roles", data["id"], _permits=None)


@on.before("add", "permit")
def add_permit(ctx: Context, node: Node, data: dict) -> None:
    parent = node.parent_entity()
    role = (parent.obj if parent else None) or {}
    if not role.get("mutable"):
        raise conflict("update", "Role", "Predefined roles cannot be changed.")
    pid = _permit_ids([data], bool(role.get("administrative")))[0]
    data.clear()
    data.update(permit_doc(pid, role["id"]))


@on.before("remove", "role")
def role_removable(ctx: Context, node: Node) -> None:
    if not (node.obj or {}).get("mutable"):
        raise conflict("remove", "Role", "Predefined roles cannot be removed.")
    if any((p.get("role") or {}).get("id") == node.id for p in ctx.store.items("permissions")):
        raise conflict("remove", "Role", "The role is in use by permissions.")


@on.on_startup
def predefined_permits(ctx: Context) -> None:
    """Data files from before permits were stored get the predefined roles' permits."""
    for name, rid, _admin, _desc in ROLES:
        if ctx.store.get("roles", rid) is not None and not ctx.store.count(f"roles/{rid}/permits"):
            seed_permits(ctx.store, name, rid)
