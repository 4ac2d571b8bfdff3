"""Users and groups come from a directory: adding one looks it up there, as the engine does.

A directory is an authz domain's ``domains/{id}/users`` and ``domains/{id}/groups`` (the
seed fills ``internal-authz``). Adding a user or group copies the directory's entry; a name
the directory lacks is the engine's fault, never a silent success. ``/sim/directory``
stands for the directory's own tools (``ovirt-aaa-jdbc-tool user add``, an LDAP server
behind a configured ``*-authz`` profile): it adds entries, and new directories.
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault
from ..core.seed import directory_group, directory_user
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


@on.control("directory")
def directory_control(ctx: Context, method: str, rest: list[str], body: dict
                      ) -> tuple[int, dict]:
    """``GET /sim/directory``: every directory's user and group names; ``POST
    /sim/directory/users`` or ``/groups`` with ``{"name": N, "domain": D}`` (default
    ``internal-authz``; a group may list ``"members"``, user names): add one to directory D,
    which becomes an authz domain of the engine (``/domains``) if it is new."""
    if method == "GET" and not rest:
        return 200, {d["name"]: {kind: [e["name"] for e in
                                        ctx.store.items(f"domains/{d['id']}/{kind}")]
                                 for kind in ("users", "groups")}
                     for d in ctx.store.items("domains")}
    if method != "POST" or rest not in (["users"], ["groups"]):
        return 404, {"error": "GET /sim/directory, POST /sim/directory/users|groups"}
    name, dname = body.get("name"), body.get("domain") or "internal-authz"
    members = body.get("members", [])
    if not isinstance(name, str) or not name or not isinstance(dname, str) or \
            not isinstance(members, list) or not all(isinstance(m, str) for m in members) or \
            set(body) - {"name", "domain", "members"} or (members and rest != ["groups"]):
        return 400, {"error": "expected {\"name\": ..., \"domain\": ...} (and for a group "
                              "\"members\": [user names])"}
    domain = ctx.store.find_by_name("domains", dname) or ctx.store.put(
        "domains", "domain", {"id": dname.encode().hex(), "name": dname})
    kind = rest[0]
    entry = _entry(ctx, domain, kind, name) or (
        directory_user(name, dname) if kind == "users" else directory_group(name, dname))
    if members:
        entry = {**entry, "_members": sorted(set(entry.get("_members") or []) | set(members))}
    ctx.store.put(f"domains/{domain['id']}/{kind}", kind[:-1], entry)
    return 201, {"name": name, "domain": dname}
