"""References between objects: names resolved to ids, ids checked, ids shown as names."""

from __future__ import annotations

import re

from ..core.context import Context
from ..core.errors import Fault, camel

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
UUID_COLLS = frozenset({"vms", "clusters", "hosts", "templates", "storagedomains", "datacenters",
                        "vnicprofiles", "networks", "disks", "roles", "users", "tags"})


# Links that name the object an operation creates, not an existing one.
NEW_OBJECTS = frozenset({("external_template_import", "template"),
                         ("external_vm_import", "vm")})


def resolve_refs(ctx: Context, type_name: str, data: dict, depth: int = 0) -> None:
    """Turn references given by name into ids; check ids exist (engine faults)."""
    if depth > 3:
        return
    model = ctx.model
    for name, m in model.members(type_name).items():
        val = data.get(name)
        if val is None or (type_name, name) in NEW_OBJECTS:
            continue
        if m.is_link:
            seg = model.top_collection.get(m.base)
            refs = val if isinstance(val, list) else [val]
            for r in refs:
                if isinstance(r, dict) and seg:
                    _resolve_ref(ctx, m.base, seg, r)
        elif model.kind(m.base) == "struct":
            for item in (val if isinstance(val, list) else [val]):
                if isinstance(item, dict):
                    resolve_refs(ctx, m.base, item, depth + 1)


def _resolve_ref(ctx: Context, type_name: str, seg: str, ref: dict) -> None:
    oid = ref.get("id")
    label = camel(type_name)
    if oid:
        if seg in UUID_COLLS and not UUID_RE.match(str(oid)):
            raise Fault(400, "Operation failed", f"Invalid UUID string: {oid}")
        if seg in UUID_COLLS and ctx.store.get(seg, str(oid)) is None:
            raise Fault(404, "Operation Failed", f"Entity not found: {label}: id={oid}")
        return
    name = ref.get("name")
    inline = set(ref) - {"name", "href"}  # more than a reference: a new inline object
    if name and not inline and seg in UUID_COLLS | {"vnicprofiles"}:
        found = ctx.store.find_by_name(seg, str(name))
        if found is None:
            raise Fault(404, "Operation Failed", f"Entity not found: {label}: name={name}")
        ref["id"] = found["id"]


def ref_name(ctx: Context, ref: dict | None, type_name: str) -> str | None:
    """The name of a referenced object (None when it is gone or has none)."""
    if not ref or "id" not in ref:
        return None
    seg = ctx.model.top_collection.get(type_name)
    target = ctx.store.get(seg, str(ref["id"])) if seg else None
    return (target or {}).get("name")
