"""`Request`: what a command line asks for, as plain data (built by `options.OptionSet.parse`).

A module of its own so that a command line without options gets its empty request without
deriving (or importing) the option machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    """What a command line asks for, as plain data."""

    body: dict[str, Any] = field(default_factory=dict)  # the entity, or the action's parameters
    query: dict[str, Any] = field(default_factory=dict)  # method parameters outside the body
    parents: dict[str, tuple[str, str]] = field(default_factory=dict)  # parent type -> ("id"|"name", value)
    shell: dict[str, Any] = field(default_factory=dict)  # shell-level options (wait, yes, fields...)
