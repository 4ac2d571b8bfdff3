"""The handler registry: domain behaviour registered per (type, operation) or per
(service, action), and the sub-collections that show objects stored elsewhere.

Domain modules decorate plain functions; the dispatch path looks them up. A type without
handlers gets plain storage, an action without one a 501 fault — never a silent success.

```python
from ..core import registry as on

@on.before("add", "vm")            # validate and complete the document before it is stored
def vm_defaults(ctx: Context, node: Node, data: dict) -> None: ...

@on.after("remove", "host")        # follow-up work once the change is stored
def host_removed(ctx: Context, node: Node) -> None: ...

@on.action("vm", "start")          # POST /vms/{id}/start; returns extra reply fields
def start(ctx: Context, node: Node, params: dict) -> dict: ...
```
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[..., Any]
OPERATIONS = ("add", "update", "remove")


@dataclass
class View:
    """A sub-collection showing objects stored elsewhere (``/datacenters/x/clusters``).

    ``source`` is the collection the objects live in; ``key`` the reference that ties them to
    the parent (a list of references when ``many``), or ``match(ctx, parent, obj)`` decides;
    ``generate(ctx, node)`` computes the items instead (statistics, consoles). ``attach`` and
    ``detach`` make POST and DELETE link and unlink instead of creating and removing.
    """

    source: str | None
    key: str | None = None
    many: bool = False
    match: Handler | None = None
    generate: Handler | None = None
    attach: Handler | None = None
    detach: Handler | None = None


@dataclass
class Registry:
    """Every registered handler, keyed as the dispatch path looks them up."""

    before: dict[tuple[str, str], list[Handler]] = field(default_factory=dict)
    after: dict[tuple[str, str], list[Handler]] = field(default_factory=dict)
    actions: dict[tuple[str, str], Handler] = field(default_factory=dict)
    adders: dict[str, Handler] = field(default_factory=dict)
    views: dict[tuple[str, str], View] = field(default_factory=dict)
    extras: dict[str, list[Handler]] = field(default_factory=dict)
    startup: list[Handler] = field(default_factory=list)

    def hooks(self, phase: str, operation: str, type_name: str) -> list[Handler]:
        """The ``before``/``after`` handlers of an operation on a type, in registration order."""
        table = self.before if phase == "before" else self.after
        return table.get((operation, type_name), [])

    def action(self, service: str, name: str) -> Handler | None:
        """The simulated implementation of an action, or None (answered with 501)."""
        return self.actions.get((service, name))


HANDLERS = Registry()


def _check(operation: str) -> None:
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; expected one of {OPERATIONS}")


def before(operation: str, type_name: str) -> Callable[[Handler], Handler]:
    """Run ``fn(ctx, node, data)`` (add, update) or ``fn(ctx, node)`` (remove) before the
    store changes; raising a ``Fault`` refuses the operation."""
    _check(operation)

    def register(fn: Handler) -> Handler:
        HANDLERS.before.setdefault((operation, type_name), []).append(fn)
        return fn

    return register


def after(operation: str, type_name: str) -> Callable[[Handler], Handler]:
    """Run ``fn(ctx, node, data)`` (add, update: the stored document) or ``fn(ctx, node)``
    (remove) after the store changed, in the same transaction."""
    _check(operation)

    def register(fn: Handler) -> Handler:
        HANDLERS.after.setdefault((operation, type_name), []).append(fn)
        return fn

    return register


def action(service: str, name: str) -> Callable[[Handler], Handler]:
    """Implement an action: ``fn(ctx, node, params) -> dict | Reply | None``.

    ``service`` is the model's service name in snake case without ``Service`` (``vm``,
    ``vm_nic``, ``attached_storage_domain``); ``name`` the action (``start``). The returned
    dict adds fields to the ``<action>`` reply."""

    def register(fn: Handler) -> Handler:
        key = (service, name)
        if key in HANDLERS.actions:
            raise ValueError(f"action {service}/{name} is registered twice")
        HANDLERS.actions[key] = fn
        return fn

    return register


def add_into(locator: str) -> Callable[[Handler], Handler]:
    """Handle POST into the sub-collection ``locator`` of any entity (``tags``) as
    ``fn(ctx, node, data) -> stored document`` instead of creating a new object."""

    def register(fn: Handler) -> Handler:
        HANDLERS.adders[locator] = fn
        return fn

    return register


def view(parent_service: str, link: str, view: View) -> None:
    """Serve ``/<parent>/{id}/<link>`` from objects stored elsewhere (see ``View``)."""
    HANDLERS.views[(parent_service, link)] = view


def generated(parent_service: str, link: str) -> Callable[[Handler], Handler]:
    """Serve a sub-collection computed by ``fn(ctx, node) -> list[dict]``."""

    def register(fn: Handler) -> Handler:
        view(parent_service, link, View(None, generate=fn))
        return fn

    return register


def extra(type_name: str) -> Callable[[Handler], Handler]:
    """Add per-request fields that are not stored: ``fn(ctx, coll_node, obj) -> dict | None``."""

    def register(fn: Handler) -> Handler:
        HANDLERS.extras.setdefault(type_name, []).append(fn)
        return fn

    return register


def on_startup(fn: Handler) -> Handler:
    """Run ``fn(ctx)`` when an existing data file is opened (settle half-done transitions)."""
    HANDLERS.startup.append(fn)
    return fn
