"""Where the engine is and how to authenticate to it: `ConnectionSettings` and `EngineUrls`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ovirtshell.api.errors import CommunicationError

if TYPE_CHECKING:
    from ovirtshell.api.proxy import Proxy


def user_agent() -> str:
    try:
        from ovirtshell import __version__
    except ImportError:  # pragma: no cover - the package always has a version
        __version__ = "0"
    return f"ovirt-shell/{__version__}"


@dataclass
class ConnectionSettings:
    """How to reach and authenticate to one engine (the password is left out of the repr)."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    insecure: bool = False
    cert_file: str | None = None
    key_file: str | None = None
    timeout: float | None = None  # seconds for one whole request (default transport.DEFAULT_TIMEOUT)
    max_response: int | None = None  # bytes of one decoded answer (default body.DEFAULT_MAX_RESPONSE)
    filter: bool = False  # send "Filter: true" (non-admin users)
    kerberos: bool = False
    session_timeout: int | None = None  # minutes, sent as Session-TTL
    headers: dict[str, str] = field(default_factory=dict)  # extra headers on every API request
    proxy: Proxy | None = None  # where to connect instead (api/proxy.py chooses it)


@dataclass(frozen=True)
class EngineUrls:
    """The URLs derived from the API URL: where SSO, apidoc and the PKI resource live."""

    api: str  # https://engine/ovirt-engine/api
    origin: str  # https://engine
    api_path: str  # /ovirt-engine/api
    engine: str  # https://engine/ovirt-engine

    @classmethod
    def parse(cls, url: str) -> EngineUrls:
        try:
            parts = urlsplit(url.strip())
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise CommunicationError(f"invalid engine URL: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommunicationError("invalid engine URL: expected https://ENGINE/ovirt-engine/api")
        netloc = parts.netloc.rpartition("@")[2]  # user:password@ never reaches a message
        origin = f"{parts.scheme}://{netloc}"
        path = parts.path.rstrip("/") or "/ovirt-engine/api"
        match = re.match(r"^(.*)/api(?:/v\d+)?$", path)
        engine_path = match.group(1) if match else "/ovirt-engine"
        return cls(api=origin + path, origin=origin, api_path=path, engine=origin + engine_path)
