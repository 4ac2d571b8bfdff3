"""The engine's API client: requests with re-login on 401, and replies checked into typed errors.

Every failure leaves this module as an `ApiError` with the exit status it maps to and a
one-line message; passwords, tokens and session cookies never reach a message, a repr or the
debug sink. Login and logout live in `auth`, the wire in `transport`, TLS in `tls`, the debug
sink in `debuglog`, the engine CA in `pki`.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from ovirtshell.api.auth import Authentication
from ovirtshell.api.body import ResponseTooLarge
from ovirtshell.api.errors import (
    AuthenticationError,
    CommunicationError,
    DeadlineError,
    NotFoundError,
    RemoteError,
)
from ovirtshell.api.http11 import Response
from ovirtshell.api.settings import ConnectionSettings, EngineUrls
from ovirtshell.api.transport import Transport

__all__ = ["Client", "ConnectionSettings"]

XML = "application/xml"
JSON = "application/json"


class Client(Authentication):
    """One authenticated session with an engine; every method raises `ApiError` subclasses."""

    def __init__(self, settings: ConnectionSettings, *, debug: Callable[[str], None] | None = None):
        self.settings = settings
        self.urls = EngineUrls.parse(settings.url)
        self._token: str | None = None
        self._basic = False  # the engine has no SSO endpoint: HTTP Basic on every request
        self.token_expires: float | None = None
        self.on_login: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._transport = Transport(settings, self.urls, debug=debug, token=lambda: self._token)

    def __repr__(self) -> str:
        state = "basic" if self._basic else ("logged in" if self._token else "not logged in")
        return f"<Client {self.urls.api} ({state})>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.logout()
        self.close()

    def close(self) -> None:
        """Release the connections (idempotent)."""
        self._transport.close()

    # -- requests -----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The full URL of an API path ("/vms/1", "vms/1") or an engine href ("/ovirt-engine/api/vms/1")."""
        if path.startswith(("http://", "https://")):
            origin = self.urls.origin
            if path != origin and not path.startswith(origin + "/"):
                # An href naming another host must not receive this session's token.
                raise CommunicationError(f"the engine pointed to another host: {path.split('?')[0]}")
            return path
        if any(part in (".", "..") for part in path.split("?", 1)[0].split("/")):
            # Identifiers are percent-encoded by the shell: a bare dot segment came from elsewhere
            # (an engine's id) and would let the request leave its collection.
            raise CommunicationError(f"refusing a request path with '..' or '.' segments: {path.split('?')[0]}")
        api_path = self.urls.api_path
        if path == api_path or path.startswith(api_path + "/") or path.startswith(api_path + "?"):
            return self.urls.origin + path
        if not path or path == "/":
            return self.urls.api
        if not path.startswith(("/", "?")):
            path = "/" + path
        return self.urls.api + path

    def _api_headers(self, headers: Mapping[str, str] | None, correlation_id: str | None) -> dict[str, str]:
        out = {"Version": "4", "Accept": XML, "Content-Type": XML}
        if self._basic:
            raw = f"{self.settings.username or ''}:{self.settings.password or ''}".encode()
            out["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
        elif self._token:
            out["Authorization"] = f"Bearer {self._token}"
        if self.settings.filter:
            out["Filter"] = "true"
        if self.settings.session_timeout:
            out["Session-TTL"] = str(self.settings.session_timeout)
        out.update(self.settings.headers)
        if correlation_id:
            out["Correlation-Id"] = correlation_id
        if headers:
            out.update(headers)
        return out

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        correlation_id: str | None = None,
        log_body: bool = True,
    ) -> Response:
        """Send an API request; log in first if needed, and once more on a 401 (expired token).

        `log_body=False` keeps a large reply (the multi-megabyte model) out of the debug sink.
        """
        if not self.logged_in:
            with self._lock:
                if not self.logged_in:
                    self.login()
        url = self.url(path)
        query = _query(params)
        for attempt in (1, 2):
            used_token = self._token
            sent = self._api_headers(headers, correlation_id)
            response = self._transport.send(
                method, url, params=query, content=body, headers=sent, log_body=log_body
            )
            if response.status_code != 401:
                break
            if self._basic:
                raise AuthenticationError(
                    "authentication failed: the engine rejected the user name or password (HTTP 401)"
                )
            if attempt == 2:
                raise AuthenticationError(
                    "authentication failed: the session expired and logging in again did not help (HTTP 401)"
                )
            with self._lock:
                if self._token == used_token:  # another thread may have logged in already
                    self._token = None
                    self.login()
        return self._check(response, url, sent.get("Accept", XML))

    def _check(self, response: Response, url: str, accept: str) -> Response:
        status = response.status_code
        if status < 300:
            if accept == XML and response.content and not _is_xml(response):
                ctype = response.headers.get("Content-Type") or "no content type"
                raise CommunicationError(
                    f"malformed response from {url}: expected XML, got {ctype} (HTTP {status})"
                )
            return response
        if status == 404:
            raise NotFoundError(f"not found: {urlsplit(url).path} (HTTP 404)", urlsplit(url).path)
        if status < 400:
            where = response.headers.get("Location", "")
            raise CommunicationError(
                f"unexpected HTTP {status} from {url}" + (f" (redirect to {where})" if where else "")
            )
        from ovirtshell.api.codec import decode_fault

        reason, detail = decode_fault(response.content) if _is_xml(response) else (None, None)
        if reason is None and detail is None and "json" in response.headers.get("Content-Type", ""):
            reason, detail = _json_fault(response)
        if reason is None and detail is None:
            phrase = response.reason_phrase or ""
            return_message = f"the engine answered HTTP {status}" + (f" {phrase}" if phrase else "")
            raise RemoteError(None, None, status, message=return_message + " without a fault")
        raise RemoteError(reason, detail, status)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> bytes:
        """GET an API path; the XML body."""
        return self.request("GET", path, params=params).content

    def stream(self, path: str, params: Mapping[str, Any] | None = None, *, json: bool = False) -> Body:
        """GET an API path and give its body as it arrives, for documents of any size.

        With `json`, JSON is asked for (listings decode faster from it); an engine that answers
        XML anyway is read as XML. The transport's deadline and size cap apply as to any
        request. The status is checked before this returns; anything but a success (a 401 to
        log in again, a fault, a 404) is closed and asked again the ordinary way, which reports
        it. Failures while reading are `CommunicationError`s from the iterator, which releases
        the response when it ends or is closed.
        """
        if not self.logged_in:
            with self._lock:
                if not self.logged_in:
                    self.login()
        url = self.url(path)
        exchange = ExitStack()
        headers = self._api_headers({"Accept": JSON} if json else None, None)
        response, chunks = exchange.enter_context(
            self._transport.stream("GET", url, params=_query(params), headers=headers)
        )
        status = response.status_code
        ctype = response.headers.get("Content-Type", "").lower()
        media = "json" if json and "json" in ctype else "xml"
        if status >= 300 or (ctype and media not in ctype):
            exchange.close()
            if status < 300:
                wanted = "JSON or XML" if json else "XML"
                raise CommunicationError(f"malformed response from {url}: expected {wanted}, got {ctype} (HTTP {status})")
            return Body("xml", iter((self.get(path, params),)))
        self._transport.log_streamed(response)
        return Body(media, _released(exchange, chunks))

    def post(
        self,
        path: str,
        body: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        correlation_id: str | None = None,
    ) -> bytes:
        """POST (add or action); the reply body (empty for 202/204 without one)."""
        return self.request(
            "POST", path, params=params, body=body, headers=headers, correlation_id=correlation_id
        ).content

    def put(
        self,
        path: str,
        body: bytes,
        params: Mapping[str, Any] | None = None,
        *,
        correlation_id: str | None = None,
    ) -> bytes:
        """PUT (update); the updated object's XML."""
        return self.request("PUT", path, params=params, body=body, correlation_id=correlation_id).content

    def delete(
        self, path: str, params: Mapping[str, Any] | None = None, *, correlation_id: str | None = None
    ) -> bytes:
        """DELETE (remove); the `<action>` reply, or nothing with async."""
        return self.request("DELETE", path, params=params, correlation_id=correlation_id).content

    def probe(self) -> None:
        """One request without credentials: the engine answers and its certificate is trusted.

        Made before a password is asked for, so a TLS problem is reported first."""
        self._transport.send("HEAD", self.urls.api, headers={"Version": "4"})

    def api_root(self) -> bytes:
        """The API root document (product_info, summary, special objects)."""
        return self.get("")

    def fetch_model(self) -> bytes:
        """model.json: from apidoc without authentication, else from the API with it."""
        url = f"{self.urls.engine}/apidoc/model.json"
        try:
            response = self._transport.send("GET", url, headers={"Accept": "application/json"}, log_body=False)
            if response.status_code == 200 and response.content.lstrip()[:1] == b"{":
                return response.content
        except (DeadlineError, ResponseTooLarge):
            raise  # trying the other path would only double the wait
        except CommunicationError:
            pass  # the API path below reports the problem if it persists
        try:
            response = self.request(
                "GET", "/model.json", headers={"Accept": "application/json"}, log_body=False
            )
        except NotFoundError:
            raise CommunicationError(
                f"the engine serves no API model at {url} or {self.urls.api}/model.json"
            ) from None
        if response.content.lstrip()[:1] != b"{":
            raise CommunicationError(f"malformed response from {self.urls.api}/model.json: not JSON")
        return response.content


class Body(NamedTuple):
    """A streamed body: its format ("xml" or "json") and its chunks as they arrive."""

    media: str
    chunks: Iterator[bytes]


def _released(exchange: ExitStack, chunks: Iterator[bytes]) -> Iterator[bytes]:
    with exchange:
        yield from chunks


def _query(params: Mapping[str, Any] | None) -> list[tuple[str, str]] | None:
    """Query parameters as the engine reads them: booleans as true/false, None left out."""
    if not params:
        return None
    out: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            out.append((name, "true" if v is True else "false" if v is False else str(v)))
    return out


def _is_xml(response: Response) -> bool:
    ctype = response.headers.get("Content-Type", "").lower()
    if "xml" in ctype:
        return True
    if ctype:
        return False
    return response.content.lstrip()[:1] == b"<"


def _json_fault(response: Response) -> tuple[str | None, str | None]:
    try:
        data = response.json()
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's stack
        return None, None
    if isinstance(data, dict) and ("reason" in data or "detail" in data):
        return data.get("reason"), data.get("detail")
    return None, None
