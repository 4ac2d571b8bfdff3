"""The debug sink's view of each exchange, with passwords, tokens and cookies masked."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ovirtshell.api.http11 import Request, Response

DEBUG_BODY_LIMIT = 64 * 1024  # characters of a body shown by the debug sink
MASK = "***"

_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                             "jsessionid"})
_JSON_TOKEN = re.compile(r'("(?:access_token|id_token|refresh_token)"\s*:\s*")[^"]*(")')
_XML_PASSWORD = re.compile(r"(<(\w*password\w*)>)[^<]*(</\2>)")
_VV_TOKEN = re.compile(r"(?m)^(sso-token=|password=).*$")


def mask_header(name: str, value: str) -> str:
    if name.lower() not in _SECRET_HEADERS:
        return value
    scheme, _, rest = value.partition(" ")
    if name.lower() in ("authorization", "proxy-authorization") and rest:
        return f"{scheme} {MASK}"
    return MASK


def mask_body(text: str) -> str:
    text = _JSON_TOKEN.sub(rf"\1{MASK}\2", text)
    text = _XML_PASSWORD.sub(rf"\1{MASK}\3", text)
    return _VV_TOKEN.sub(rf"\1{MASK}", text)


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class DebugLog:
    """Writes requests and responses to the sink, line by line; `token` gives the current
    session token, which (like any `secret` passed along) is masked wherever it appears.
    The lines of one request or response stay together when threads share a client."""

    def __init__(self, sink: Callable[[str], None], token: Callable[[], str | None]):
        self._sink = sink
        self._token = token
        self._lock = threading.RLock()

    def emit(self, line: str, secret: str | None = None) -> None:
        for value in (self._token(), secret):
            if value and len(value) >= 8:
                line = line.replace(value, MASK)
        from ovirtshell.output.escape import text

        self._sink(text(line))  # the engine's bytes never reach the terminal raw

    def request(self, request: Request, shown: str | None, secret: str | None) -> None:
        with self._lock:
            self._request(request, shown, secret)

    def _request(self, request: Request, shown: str | None, secret: str | None) -> None:
        self.emit(f"> {request.method} {request.url}", secret)
        for name, value in request.headers.items():
            self.emit(f"> {_title(name)}: {mask_header(name, value)}", secret)
        if shown is not None:
            self.emit(f"> {shown}", secret)
        elif request.content:
            self._body(">", request.content, secret)

    def response(
        self,
        response: Response,
        elapsed: float,
        log_body: bool,
        secret: str | None,
        *,
        streamed: bool = False,
    ) -> None:
        with self._lock:
            self._response(response, elapsed, log_body, secret, streamed)

    def _response(self, response: Response, elapsed: float, log_body: bool, secret: str | None, streamed: bool) -> None:
        self.emit(
            f"< {response.http_version} {response.status_code} {response.reason_phrase}"
            f" ({elapsed * 1000:.0f} ms)",
            secret,
        )
        for name, value in response.headers.items():
            self.emit(f"< {_title(name)}: {mask_header(name, value)}", secret)
        if streamed:
            self.emit("< (body read as a stream, not shown)", secret)
            return
        if not response.content:
            return
        if log_body:
            self._body("<", response.content, secret)
        else:
            self.emit(f"< ({len(response.content)} bytes not shown)", secret)

    def _body(self, prefix: str, content: bytes, secret: str | None) -> None:
        text = content[:DEBUG_BODY_LIMIT].decode("utf-8", "replace")
        text = mask_body(text)
        for line in text.splitlines():
            self.emit(f"{prefix} {line}", secret)
        if len(content) > DEBUG_BODY_LIMIT:
            self.emit(f"{prefix} … ({len(content) - DEBUG_BODY_LIMIT} more bytes)", secret)
