"""The command history: a private file under the data dir, with secrets and connect lines left out.

The file uses prompt_toolkit's FileHistory format (``# date`` then ``+line`` entries), so
multi-line entries survive. What is never recorded — here or in ``shell.history`` — is decided
by :func:`recordable`, which is pure so tests can check it without a terminal.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit.history import History

from ovirtshell.commands import Registry
from ovirtshell.language import tokenize
from ovirtshell.metadata.options import is_secret

#: Words that mark a line as holding a secret wherever they appear.
SECRET_WORDS = re.compile(r"pass(?:word|wd)|secret|token", re.IGNORECASE)
#: Commands whose lines are never recorded (their options may name credentials).
NEVER_RECORDED = frozenset({"connect"})
#: How many earlier entries are read back at start-up.
MAX_ENTRIES = 5000


def recordable(line: str, registry: Registry | None = None) -> bool:
    """Whether a line may be kept in the history: no connect, no secret option, no secret word."""
    if not line.strip() or SECRET_WORDS.search(line):
        return False
    tokens = tokenize(line, lenient=True)
    verb: str | None = None
    for token in tokens:
        if token.kind == "semicolon":
            verb = None
            continue
        if token.kind == "word" and verb is None:
            verb = token.value
            module = registry.get(verb) if registry else None
            name = module.SPEC.name if module else verb
            if name in NEVER_RECORDED or verb in NEVER_RECORDED:
                return False
            continue
        if token.kind == "option":
            if token.value.lower().startswith("password") or _secret_option(token.value):
                return False
            module = registry.get(verb) if registry and verb else None
            doc = module.SPEC.option(token.value) if module else None
            if doc is not None and doc.secret:
                return False
    return True


def _secret_option(name: str) -> bool:
    """A model option holding a secret, in any spelling: `--ssh-password -`, `--root_password-file F`."""
    key = name.lstrip("-").lower().replace("-", "_")
    key = key[: -len("_file")] if key.endswith("_file") else key
    return is_secret(key.rsplit("_", 1)[-1]) or is_secret(key)


def read_entries(path: Path) -> list[str]:
    """The entries of a history file, oldest first (missing or unreadable file: none)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    entries: list[str] = []
    lines: list[str] = []
    for raw in text.splitlines():
        if raw.startswith("+"):
            lines.append(raw[1:])
        elif lines:
            entries.append("\n".join(lines))
            lines = []
    if lines:
        entries.append("\n".join(lines))
    return entries[-MAX_ENTRIES:]


def _private_file(path: Path) -> None:
    """Create the file's directory (0700) and the file itself (0600) if missing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class ShellHistory(History):
    """prompt_toolkit history that feeds ``shell.history`` and drops unrecordable lines.

    ``entries`` is the shell's own list: earlier sessions' entries on start, then this
    session's, so the ``history`` command and Up/Ctrl-R see the same lines.
    """

    def __init__(self, path: Path | None, entries: list[str], registry: Registry | None = None):
        super().__init__()
        self.path = path
        self.entries = entries
        self.registry = registry
        if path is not None:
            entries[:0] = read_entries(path)

    def load_history_strings(self) -> Iterable[str]:
        return reversed(list(self.entries))  # prompt_toolkit wants the newest first

    def append_string(self, string: str) -> None:
        if not recordable(string, self.registry):
            return
        super().append_string(string)

    def store_string(self, string: str) -> None:
        self.entries.append(string)
        if self.path is None:
            return
        try:
            _private_file(self.path)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(f"\n# {datetime.datetime.now()}\n")
                for line in string.split("\n"):
                    handle.write(f"+{line}\n")
        except OSError:
            pass  # a read-only home must not stop the shell


#: The original ovirt-shell's readline history, in the home directory.
LEGACY_NAME = ".ovirtshellhistory"


def import_legacy(legacy: Path, path: Path, registry: Registry | None = None) -> int:
    """Copy the original shell's history (one command a line) into a new history file, once:
    only while `path` does not exist yet. Lines holding secrets are left out. Returns the count."""
    if path.exists():
        return 0
    try:
        text = legacy.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    lines = [line for line in text.splitlines() if line.strip() and line != "_HiStOrY_V2_"]
    kept = [line for line in lines[-MAX_ENTRIES:] if recordable(line, registry)]
    try:
        _private_file(path)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\n# imported from ~/{LEGACY_NAME} on {datetime.datetime.now()}\n")
            for line in kept:
                handle.write(f"\n# imported\n+{line}\n")
    except OSError:
        return 0
    return len(kept)


def open_history(
    path: Path | None, entries: list[str], registry: Registry | None = None, legacy: Path | None = None
) -> ShellHistory:
    """The history for a session; the file and its directory are made private first. The
    original shell's history (`legacy`) is imported the first time."""
    if path is not None:
        if legacy is not None:
            import_legacy(legacy, path, registry)
        try:
            _private_file(path)
            os.chmod(path.parent, 0o700)
        except OSError:
            pass
    return ShellHistory(path, entries, registry)

