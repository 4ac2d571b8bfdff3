"""The wire: one httpx exchange at a time, transport failures turned into `CommunicationError`.

Every exchange has one deadline (connect, send and receive together; `-T`, default
`DEFAULT_TIMEOUT`) and a cap on the decoded size of its answer (`--max-response-size`, default
`body.DEFAULT_MAX_RESPONSE`). Both live here so that every reader, whole or streamed, gets them.

httpx is first imported here; `ovirtshell/api/__init__.py` has already kept it from loading its
command-line module.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import httpx

from ovirtshell.api import deadline
from ovirtshell.api.body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE, decoded
from ovirtshell.api.debuglog import DebugLog
from ovirtshell.api.errors import CommunicationError, DeadlineError
from ovirtshell.api.settings import ConnectionSettings, EngineUrls, user_agent
from ovirtshell.api.tls import find_cause, reason, ssl_context
from ovirtshell.status import UsageError

DEFAULT_TIMEOUT = 60.0  # seconds for one whole exchange when no --timeout is given
#: Apache httpd in front of the engine refuses longer request lines (LimitRequestLine 8190).
MAX_URL = 8000


class Transport:
    """The connection pool to one engine; the debug sink (if any) sees every exchange."""

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
        # Plain http needs no trust store: loading one costs tens of milliseconds per start.
        verify: ssl.SSLContext | bool = False
        if urls.origin.startswith("https:"):
            verify = ssl_context(settings)
        wire = httpx.HTTPTransport(verify=verify)
        pool = getattr(wire, "_pool", None)
        if hasattr(pool, "_network_backend"):
            pool._network_backend = deadline.DeadlineBackend()  # per-operation timeouts -> one deadline
        self._http = httpx.Client(
            transport=wire,
            timeout=httpx.Timeout(self.limit),
            follow_redirects=False,
            headers={"User-Agent": user_agent(), "Accept-Encoding": ACCEPT_ENCODING},
        )

    def close(self) -> None:
        """Release the connections (idempotent)."""
        self._http.close()

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
    ) -> httpx.Response:
        """One exchange, its body read whole (within the deadline and the size cap)."""
        with self.stream(
            method, url, params=params, content=content, data=data, headers=headers,
            debug_body=debug_body, secret=secret,
        ) as (response, chunks):
            body = b"".join(chunks)
        whole = httpx.Response(
            response.status_code,
            headers=[
                (k, v) for k, v in response.headers.raw
                if k.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
            ],
            content=body,
            request=response.request,
            extensions={"reason_phrase": response.extensions.get("reason_phrase", b"")},
        )
        if self._log is not None:
            self._log.response(whole, time.monotonic() - self._started, log_body, secret)
        return whole

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
    ) -> Iterator[tuple[httpx.Response, Iterator[bytes]]]:
        """The response (headers read) and its decoded body chunks, for a streaming reader.

        The deadline covers the whole block, reading included; the chunks stop with
        `ResponseTooLarge` at the cap. Failures are `CommunicationError`s.
        """
        try:
            request = self._http.build_request(
                method, url, params=params, content=content, data=data, headers=headers
            )
        except httpx.InvalidURL as exc:  # the engine URL was checked: the rest came from the user
            raise UsageError(f"a name or value on the command line cannot be sent: {exc}") from None
        except httpx.UnsupportedProtocol as exc:
            raise CommunicationError(f"invalid URL {url!r}: {exc}") from None
        length = len(str(request.url))
        if length > MAX_URL:
            raise UsageError(
                f"the request URL would be {length} characters long, over the {MAX_URL} an engine "
                f"accepts: a name or value on the command line is too long"
            )
        if self._log is not None:
            self._log.request(request, debug_body, secret)
        with deadline.deadline(self.limit):
            self._started = time.monotonic()
            try:
                response = self._http.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise self._fail(exc, secret) from None
            try:
                yield response, self._chunks(response, secret)
            finally:
                response.close()

    def log_streamed(self, response: httpx.Response) -> None:
        """Show a streamed answer's status and headers in the debug output (not its body)."""
        if self._log is not None:
            self._log.response(response, time.monotonic() - self._started, False, None, streamed=True)

    def _chunks(self, response: httpx.Response, secret: str | None) -> Iterator[bytes]:
        encoding = response.headers.get("Content-Encoding", "")
        try:
            for chunk in decoded(response.iter_raw(), encoding, self.cap, self._urls.api):
                yield chunk
                if deadline.expired():
                    raise self._late()
        except httpx.HTTPError as exc:
            raise self._fail(exc, secret) from None
        except CommunicationError as exc:
            if self._log is not None:
                self._log.emit(f"! {exc}", secret)
            raise

    def _fail(self, exc: httpx.HTTPError, secret: str | None) -> CommunicationError:
        error = self._error(exc)
        if self._log is not None:
            self._log.emit(f"! {error}", secret)
        return error

    def _late(self) -> DeadlineError:
        return DeadlineError(
            f"timed out: no complete answer from {self._urls.api} within {self.limit:g} s "
            f"(the deadline of one request; -T sets it)"
        )

    def _error(self, exc: httpx.HTTPError) -> CommunicationError:
        api = self._urls.api
        if isinstance(exc, httpx.TimeoutException):
            if isinstance(exc, httpx.ConnectTimeout) and not deadline.expired():
                return DeadlineError(f"cannot reach {api}: timed out connecting after {self.limit:g} s")
            return self._late()
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
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.DecodingError)):
            return CommunicationError(f"malformed response from {api}: {reason(exc)}")
        if isinstance(exc, httpx.ConnectError):
            return CommunicationError(f"cannot reach {api}: {reason(exc)}")
        if isinstance(exc, httpx.TransportError):
            return CommunicationError(f"connection to {api} failed: {reason(exc)}")
        return CommunicationError(f"request to {api} failed: {reason(exc)}")
