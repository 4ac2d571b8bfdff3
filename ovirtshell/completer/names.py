"""Live object names for completion, per (type, parent path), loaded off the prompt's thread.

A keystroke never waits for the engine: a lookup returns what is cached (nothing the first
time) and starts a background load, so the names show up at the next Tab. The cache is told
about the shell's own create/delete through `shell.listeners` (and `refresh` sends "*"), and
starts afresh when the shell connects again (possibly to another engine).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ovirtshell.connection import Connection
    from ovirtshell.shell import Shell

#: (type name, ((parent type, "name" | "id", value), …))
#: (type name, parent triples, the statuses kept — None: every object)
Key = tuple[str, tuple[tuple[str, str, str], ...], "frozenset[str] | None"]

#: At most this many names are read per collection (the engine's `max` where it has one).
LIMIT = 5000


class NameCache:
    """Cached names per key; `lookup` is the completion engine's `NamesLookup`."""

    def __init__(self, shell: Shell):
        self._shell = shell
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._names: dict[Key, tuple[str, ...]] = {}
        self._loading: set[Key] = set()
        self._connection: Connection | None = None
        self._generation = 0

    def attach(self) -> NameCache:
        """Listen to the shell's own changes; returns self."""
        self._shell.listeners.append(self.invalidate)
        return self

    # -- the keystroke side: never blocks on I/O ---------------------------------------------

    def lookup(
        self, type_name: str, parents: tuple[tuple[str, str, str], ...] = (), only: frozenset[str] | None = None
    ) -> Sequence[str]:
        """Cached names (`only`: of the objects in those statuses, e.g. running VMs)."""
        key: Key = (type_name, tuple(parents), only)
        with self._lock:
            self._follow_connection()
            # With --debug every request is printed; background loads would print over the prompt.
            if self._connection is None or self._shell.settings.debug:
                return ()
            names = self._names.get(key)
            if names is None:
                self._start(key)
                return ()
            return names

    __call__ = lookup

    def invalidate(self, type_name: str) -> None:
        """Forget the names of a type ("*": all) and reload the ones that were cached."""
        with self._lock:
            self._follow_connection()
            stale = [
                key
                for key in self._names
                if type_name == "*" or key[0] == type_name or any(p[0] == type_name for p in key[1])
            ]
            for key in stale:
                del self._names[key]
            if self._connection is not None:
                for key in stale:
                    self._start(key)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no load is running (for tests and the benchmark); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._loading, timeout)

    # -- the loading side -------------------------------------------------------------------

    def _follow_connection(self) -> None:
        """Start afresh when the shell's connection changed (reconnect, another engine)."""
        current = self._shell.connection
        if current is not self._connection:
            self._connection = current
            self._generation += 1
            self._names.clear()
            self._loading.clear()
            self._idle.notify_all()

    def _start(self, key: Key) -> None:
        if key in self._loading:
            return
        self._loading.add(key)
        generation, connection = self._generation, self._connection
        thread = threading.Thread(
            target=self._load, args=(key, generation, connection), name=f"names-{key[0]}", daemon=True
        )
        thread.start()

    def _load(self, key: Key, generation: int, connection: Connection) -> None:
        try:
            names = self._fetch(key, connection)
        except Exception:  # noqa: BLE001 - unreachable, not found, not listable: nothing to offer
            names = ()
        with self._lock:
            if generation == self._generation:
                self._names[key] = names
                self._loading.discard(key)
            self._idle.notify_all()

    def _fetch(self, key: Key, connection: Connection) -> tuple[str, ...]:
        from ovirtshell.locate import collection_path, read_collection

        type_name, parents, only = key
        index = connection.index
        resource = index.resource(type_name, [p[0] for p in parents])
        if not resource.can_list or resource.item_type is None:
            return ()
        path = collection_path(self._shell, resource, {p: (kind, value) for p, kind, value in parents})
        method = index.method(resource.collection_service, "list")
        params = {"max": str(LIMIT)} if method is not None and method.parameter("max") else None
        items = read_collection(connection, path, resource.item_type, params, json=True)
        items.only({"name", "status"})  # decoded from the engine's JSON, nothing else of each object
        try:
            return tuple(sorted({
                str(item["name"]) for item in items
                if item.get("name") and (only is None or item.get("status") in only)
            }))
        finally:
            items.close()
