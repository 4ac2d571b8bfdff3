"""The engine's HTTP client: SSO login (Basic fallback), re-login on 401, TLS, typed errors.

Every failure leaves this module as an `ApiError` with the exit status it maps to and a
one-line message; passwords, tokens and session cookies never reach a message, a repr or the
debug sink.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

# httpx imports its own command-line module at import time, which loads pygments (and fails
# on rich); the shell never uses it, and -E mode must not pay for pygments.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402

from ovirtshell.api.errors import (  # noqa: E402
    AuthenticationError,
    CommunicationError,
    NotFoundError,
    RemoteError,
)

XML = "application/xml"
DEBUG_BODY_LIMIT = 64 * 1024  # characters of a body shown by the debug sink
DEFAULT_CONNECT_TIMEOUT = 30.0  # seconds, when no --timeout is given: an unreachable host must fail
MASK = "***"


def _user_agent() -> str:
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
    timeout: float | None = None  # seconds, per request
    filter: bool = False  # send "Filter: true" (non-admin users)
    kerberos: bool = False
    session_timeout: int | None = None  # minutes, sent as Session-TTL
    headers: dict[str, str] = field(default_factory=dict)  # extra headers on every API request


@dataclass(frozen=True)
class EngineUrls:
    """The URLs derived from the API URL: where SSO, apidoc and the PKI resource live."""

    api: str  # https://engine/ovirt-engine/api
    origin: str  # https://engine
    api_path: str  # /ovirt-engine/api
    engine: str  # https://engine/ovirt-engine

    @classmethod
    def parse(cls, url: str) -> EngineUrls:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CommunicationError(f"invalid engine URL {url!r}: expected https://ENGINE/ovirt-engine/api")
        origin = f"{parts.scheme}://{parts.netloc}"
        path = parts.path.rstrip("/") or "/ovirt-engine/api"
        match = re.match(r"^(.*)/api(?:/v\d+)?$", path)
        engine_path = match.group(1) if match else "/ovirt-engine"
        return cls(api=origin + path, origin=origin, api_path=path, engine=origin + engine_path)


# ---------------------------------------------------------------------------------------------
# TLS


def _ssl_context(settings: ConnectionSettings) -> ssl.SSLContext:
    """Verify by default (system store, or the CA file); --insecure turns verification off."""
    files = [("client certificate", settings.cert_file), ("client key", settings.key_file)]
    if not settings.insecure:
        files.insert(0, ("CA file", settings.ca_file))
    for what, path in files:
        if path and not os.access(path, os.R_OK):
            raise CommunicationError(f"cannot read the {what} {path}")
    try:
        if settings.insecure:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif settings.ca_file:
            ctx = ssl.create_default_context(cafile=settings.ca_file)
        else:
            ctx = ssl.create_default_context()
            if not ctx.cert_store_stats().get("x509_ca"):
                import certifi  # httpx's own dependency; used only when the system has no store

                ctx.load_verify_locations(cafile=certifi.where())
        if settings.cert_file:
            ctx.load_cert_chain(settings.cert_file, settings.key_file)
    except OSError as exc:  # ssl.SSLError is an OSError
        which = "client certificate/key" if settings.cert_file else "CA file"
        raise CommunicationError(f"cannot load the TLS {which}: {_reason(exc)}") from None
    return ctx


def _find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, kind):
            return e
        todo += [e.__cause__, e.__context__, *(a for a in e.args if isinstance(a, BaseException))]
    return None


def _reason(exc: BaseException) -> str:
    """'[Errno 111] Connection refused' → 'connection refused'."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return _reason(Exception(exc.verify_message))
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return exc.reason.lower().replace("_", " ")
    text = str(exc) or type(exc).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    text = re.sub(r"^\[SSL: [A-Z_]+\]\s*", "", text)
    text = " ".join(text.split()).rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


# ---------------------------------------------------------------------------------------------
# Debug output


_SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "jsessionid"})
_JSON_TOKEN = re.compile(r'("(?:access_token|id_token|refresh_token)"\s*:\s*")[^"]*(")')
_XML_PASSWORD = re.compile(r"(<(\w*password\w*)>)[^<]*(</\2>)")
_VV_TOKEN = re.compile(r"(?m)^(sso-token=|password=).*$")


def _mask_header(name: str, value: str) -> str:
    if name.lower() not in _SECRET_HEADERS:
        return value
    scheme, _, rest = value.partition(" ")
    if name.lower() == "authorization" and rest:
        return f"{scheme} {MASK}"
    return MASK


def _mask_body(text: str) -> str:
    text = _JSON_TOKEN.sub(rf"\1{MASK}\2", text)
    text = _XML_PASSWORD.sub(rf"\1{MASK}\3", text)
    return _VV_TOKEN.sub(rf"\1{MASK}", text)


# ---------------------------------------------------------------------------------------------
# The client


class Client:
    """One authenticated session with an engine; every method raises `ApiError` subclasses."""

    def __init__(self, settings: ConnectionSettings, *, debug: Callable[[str], None] | None = None):
        self.settings = settings
        self.urls = EngineUrls.parse(settings.url)
        self._debug = debug
        self._token: str | None = None
        self._basic = False  # the engine has no SSO endpoint: HTTP Basic on every request
        self._lock = threading.Lock()
        if settings.timeout:
            timeout = httpx.Timeout(settings.timeout)
        else:
            timeout = httpx.Timeout(None, connect=DEFAULT_CONNECT_TIMEOUT)
        # Plain http needs no trust store: loading one costs tens of milliseconds per start.
        verify: ssl.SSLContext | bool = False
        if self.urls.origin.startswith("https:"):
            verify = _ssl_context(settings)
        self._http = httpx.Client(
            verify=verify,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": _user_agent()},
        )

    def __repr__(self) -> str:
        state = "basic" if self._basic else ("logged in" if self._token else "not logged in")
        return f"<Client {self.urls.api} ({state})>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.logout()
        self.close()

    @property
    def logged_in(self) -> bool:
        return self._basic or self._token is not None

    # -- authentication ------------------------------------------------------------------------

    def login(self) -> None:
        """Get an SSO token; an engine without the SSO endpoint (404) gets HTTP Basic instead."""
        if self.settings.kerberos:
            self._token = self._login_kerberos()
            return
        user, password = self.settings.username or "", self.settings.password or ""
        url = f"{self.urls.engine}/sso/oauth/token"
        form = {"grant_type": "password", "scope": "ovirt-app-api", "username": user, "password": password}
        shown = f"grant_type=password&scope=ovirt-app-api&username={quote(user, safe='')}&password={MASK}"
        response = self._send(
            "POST", url, data=form, headers={"Accept": "application/json"}, debug_body=shown
        )
        if response.status_code == 404:
            self._basic, self._token = True, None
            self._check_basic()
            return
        self._token = self._token_from(response, url)

    def _check_basic(self) -> None:
        """Basic has no login step: one cheap request tells whether the credentials work."""
        response = self._send("HEAD", self.urls.api, headers=self._api_headers(None, None))
        if response.status_code == 401:
            raise AuthenticationError("authentication failed: the engine rejected the user name or password")
        if response.status_code == 404:
            raise CommunicationError(f"no oVirt API at {self.urls.api} (HTTP 404)")

    def _token_from(self, response: httpx.Response, url: str) -> str:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            if response.status_code >= 500 or response.status_code < 400:
                raise CommunicationError(
                    f"malformed response from the SSO service at {url} (HTTP {response.status_code})"
                )
            raise AuthenticationError(f"authentication failed (HTTP {response.status_code})")
        if response.status_code == 200 and data.get("access_token"):
            return str(data["access_token"])
        message = data.get("error_description") or data.get("error") or data.get("error_code")
        if response.status_code == 200 or not message:
            raise CommunicationError(
                f"malformed response from the SSO service at {url} (HTTP {response.status_code})"
            )
        raise AuthenticationError(f"authentication failed: {_sso_message(str(message))}")

    def _login_kerberos(self) -> str:
        """SPNEGO against the token-http-auth endpoint; needs the optional gssapi package."""
        try:
            import gssapi  # type: ignore[import-not-found]
        except ImportError:
            raise AuthenticationError(
                "authentication failed: Kerberos needs the python 'gssapi' package"
            ) from None
        host = urlsplit(self.urls.origin).hostname or ""
        try:
            name = gssapi.Name(f"HTTP@{host}", gssapi.NameType.hostbased_service)
            token = gssapi.SecurityContext(name=name, usage="initiate").step()
        except gssapi.exceptions.GSSError as exc:
            raise AuthenticationError(f"authentication failed: Kerberos: {exc}") from None
        url = f"{self.urls.engine}/sso/oauth/token-http-auth"
        response = self._send(
            "POST",
            url,
            data={"grant_type": "urn:ovirt:params:oauth:grant-type:http", "scope": "ovirt-app-api"},
            headers={
                "Accept": "application/json",
                "Authorization": "Negotiate " + base64.b64encode(token).decode("ascii"),
            },
        )
        return self._token_from(response, url)

    def logout(self) -> None:
        """Revoke the SSO token; failures are ignored (this runs at exit and must not raise)."""
        token, self._token = self._token, None
        self._basic = False
        if not token:
            return
        try:
            self._send(
                "POST",
                f"{self.urls.engine}/services/sso-logout",
                data={"scope": "ovirt-app-api", "token": token},
                headers={"Accept": "application/json"},
                debug_body=f"scope=ovirt-app-api&token={MASK}",
                secret=token,
            )
        except Exception:  # best effort at exit: never raise here
            pass

    def close(self) -> None:
        """Release the connections (idempotent)."""
        self._http.close()

    # -- requests -----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The full URL of an API path ("/vms/1", "vms/1") or an engine href ("/ovirt-engine/api/vms/1")."""
        if path.startswith(("http://", "https://")):
            return path
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
    ) -> httpx.Response:
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
            response = self._send(
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

    def _check(self, response: httpx.Response, url: str, accept: str) -> httpx.Response:
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

    def api_root(self) -> bytes:
        """The API root document (product_info, summary, special objects)."""
        return self.get("")

    def fetch_model(self) -> bytes:
        """model.json: from apidoc without authentication, else from the API with it."""
        url = f"{self.urls.engine}/apidoc/model.json"
        try:
            response = self._send("GET", url, headers={"Accept": "application/json"}, log_body=False)
            if response.status_code == 200 and response.content.lstrip()[:1] == b"{":
                return response.content
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

    # -- the wire -----------------------------------------------------------------------------

    def _send(
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
        """One exchange; transport failures become CommunicationError, and the debug sink sees it."""
        try:
            request = self._http.build_request(
                method, url, params=params, content=content, data=data, headers=headers
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise CommunicationError(f"invalid URL {url!r}: {exc}") from None
        if self._debug is not None:
            self._log_request(request, debug_body, secret)
        started = time.monotonic()
        try:
            response = self._http.send(request)
        except httpx.HTTPError as exc:
            error = self._transport_error(exc)
            if self._debug is not None:
                self._emit(f"! {error}", secret)
            raise error from None
        if self._debug is not None:
            self._log_response(response, time.monotonic() - started, log_body, secret)
        return response

    def _transport_error(self, exc: httpx.HTTPError) -> CommunicationError:
        api = self.urls.api
        if isinstance(exc, httpx.TimeoutException):
            limit = f" after {self.settings.timeout:g} s" if self.settings.timeout else ""
            if isinstance(exc, httpx.ConnectTimeout):
                return CommunicationError(f"cannot reach {api}: timed out connecting{limit}")
            return CommunicationError(f"timed out waiting for {api}{limit}")
        verify = _find_cause(exc, ssl.SSLCertVerificationError)
        if verify is not None or "CERTIFICATE_VERIFY_FAILED" in str(exc):
            why = f" ({_reason(verify)})" if verify is not None else ""
            return CommunicationError(
                f"TLS certificate verification failed for {api}{why}: use --ca-file or --insecure"
            )
        tls = _find_cause(exc, ssl.SSLError)
        if tls is not None:
            return CommunicationError(f"TLS handshake with {api} failed: {_reason(tls)}")
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.DecodingError)):
            return CommunicationError(f"malformed response from {api}: {_reason(exc)}")
        if isinstance(exc, httpx.ConnectError):
            return CommunicationError(f"cannot reach {api}: {_reason(exc)}")
        if isinstance(exc, httpx.TransportError):
            return CommunicationError(f"connection to {api} failed: {_reason(exc)}")
        return CommunicationError(f"request to {api} failed: {_reason(exc)}")

    def _emit(self, line: str, secret: str | None = None) -> None:
        for value in (self._token, secret):
            if value and len(value) >= 8:
                line = line.replace(value, MASK)
        assert self._debug is not None
        self._debug(line)

    def _log_request(self, request: httpx.Request, shown: str | None, secret: str | None) -> None:
        self._emit(f"> {request.method} {request.url}", secret)
        for name, value in request.headers.items():
            self._emit(f"> {_title(name)}: {_mask_header(name, value)}", secret)
        if shown is not None:
            self._emit(f"> {shown}", secret)
        elif request.content:
            self._emit_body(">", request.content, secret)

    def _log_response(
        self, response: httpx.Response, elapsed: float, log_body: bool, secret: str | None
    ) -> None:
        self._emit(
            f"< {response.http_version} {response.status_code} {response.reason_phrase}"
            f" ({elapsed * 1000:.0f} ms)",
            secret,
        )
        for name, value in response.headers.items():
            self._emit(f"< {_title(name)}: {_mask_header(name, value)}", secret)
        if not response.content:
            return
        if log_body:
            self._emit_body("<", response.content, secret)
        else:
            self._emit(f"< ({len(response.content)} bytes not shown)", secret)

    def _emit_body(self, prefix: str, content: bytes, secret: str | None) -> None:
        text = content[:DEBUG_BODY_LIMIT].decode("utf-8", "replace")
        text = _mask_body(text)
        for line in text.splitlines():
            self._emit(f"{prefix} {line}", secret)
        if len(content) > DEBUG_BODY_LIMIT:
            self._emit(f"{prefix} … ({len(content) - DEBUG_BODY_LIMIT} more bytes)", secret)


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


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


def _is_xml(response: httpx.Response) -> bool:
    ctype = response.headers.get("Content-Type", "").lower()
    if "xml" in ctype:
        return True
    if ctype:
        return False
    return response.content.lstrip()[:1] == b"<"


def _json_fault(response: httpx.Response) -> tuple[str | None, str | None]:
    try:
        data = response.json()
    except ValueError:
        return None, None
    if isinstance(data, dict) and ("reason" in data or "detail" in data):
        return data.get("reason"), data.get("detail")
    return None, None


def _sso_message(message: str) -> str:
    """The engine's text, without "Cannot authenticate user 'x': " and the doubled period."""
    message = re.sub(r"^Cannot authenticate user '[^']*':\s*", "", message.strip())
    message = re.sub(r"\.{2,}$", ".", message)
    return " ".join(message.split())


# ---------------------------------------------------------------------------------------------
# The engine's CA


def fetch_ca_pem(base_url: str, *, timeout: float = 30.0) -> bytes:
    """The engine CA (PEM) from the unauthenticated pki-resource; not verified — show its fingerprint."""
    urls = EngineUrls.parse(base_url)
    url = f"{urls.engine}/services/pki-resource"
    params = {"resource": "ca-certificate", "format": "X509-PEM-CA"}
    try:
        with httpx.Client(verify=False, timeout=timeout, headers={"User-Agent": _user_agent()}) as http:
            response = http.get(url, params=params)
    except httpx.HTTPError as exc:
        raise CommunicationError(f"cannot fetch the engine CA from {url}: {_reason(exc)}") from None
    if response.status_code != 200 or b"-----BEGIN CERTIFICATE-----" not in response.content:
        raise CommunicationError(
            f"cannot fetch the engine CA from {url}: HTTP {response.status_code}, no PEM certificate"
        )
    return response.content


_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def ca_fingerprint(pem: bytes | str) -> str:
    """SHA-256 of the (first) certificate's DER, as colon-separated upper-case hex."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    match = _PEM_BLOCK.search(data)
    if match is None:
        raise CommunicationError("malformed CA certificate: not PEM")
    try:
        der = ssl.PEM_cert_to_DER_cert(match.group(0).decode("ascii"))
    except ValueError as exc:
        raise CommunicationError(f"malformed CA certificate: {exc}") from None
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))

