"""The wire: one httpx exchange at a time, transport failures turned into `CommunicationError`.

httpx is first imported here; `ovirtshell/api/__init__.py` has already kept it from loading its
command-line module.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterator, Mapping

import httpx

from ovirtshell.api.debuglog import DebugLog
from ovirtshell.api.errors import CommunicationError
from ovirtshell.api.settings import ConnectionSettings, EngineUrls, user_agent
from ovirtshell.api.tls import find_cause, reason, ssl_context

DEFAULT_CONNECT_TIMEOUT = 30.0  # seconds, when no --timeout is given: an unreachable host must fail


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
        if settings.timeout:
            timeout = httpx.Timeout(settings.timeout)
        else:
            timeout = httpx.Timeout(None, connect=DEFAULT_CONNECT_TIMEOUT)
        # Plain http needs no trust store: loading one costs tens of milliseconds per start.
        verify: ssl.SSLContext | bool = False
        if urls.origin.startswith("https:"):
            verify = ssl_context(settings)
        self._http = httpx.Client(
            verify=verify,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": user_agent()},
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
        stream: bool = False,
    ) -> httpx.Response:
        """One exchange; transport failures become CommunicationError, and the debug sink sees it.

        With `stream`, only the status and headers are read: the body comes from `body_chunks`
        (and the caller closes the response).
        """
        try:
            request = self._http.build_request(
                method, url, params=params, content=content, data=data, headers=headers
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise CommunicationError(f"invalid URL {url!r}: {exc}") from None
        if self._log is not None:
            self._log.request(request, debug_body, secret)
        started = time.monotonic()
        try:
            response = self._http.send(request, stream=stream)
        except httpx.HTTPError as exc:
            error = self._error(exc)
            if self._log is not None:
                self._log.emit(f"! {error}", secret)
            raise error from None
        if self._log is not None:
            self._log.response(response, time.monotonic() - started, log_body, secret, streamed=stream)
        return response

    def read(self, response: httpx.Response) -> bytes:
        """The whole body of a streamed response (closed afterwards)."""
        try:
            return response.read()
        except httpx.HTTPError as exc:
            raise self._error(exc) from None
        finally:
            response.close()

    def body_chunks(self, response: httpx.Response) -> Iterator[bytes]:
        """A streamed response's body as it arrives; transport failures become CommunicationError.

        The response is closed when the body ends, fails, or the reader stops early.
        """
        try:
            yield from response.iter_bytes()
        except httpx.HTTPError as exc:
            error = self._error(exc)
            if self._log is not None:
                self._log.emit(f"! {error}")
            raise error from None
        finally:
            response.close()

    def _error(self, exc: httpx.HTTPError) -> CommunicationError:
        api = self._urls.api
        if isinstance(exc, httpx.TimeoutException):
            limit = f" after {self._settings.timeout:g} s" if self._settings.timeout else ""
            if isinstance(exc, httpx.ConnectTimeout):
                return CommunicationError(f"cannot reach {api}: timed out connecting{limit}")
            return CommunicationError(f"timed out waiting for {api}{limit}")
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
