"""What a handler is given: the request (if any) and the parts it may use.

Handlers receive a ``Context`` instead of the engine: the store, the scheduler, the model
and the request are all they can reach; anything else they use, they import.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .model import ApiModel
from .scheduler import Scheduler
from .seed import NAMESPACE
from .store import Store

if TYPE_CHECKING:
    from ..web.protocol import Request


@dataclass(frozen=True)
class Context:
    """One operation's view of the engine."""

    model: ApiModel
    store: Store
    scheduler: Scheduler
    req: Request | None
    seed_name: str = "demo"
    ca_pem: str | None = None

    def now(self) -> int:
        """Milliseconds since the epoch, as the engine's dates."""
        return int(time.time() * 1000)

    def new_id(self) -> str:
        """A fresh, deterministic id (uuid5 of the seed and a persistent counter)."""
        n = self.store.next_counter("id")
        return str(uuid.uuid5(NAMESPACE, f"{self.seed_name}:object:{n}"))

    def background(self) -> Context:
        """The same parts without the request: for work done later by the engine itself."""
        return replace(self, req=None)
