"""Template versions: a template added with ``version.base_template`` becomes the next
sub-version of that base; a VM with ``use_latest_template_version`` is created from, and
follows, the latest version of its template's base.

(This module is loaded after ``templates`` and before ``vms``, so it sees a template's base
version set and changes a VM's template before the VM copies it.)
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import conflict
from ..web.routing import Node


def versions_of(ctx: Context, base_id: str) -> list[dict]:
    """The templates of one lineage, base first, by version number."""
    out = [t for t in ctx.store.items("templates")
           if ((t.get("version") or {}).get("base_template") or {}).get("id") == base_id]
    return sorted(out, key=lambda t: int((t.get("version") or {}).get("version_number") or 1))


@on.before("add", "template")
def sub_version(ctx: Context, node: Node, data: dict) -> None:
    version = data.pop("_asked_version", None) or {}
    base_ref = version.get("base_template") or {}
    if not base_ref.get("id") and not base_ref.get("name"):
        return
    base = ctx.store.get("templates", str(base_ref.get("id"))) if base_ref.get("id") else \
        ctx.store.find_by_name("templates", str(base_ref.get("name")))
    if base is None:
        raise conflict("add", "Template", "The base template does not exist.")
    base_id = ((base.get("version") or {}).get("base_template") or {}).get("id") or base["id"]
    if base_id != base["id"]:
        raise conflict("add", "Template", "A sub-version must name the base template.")
    lineage = versions_of(ctx, base_id)
    number = max(int((t.get("version") or {}).get("version_number") or 1)
                 for t in lineage) + 1
    data["name"] = base["name"]
    data["version"] = {"version_number": number, "base_template": {"id": base_id},
                       "version_name": version.get("version_name") or f"v{number}"}


@on.before("add", "vm")
def latest_version(ctx: Context, node: Node, data: dict) -> None:
    if not data.get("use_latest_template_version"):
        return
    tpl = ctx.store.get("templates", str((data.get("template") or {}).get("id"))) or {}
    base_id = ((tpl.get("version") or {}).get("base_template") or {}).get("id") or tpl.get("id")
    lineage = versions_of(ctx, str(base_id))
    if lineage:
        data["template"] = {"id": lineage[-1]["id"]}
