"""Passwords of the simulator's users: the default, hashing and checking.

The default admin password must not occur in a URL or in ordinary output: Ansible's
``no_log`` masks every occurrence of a password in a module's result, so with ``ovirt``
(part of ``/ovirt-engine/api``) every ``ovirt.ovirt`` module failed with a 404.

The store keeps only scrypt hashes, each with its own salt. Hashing costs tens of
milliseconds by design, and clients using HTTP Basic authentication send the password with
every request, so a check that succeeded is remembered (keyed by a keyed digest of the
password, never the password) for as long as the stored hash stays the same.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading

DEFAULT_ADMIN_PASSWORD = "Demo-4xQ9"

_SCHEME = "scrypt"
_N, _R, _P, _LEN = 2**14, 8, 1, 32
_PROCESS_KEY = os.urandom(32)
_lock = threading.Lock()
_verified: dict[tuple[str, bytes], str] = {}  # (principal, keyed digest) -> stored hash
_hashed: dict[tuple[str, bytes], str] = {}  # the same, for hashes made in this process


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _kdf(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p,
                          dklen=_LEN, maxmem=256 * 1024 * 1024)


def _digest(password: str) -> bytes:
    return hmac.new(_PROCESS_KEY, password.encode("utf-8", "surrogatepass"), "sha256").digest()


def is_hash(value: object) -> bool:
    """Whether a stored value is a hash made here (older data files kept clear text)."""
    return isinstance(value, str) and value.startswith(_SCHEME + "$")


def hash_password(principal: str, password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` with a fresh salt (reused for the same user and password
    within one process, so that resets and restarts in tests do not pay for it again)."""
    key = (principal, _digest(password))
    with _lock:
        got = _hashed.get(key)
    if got is not None:
        return got
    salt = os.urandom(16)
    stored = f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(_kdf(password, salt, _N, _R, _P))}"
    with _lock:
        _hashed[key] = stored
        _verified[key] = stored
    return stored


def verify_password(principal: str, password: str, stored: object) -> bool:
    """Whether ``password`` matches the stored hash (compared in constant time)."""
    if not is_hash(stored):
        return False
    assert isinstance(stored, str)
    key = (principal, _digest(password))
    with _lock:
        if _verified.get(key) == stored:
            return True
    try:
        _scheme, n, r, p, salt, want = stored.split("$")
        got = _kdf(password, base64.b64decode(salt), int(n), int(r), int(p))
        ok = hmac.compare_digest(got, base64.b64decode(want))
    except ValueError:
        return False
    if ok:
        with _lock:
            _verified[key] = stored
    return ok


def hashed_passwords(passwords: dict) -> dict[str, str]:
    """Every clear-text value of a stored password table replaced by its hash."""
    return {str(k): v if is_hash(v) else hash_password(str(k), str(v))
            for k, v in passwords.items()}
