"""One API request and its reply as the engine sees them, and the correlation id rule."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

API = "/ovirt-engine/api"


@dataclass
class Request:
    """One API request as the engine sees it (after authentication)."""

    method: str
    segments: list[str]
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    fmt: str  # "xml" or "json": the reply
    input_fmt: str
    prefix: str
    user: dict
    filter: bool
    correlation_id: str


@dataclass
class Reply:
    """What the app sends back."""

    status: int
    body: str | bytes | list[bytes] | None = None  # a list: chunks, sent in order
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


CORRELATION_RE = re.compile(r"[^0-9A-Za-z_-]")


def clean_correlation(raw: str | None) -> str:
    """Keep only [0-9A-Za-z_-], at most 36 characters; generate one if empty."""
    if raw:
        cleaned = CORRELATION_RE.sub("", raw)[:36]
        if cleaned:
            return cleaned
    return str(uuid.uuid4())
