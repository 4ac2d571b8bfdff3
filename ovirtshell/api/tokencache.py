"""The login kept between one-shot runs: an SSO token per engine URL and user, in a 0600 file.

A one-shot command otherwise pays for a login, the API root (for the engine's version, which
keys the model cache) and a logout around its one real request. The saved session holds the
token, its expiry and the engine's product and version, so the next run sends only its own
request. The token is as good as the password for its lifetime: the file is created 0600 in
a 0700 directory, a file readable by anyone else is refused and removed, `disconnect` revokes
the token and deletes it, and the `token_cache` setting turns all of this off.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import asdict, dataclass
from pathlib import Path

#: A token this close to its expiry is not reused (seconds).
MARGIN = 60.0


@dataclass(frozen=True)
class SavedSession:
    token: str
    expires: float | None  # seconds since the epoch; None when the engine did not say
    product: str
    version: str

    def __repr__(self) -> str:  # never show the token
        return f"<SavedSession {self.product} {self.version}>"


def session_file(cache_dir: Path, url: str, username: str) -> Path:
    """Where the session of this user on this engine is kept (the name reveals neither)."""
    key = hashlib.sha256(f"{url.rstrip('/')}\n{username}".encode()).hexdigest()[:32]
    return cache_dir / "sessions" / f"{key}.json"


def read_session(path: Path, now: float | None = None) -> SavedSession | None:
    """The saved session if it is ours, private and not about to expire; else None."""
    try:
        info = path.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        forget(path)  # someone else could have read it: do not trust or keep it
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = SavedSession(
            token=str(data["token"]),
            expires=None if data.get("expires") is None else float(data["expires"]),
            product=str(data["product"]),
            version=str(data["version"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        forget(path)
        return None
    if saved.expires is not None and saved.expires - MARGIN <= (now or time.time()):
        forget(path)
        return None
    return saved


def write_session(path: Path, saved: SavedSession) -> None:
    """Save atomically, 0600 from the start; a failure only means the next run logs in."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(saved), handle)
        os.replace(temp, path)
    except OSError:
        pass


def forget(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
