"""Users and groups come from a directory: adding one looks it up there, as the engine does.

The seed's directory is ``internal-authz``; it knows the users of the seed and has no
groups. ``/sim/directory`` stands for the directory's own tools (``ovirt-aaa-jdbc-tool
user add``, an LDAP server behind a configured ``*-authz`` profile): it adds users, groups
and directories, which the API can then add; anything else is the engine's fault, never a
silent success.
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
    listed = _entries(ctx, dname, "users")
    if domain is None or (principal not in known or dname != "internal-authz") and \
            principal not in listed:
        raise Fault(400, "Operation Failed", f"No such user: {name} in domain {dname}")
    data["domain"] = {"id": domain["id"]}
    # what the directory tells about the user (as for the seed's users)
    data.update(principal=principal, namespace="*", domain_entry_id=principal.encode().hex())
    for key, value in (("name", principal), ("last_name", ""), ("department", "")):
        data.setdefault(key, value)


@on.before("add", "group")
def group_from_directory(ctx: Context, node: Node, data: dict) -> None:
    name = str(data.get("name") or "")
    domain = _domain(ctx, data, name)
    dname = (data.get("domain") or {}).get("name") or (domain or {}).get("name") or ""
    if domain is None or name.rsplit("@", 1)[0] not in _entries(ctx, dname, "groups"):
        raise Fault(400, "Operation Failed", f"No such group: {name} in domain {dname}")
    data["domain"] = {"id": domain["id"]}


def _entries(ctx: Context, domain: str, kind: str) -> list[str]:
    directory = ctx.store.meta_get("directory") or {}
    return list(((directory.get(domain) or {}).get(kind)) or [])


@on.control("directory")
def directory_control(ctx: Context, method: str, rest: list[str], body: dict
                      ) -> tuple[int, dict]:
    """``GET /sim/directory``: the entries added; ``POST /sim/directory/users`` or
    ``/groups`` with ``{"name": N, "domain": D}`` (default ``internal-authz``): add one to
    directory D, which becomes an authz domain of the engine (``/domains``) if it is new."""
    directory = dict(ctx.store.meta_get("directory") or {})
    if method == "GET" and not rest:
        return 200, directory
    if method != "POST" or rest not in (["users"], ["groups"]):
        return 404, {"error": "GET /sim/directory, POST /sim/directory/users|groups"}
    name, dname = body.get("name"), body.get("domain") or "internal-authz"
    if not isinstance(name, str) or not name or not isinstance(dname, str) or \
            set(body) - {"name", "domain"}:
        return 400, {"error": "expected {\"name\": ..., \"domain\": ...}"}
    if ctx.store.find_by_name("domains", dname) is None:
        ctx.store.put("domains", "domain", {"id": ctx.new_id(), "name": dname})
    entry = dict(directory.get(dname) or {})
    entry[rest[0]] = sorted(set(entry.get(rest[0]) or []) | {name})
    directory[dname] = entry
    ctx.store.meta_set("directory", directory)
    return 201, {"name": name, "domain": dname}
