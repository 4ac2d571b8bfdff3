"""Domain behaviour: one module per area, each a set of plain functions registered with
``core.registry`` (``@on.before("add", "vm")``, ``@on.action("vm", "start")``).

Every module of this package is imported by ``load()``, so a new module is picked up
without being listed anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load() -> None:
    """Import every domain module once (registering its handlers)."""
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True
