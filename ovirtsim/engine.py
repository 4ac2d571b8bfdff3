"""One simulated engine: its parts, wired together once.

``Engine`` owns the model, the store, the scheduler, the SSO sessions and the test
controls, and hands each operation a narrow ``Context``; it has no behaviour of its own.
Requests enter through ``dispatch.dispatch.handle``; domain behaviour lives in ``domain/``.
"""

from __future__ import annotations

import uuid
from collections import deque

from . import domain
from .core.context import Context
from .core.model import ApiModel, load_model
from .core.registry import HANDLERS
from .core.scheduler import Scheduler
from .core.secrets import (
    DEFAULT_ADMIN_PASSWORD,
    hash_password,
    hashed_passwords,
    verify_password,
)
from .core.seed import NAMESPACE, Seeder
from .core.store import Store
from .web.protocol import Request
from .web.rendering import Renderer


class Engine:
    """State of one simulated engine; ``lock`` guards every read-modify-write."""

    def __init__(
        self,
        data: str | None = None,
        seed: str = "demo",
        admin_password: str = DEFAULT_ADMIN_PASSWORD,
        time_scale: float = 1.0,
        token_ttl: float | None = None,
    ) -> None:
        domain.load()
        self.model: ApiModel = load_model()
        self.store = Store(data)
        self.lock = self.store.lock
        self.seed_name = seed
        self.admin_password = admin_password
        self.token_ttl = token_ttl
        self.scheduler = Scheduler(time_scale, self.lock, self.store.batch)
        self.renderer = Renderer(self.model)
        self.fault_rules: list[dict] = []
        self.request_log: deque[dict] = deque(maxlen=20000)
        self.tokens: dict[str, tuple[str, float | None]] = {}
        self.ca_pem: str | None = None
        self.server_pem: str | None = None
        self.instance_id = str(uuid.uuid5(NAMESPACE, "instance"))
        with self.lock:
            if self.store.meta_get("seed") is None:
                Seeder(self.store, admin_password).seed(seed)
            else:
                pw = hashed_passwords(dict(self.store.meta_get("passwords", {})))  # type: ignore[arg-type]
                if not verify_password("admin", admin_password, pw.get("admin")):
                    pw["admin"] = hash_password("admin", admin_password)
                self.store.meta_set("passwords", pw)
                ctx = self.context(None)
                with self.store.batch():
                    for fn in HANDLERS.startup:
                        fn(ctx)
        self.scheduler.start()

    def context(self, req: Request | None) -> Context:
        """What an operation (or background work, without a request) may use."""
        return Context(self.model, self.store, self.scheduler, req, self.seed_name, self.ca_pem)

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
