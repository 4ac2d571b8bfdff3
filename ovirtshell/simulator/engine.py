"""The simulated engine: state, helpers and the composition of its parts.

Routing (``routing.py``), rendering, request handling (``dispatch.py``), generic CRUD
(``crud.py``) and per-type rules (``behaviour.py`` and its domain modules) are mixins of
``Simulator``; this module knows nothing about VMs.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from typing import Any

from . import codec as C
from .behaviour import Behaviour
from .crud import Crud
from .dispatch import Dispatch
from .model import ApiModel, load_model
from .parsing import Parsing
from .permissions import Permissions
from .protocol import Reply
from .references import References
from .rendering import Rendering
from .root import Root
from .routing import Routing, build_views
from .scheduler import Scheduler
from .search_fields import SearchFields
from .seed import NAMESPACE, Seeder
from .store import Store

log = logging.getLogger("ovirtsim")


class Simulator(Routing, Permissions, Rendering, Parsing, Dispatch, Root, SearchFields,
                References, Crud, Behaviour):
    """State and request handling of one simulated engine."""

    def __init__(
        self,
        data: str | None = None,
        seed: str = "demo",
        admin_password: str = "ovirt",
        time_scale: float = 1.0,
        token_ttl: float | None = None,
    ) -> None:
        self.model: ApiModel = load_model()
        self.store = Store(data)
        self.lock = self.store.lock
        self.seed_name = seed
        self.admin_password = admin_password
        self.token_ttl = token_ttl
        self.scheduler = Scheduler(time_scale, self.lock)
        self.codecs: dict[str, C.Codec] = {}
        self.views = build_views()
        self.fault_rules: list[dict] = []
        self.request_log: deque[dict] = deque(maxlen=20000)
        self.tokens: dict[str, tuple[str, float | None]] = {}
        self.ca_pem: str | None = None
        self.server_pem: str | None = None
        self.instance_id = str(uuid.uuid5(NAMESPACE, "instance"))
        self._link_cache: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        self._list_cache: dict[tuple[str, str, str], tuple[int, Reply]] = {}
        with self.lock:
            if self.store.meta_get("seed") is None:
                Seeder(self.store, admin_password).seed(seed)
            else:
                pw = dict(self.store.meta_get("passwords", {}))  # type: ignore[arg-type]
                pw["admin"] = admin_password
                self.store.meta_set("passwords", pw)
                self.settle()
        self.scheduler.start()

    def close(self) -> None:
        """Stop background work and close the database."""
        self.scheduler.stop()
        self.store.close()

    def reset(self) -> None:
        """Restore the seed (tokens stay valid)."""
        with self.lock:
            self.scheduler.generations.clear()
            self.store.clear()
            Seeder(self.store, self.admin_password).seed(self.seed_name)

    # ----- helpers -----------------------------------------------------------------------
    def codec(self, prefix: str) -> C.Codec:
        c = self.codecs.get(prefix)
        if c is None:
            c = self.codecs[prefix] = C.Codec(self.model, prefix)
        return c

    def now(self) -> int:
        return int(time.time() * 1000)

    def new_id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.seed_name}:object:{self.store.next_counter('id')}"))

    def find_by_name(self, coll: str, name: str) -> dict | None:
        for obj in self.store.items(coll):
            if obj.get("name") == name:
                return obj
        return None

    def update_obj(self, coll: str, oid: str, **changes: Any) -> dict | None:
        """Copy, change and store an object (None values delete keys)."""
        cur = self.store.get(coll, oid)
        if cur is None:
            return None
        new = dict(cur)
        for k, v in changes.items():
            if v is None:
                new.pop(k, None)
            else:
                new[k] = v
        return self.store.put(coll, self.store.types.get(coll, ""), new)

