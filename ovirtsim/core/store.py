"""Generic object store: every object is a JSON document keyed by (collection path, id).

An in-memory mirror serves reads (listing 10,000 VMs must be fast); SQLite is written
through so that ``--data FILE`` survives restarts with the same ids and state. One
connection guarded by one re-entrant lock keeps it safe for the server thread, the
lifecycle thread and test code poking at state.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    coll TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (coll, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

log = logging.getLogger("ovirtsim")


def private_file(path: str) -> None:
    """Create the data file readable by its owner only; SQLite gives its -wal, -shm and
    -journal files the same mode. A file that others could read is narrowed, with a warning."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        mode = os.fstat(fd).st_mode
        if mode & 0o077:
            log.warning("%s was readable by others; its mode is now 0600", path)
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.chmod(path + suffix, 0o600)


class Store:
    """Objects by collection path; ``lock`` must be held by callers that read-modify-write."""

    def __init__(self, path: str | None = None) -> None:
        self.lock = threading.RLock()
        self.path = path
        if path:
            private_file(path)
        self.db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        if path:
            # overwrite what is deleted (passwords kept in clear by older versions included)
            self.db.execute("PRAGMA secure_delete=ON")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.colls: dict[str, dict[str, dict]] = {}
        self.types: dict[str, str] = {}
        self.cache: dict[tuple[str, str], dict] = {}
        self.versions: dict[str, int] = {}  # bumped on every change of a collection
        self._in_batch = False
        self._undo: list[tuple[str, str, dict | None, dict[str, dict] | None]] = []
        self._load()

    def _load(self) -> None:
        for coll, oid, typ, doc in self.db.execute(
            "SELECT coll, id, type, doc FROM objects ORDER BY rowid"
        ):
            self.colls.setdefault(coll, {})[oid] = json.loads(doc)
            self.types[coll] = typ

    def close(self) -> None:
        """Close the database (the in-memory mirror stays readable)."""
        with self.lock:
            self.db.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction: every write inside is stored, or (on an exception) none is,
        in the file and in memory alike. Nested batches join the outer one."""
        with self.lock:
            if self._in_batch:
                yield
                return
            self._in_batch = True
            self._undo = []
            self.db.execute("BEGIN")
            try:
                yield
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                self._rollback()
                raise
            finally:
                self._in_batch = False
                self._undo = []

    def _rollback(self) -> None:
        for coll, oid, doc, subs in reversed(self._undo):
            if subs is not None:
                self.colls.update(subs)
            c = self.colls.setdefault(coll, {})
            if doc is None:
                c.pop(oid, None)
            else:
                c[oid] = doc
            self.cache.pop((coll, oid), None)
            self.versions[coll] = self.versions.get(coll, 0) + 1

    def _remember(self, coll: str, oid: str, subs: dict[str, dict] | None = None) -> None:
        if self._in_batch:
            self._undo.append((coll, oid, (self.colls.get(coll) or {}).get(oid), subs))

    # ----- objects -----------------------------------------------------------------------
    def get(self, coll: str, oid: str) -> dict | None:
        """The stored document (the live dict: copy before mutating outside put)."""
        c = self.colls.get(coll)
        return c.get(oid) if c else None

    def items(self, coll: str) -> list[dict]:
        """All documents of a collection in insertion order."""
        c = self.colls.get(coll)
        return list(c.values()) if c else []

    def find_by_name(self, coll: str, name: str) -> dict | None:
        """The first document of a collection with this name."""
        for obj in self.items(coll):
            if obj.get("name") == name:
                return obj
        return None

    def update(self, coll: str, oid: str, **changes: object) -> dict | None:
        """Copy, change and store a document (None values delete keys)."""
        with self.lock:
            cur = self.get(coll, oid)
            if cur is None:
                return None
            new = dict(cur)
            for k, v in changes.items():
                if v is None:
                    new.pop(k, None)
                else:
                    new[k] = v
            return self.put(coll, self.types.get(coll, ""), new)

    def count(self, coll: str) -> int:
        """Number of documents in a collection."""
        return len(self.colls.get(coll, ()))

    def put(self, coll: str, type_name: str, data: dict) -> dict:
        """Insert or replace a document (its ``id`` is the key)."""
        oid = str(data["id"])
        with self.lock:
            self._remember(coll, oid)
            self.colls.setdefault(coll, {})[oid] = data
            self.types[coll] = type_name
            self.cache.pop((coll, oid), None)
            self.versions[coll] = self.versions.get(coll, 0) + 1
            self.db.execute(
                "INSERT INTO objects (coll, id, type, doc) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(coll, id) DO UPDATE SET doc = excluded.doc, type = excluded.type",
                (coll, oid, type_name, json.dumps(data, separators=(",", ":"))),
            )
        return data

    def delete(self, coll: str, oid: str) -> None:
        """Remove a document and every sub-collection below it."""
        with self.lock:
            prefix = f"{coll}/{oid}/"
            self._remember(coll, oid, {k: v for k, v in self.colls.items() if k.startswith(prefix)})
            c = self.colls.get(coll)
            if c is not None:
                c.pop(oid, None)
            self.cache.pop((coll, oid), None)
            self.versions[coll] = self.versions.get(coll, 0) + 1
            self.db.execute("DELETE FROM objects WHERE coll = ? AND id = ?", (coll, oid))
            subs = [k for k in self.colls if k.startswith(prefix)]
            for k in subs:
                for sub_id in list(self.colls[k]):
                    self.cache.pop((k, sub_id), None)
                del self.colls[k]
            if subs:
                self.db.execute(
                    "DELETE FROM objects WHERE substr(coll, 1, ?) = ?", (len(prefix), prefix)
                )

    def clear(self) -> None:
        """Forget everything (used before re-seeding)."""
        with self.lock:
            self.colls.clear()
            self.types.clear()
            self.cache.clear()
            for k in self.versions:
                self.versions[k] += 1
            self.db.execute("DELETE FROM objects")
            self.db.execute("DELETE FROM meta")

    # ----- meta --------------------------------------------------------------------------
    def meta_get(self, key: str, default: object = None) -> object:
        """A small JSON value kept beside the objects (counters, passwords, seed name)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def meta_set(self, key: str, value: object) -> None:
        """Store a small JSON value."""
        with self.lock:
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def next_counter(self, name: str) -> int:
        """Increment and return a persistent counter."""
        with self.lock:
            n = int(self.meta_get(f"counter:{name}", 0)) + 1  # type: ignore[arg-type]
            self.meta_set(f"counter:{name}", n)
            return n
