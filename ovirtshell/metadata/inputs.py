"""The API model's input details: which inputs each method reads, which of them are mandatory.

Real engines do not serve this (their model.json has names and types only), so the statement
the oVirt 4.6 model sources make (`@InputDetail`) ships as package data and is used for every
4.x engine. It is a hint: it marks what is required and orders the help and the completion,
and paths the engine's model lacks are ignored. It never removes an option the model allows.

A path starts with the method's parameter name (`vm.cluster.id`, `pause`); `[]` marks a list
element (`role.permits[].id`). A group is one path or several alternatives (`or`), any one
of which satisfies it. A method with signatures (disk `on_storage_domain` / `lun`) is
complete when the base groups and the groups of one signature are satisfied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DETAILS = Path(__file__).resolve().parent / "data" / "input-details.json"

Group = tuple[str, ...]  # alternative paths


@dataclass(frozen=True)
class Signature:
    """One complete input shape of a method: `name` is "" for a method without signatures."""

    name: str
    mandatory: tuple[Group, ...]
    optional: tuple[Group, ...]


@lru_cache(maxsize=1)
def _details() -> dict[str, Any]:
    try:
        return json.loads(DETAILS.read_bytes())
    except (OSError, ValueError):  # a broken installation loses hints, not commands
        return {}


def signatures(service: str | None, method: str) -> tuple[Signature, ...]:
    """The input shapes of a service method (empty when the details say nothing about it)."""
    entry = _details().get(service or "", {}).get(method)
    if not isinstance(entry, dict):
        return ()
    base_mandatory = _groups(entry.get("mandatory"))
    base_optional = _groups(entry.get("optional"))
    shapes = entry.get("signatures") or {}
    if not shapes:
        return (Signature("", base_mandatory, base_optional),)
    return tuple(
        Signature(name, base_mandatory + _groups(shape.get("mandatory")), base_optional + _groups(shape.get("optional")))
        for name, shape in shapes.items()
        if isinstance(shape, dict)
    )


def _groups(raw: Any) -> tuple[Group, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(tuple(str(p) for p in group) for group in raw if isinstance(group, list) and group)


def describe(signature: str) -> str:
    """A signature's name as words for help: "on_storage_domain" -> "on storage domain"
    (the sources' unnamed "signature1" is "otherwise")."""
    if signature.startswith("signature") and signature[len("signature"):].isdigit():
        return "otherwise"
    return signature.replace("_", " ")


def borrowed(shapes: tuple[Signature, ...], prefix: str, others: tuple[Signature, ...], other_param: str) -> tuple[Signature, ...]:
    """Shapes with another method's inputs added as optional under `prefix` (the inline new disk
    of a disk attachment documents what adding a disk reads)."""
    extra: list[Group] = []
    for other in others:
        for group in (*other.mandatory, *other.optional):
            moved = tuple(prefix + p[len(other_param):] for p in group if p.startswith(other_param))
            if moved and moved not in extra:
                extra.append(moved)
    if not shapes:
        return (Signature("", (), tuple(extra)),)
    return tuple(Signature(s.name, s.mandatory, s.optional + tuple(g for g in extra if g not in s.optional)) for s in shapes)
