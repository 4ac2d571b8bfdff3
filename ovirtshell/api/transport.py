"""The wire: one exchange at a time with the engine, failures turned into `CommunicationError`.

Every exchange has one deadline (connect, send and receive together; `-T`, default
`DEFAULT_TIMEOUT`) and a cap on the decoded size of its answer (`--max-response-size`, default
`body.DEFAULT_MAX_RESPONSE`). Both live here so that every reader, whole or streamed, gets them.
HTTP itself is `http11`; connections are kept open between exchanges (a few, for the bulk
operations' threads) and never follow a redirect.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from ovirtshell.api import deadline, http11
from ovirtshell.api.body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE, decoded
from ovirtshell.api.debuglog import DebugLog
from ovirtshell.api.errors import CommunicationError, DeadlineError
from ovirtshell.api.http11 import Headers, Request, Response
from ovirtshell.api.settings import ConnectionSettings, EngineUrls, user_agent
from ovirtshell.api.tls import find_cause, reason
from ovirtshell.status import UsageError

DEFAULT_TIMEOUT = 60.0  # seconds for one whole exchange when no --timeout is given
#: Apache httpd in front of the engine refuses longer request lines (LimitRequestLine 8190).
MAX_URL = 8000


#: What a request path or query may carry as is; anything else is percent-encoded.
_PATH_SAFE = "/%!$&'()*+,;=:@~"
_QUERY_SAFE = _PATH_SAFE + "?"
#: Methods sent again on a fresh connection when a kept one turns out to be closed.
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE"})
#: Idle connections kept per engine.
_KEEP = 8


class Transport:
    """The connections to one engine; the debug sink (if any) sees every exchange."""

    def __init__(
        self,
        settings: ConnectionSettings,
        urls: EngineUrls,
        *,
        debug: Callable[[str], None] | None,
        token: Callable[[], str | None],
    ):
        self._settings = settings
        self._urls = urls
        self._log = DebugLog(debug, token) if debug is not None else None
        self.limit = settings.timeout or DEFAULT_TIMEOUT
        self.cap = settings.max_response or DEFAULT_MAX_RESPONSE
        # Plain http needs no trust store (nor the ssl module): loading one costs tens of ms.
        self._tls: Any = None
        if urls.origin.startswith("https:"):
            from ovirtshell.api.tls import ssl_context

            self._tls = ssl_context(settings)
        self._proxy = settings.proxy
        # an https engine is reached through a tunnel; a plain one by asking the proxy
        self._tunnel = self._proxy if self._tls is not None else None
        self._forward = self._proxy if self._tls is None else None
        if self._proxy is not None and self._log is not None:
            self._log.emit(f"* through the proxy {self._proxy.shown}", None)
        self._idle: list[tuple[tuple[str, int], http11.Connection]] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        """Release the connections (idempotent)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for _, connection in idle:
            connection.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None = None,
        content: bytes | None = None,
        data: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        debug_body: str | None = None,
        log_body: bool = True,
        secret: str | None = None,
    ) -> Response:
        """One exchange, its body read whole (within the deadline and the size cap)."""
        with self.stream(
            method, url, params=params, content=content, data=data, headers=headers,
            debug_body=debug_body, secret=secret,
        ) as (response, chunks):
            response.content = b"".join(chunks)
        if self._log is not None:
            self._log.response(response, time.monotonic() - response.started, log_body, secret)
        return response

    @contextmanager
    def stream(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]] | None = None,
        content: bytes | None = None,
        data: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        debug_body: str | None = None,
        secret: str | None = None,
    ) -> Iterator[tuple[Response, Iterator[bytes]]]:
        """The response (headers read) and its decoded body chunks, for a streaming reader.

        The deadline covers the whole block, reading included; the chunks stop with
        `ResponseTooLarge` at the cap. Failures are `CommunicationError`s.
        """
        request, address, head = self._build(method, url, params, content, data, headers)
        if self._log is not None:
            self._log.request(request, debug_body, secret)
        started = time.monotonic()
        at = started + self.limit
        outer = deadline.current()
        if outer is not None and outer < at:
            at = outer
        try:
            connection, response, raw = self._exchange(request, address, head, at)
        except (http11.Error, OSError) as exc:
            raise self._fail(exc, secret) from None
        response.started = started
        try:
            yield response, self._chunks(response, raw, at, secret)
        finally:
            self._release(address, connection)

    def _exchange(
        self, request: Request, address: tuple[str, int], head: bytes, at: float
    ) -> tuple[http11.Connection, Response, Iterator[bytes]]:
        """Send on a kept connection (once more on a new one if it was closed meanwhile)."""
        while True:
            connection, kept = self._connection(address, at)
            try:
                connection.send(head, request.content, at)
                response, raw = connection.read_head(request, at)
                return connection, response, raw
            except (http11.Closed, ConnectionError) as exc:
                connection.close()
                if not kept or request.method not in _IDEMPOTENT:
                    raise http11.ProtocolError(str(exc)) from None
            except BaseException:
                connection.close()
                raise

    def _connection(self, address: tuple[str, int], at: float) -> tuple[http11.Connection, bool]:
        with self._lock:
            while self._idle:
                where, connection = self._idle.pop()
                if where == address and connection.idle_and_open():
                    return connection, True
                connection.close()
        return http11.Connection.open(*address, self._tls, at, self._tunnel), False

    def _release(self, address: tuple[str, int], connection: http11.Connection) -> None:
        if connection.reusable:
            with self._lock:
                if len(self._idle) < _KEEP:
                    self._idle.append((address, connection))
                    return
        connection.close()

    def _build(
        self,
        method: str,
        url: str,
        params: list[tuple[str, str]] | None,
        content: bytes | None,
        data: dict[str, str] | None,
        headers: Mapping[str, str] | None,
    ) -> tuple[Request, tuple[str, int], bytes]:
        """The request, where to send it, and its head as bytes."""
        if any(c < " " or c == "\x7f" for c in url):
            # the engine URL was checked: the rest came from the user
            raise UsageError("a name or value on the command line cannot be sent: "
                             "it has a control character")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommunicationError(f"invalid URL {url!r}: expected http or https")
        target = quote(parts.path or "/", safe=_PATH_SAFE)
        query = quote(parts.query, safe=_QUERY_SAFE)
        if params:
            query = "&".join(q for q in (query, urlencode(params)) if q)
        if query:
            target += "?" + query
        netloc = parts.netloc.rpartition("@")[2]
        full = f"{parts.scheme}://{netloc}{target}"
        if len(full) > MAX_URL:
            raise UsageError(
                f"the request URL would be {len(full)} characters long, over the {MAX_URL} an engine "
                f"accepts: a name or value on the command line is too long"
            )
        fields = {
            "host": ("Host", netloc),
            "accept": ("Accept", "*/*"),
            "accept-encoding": ("Accept-Encoding", ACCEPT_ENCODING),
            "connection": ("Connection", "keep-alive"),
            "user-agent": ("User-Agent", user_agent()),
        }
        body = content or b""
        if data is not None:
            body = urlencode(data).encode("ascii")
            fields["content-type"] = ("Content-Type", "application/x-www-form-urlencoded")
        for name, value in (headers or {}).items():
            fields[name.lower()] = (name, value)
        if body or method in ("POST", "PUT", "PATCH"):
            fields["content-length"] = ("Content-Length", str(len(body)))
        if self._forward is not None:
            target = full  # a proxy forwarding plain http is given the whole URL
            if self._forward.authorization:
                fields["proxy-authorization"] = ("Proxy-Authorization",
                                                 self._forward.authorization)
        lines = [f"{method} {target} HTTP/1.1"]
        for name, value in fields.values():
            if any(c in name or c in value for c in "\r\n\0"):
                raise UsageError(f"the header {name!r} cannot be sent: it has a line break")
            lines.append(f"{name}: {value}")
        try:
            head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        except UnicodeEncodeError:
            raise UsageError("a header value cannot be sent: it is not Latin-1 text") from None
        request = Request(method, full, Headers(list(fields.values())), body)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if self._forward is not None:
            return request, (self._forward.host, self._forward.port), head
        return request, (parts.hostname, port), head

    def log_streamed(self, response: Response) -> None:
        """Show a streamed answer's status and headers in the debug output (not its body)."""
        if self._log is not None:
            self._log.response(response, time.monotonic() - response.started, False, None, streamed=True)

    def _chunks(self, response: Response, raw: Iterator[bytes], at: float, secret: str | None) -> Iterator[bytes]:
        encoding = response.headers.get("Content-Encoding") or ""
        try:
            for chunk in decoded(raw, encoding, self.cap, self._urls.api):
                yield chunk
                if time.monotonic() >= at:
                    raise self._late()
        except (http11.Error, OSError) as exc:
            raise self._fail(exc, secret) from None
        except CommunicationError as exc:
            if self._log is not None:
                self._log.emit(f"! {exc}", secret)
            raise

    def _fail(self, exc: BaseException, secret: str | None) -> CommunicationError:
        error = self._error(exc)
        if self._log is not None:
            self._log.emit(f"! {error}", secret)
        return error

    def _late(self) -> DeadlineError:
        return DeadlineError(
            f"timed out: no complete answer from {self._urls.api} within {self.limit:g} s "
            f"(the deadline of one request; -T sets it)"
        )

    def _error(self, exc: BaseException) -> CommunicationError:
        api = self._urls.api
        if isinstance(exc, CommunicationError):
            return exc
        if isinstance(exc, http11.Expired):
            if exc.connecting:
                return DeadlineError(f"cannot reach {api}: timed out connecting after {self.limit:g} s")
            return self._late()
        if isinstance(exc, http11.ProtocolError):
            return CommunicationError(f"malformed response from {api}: {reason(exc)}")
        if self._tls is not None:
            import ssl

            verify = find_cause(exc, ssl.SSLCertVerificationError)
            if verify is not None or "CERTIFICATE_VERIFY_FAILED" in str(exc):
                why = f" ({reason(verify)})" if verify is not None else ""
                return CommunicationError(
                    f"TLS certificate verification failed for {api}{why}: use --ca-file "
                    f"(the ca command fetches the engine CA and shows its fingerprint) or --insecure"
                )
            tls = find_cause(exc, ssl.SSLError)
            if tls is not None:
                return CommunicationError(f"TLS handshake with {api} failed: {reason(tls)}")
        if isinstance(exc, http11.TunnelRefused):
            return CommunicationError(f"cannot reach {api}: {exc}")
        if isinstance(exc, http11.Unreachable):
            if self._proxy is not None:
                return CommunicationError(
                    f"cannot reach {api}: the proxy {self._proxy.shown} does not answer "
                    f"({reason(exc.cause)})")
            return CommunicationError(f"cannot reach {api}: {reason(exc.cause)}")
        return CommunicationError(f"connection to {api} failed: {reason(exc)}")
