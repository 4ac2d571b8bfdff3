"""Logging in and out: SSO password grant, HTTP Basic fallback, Kerberos (SPNEGO), token revocation.

`Authentication` is mixed into `Client`, which provides the attributes declared below.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ovirtshell.api.debuglog import MASK
from ovirtshell.api.errors import AuthenticationError, CommunicationError

if TYPE_CHECKING:
    from ovirtshell.api.http11 import Response
    from ovirtshell.api.settings import ConnectionSettings, EngineUrls
    from ovirtshell.api.transport import Transport


class Authentication:
    """The session state (`_token`, or `_basic` for an engine without SSO) and its changes."""

    settings: ConnectionSettings
    urls: EngineUrls
    _transport: Transport
    _token: str | None
    _basic: bool  # the engine has no SSO endpoint: HTTP Basic on every request
    token_expires: float | None  # when the SSO token expires (seconds since the epoch), if said
    on_login: Callable[[], None] | None  # told after every new SSO token (to save it)
    _api_headers: Callable[[Mapping[str, str] | None, str | None], dict[str, str]]

    @property
    def logged_in(self) -> bool:
        return self._basic or self._token is not None

    @property
    def token(self) -> str | None:
        """The SSO token of this session, if any (for the session cache; never printed)."""
        return self._token

    def adopt(self, token: str, expires: float | None) -> None:
        """Use a token saved by an earlier run; a 401 on it logs in again as usual."""
        self._token, self.token_expires, self._basic = token, expires, False

    def login(self) -> None:
        """Get an SSO token; an engine without the SSO endpoint (404) gets HTTP Basic instead."""
        if self.settings.kerberos:
            self._token = self._login_kerberos()
            return
        user, password = self.settings.username or "", self.settings.password or ""
        url = f"{self.urls.engine}/sso/oauth/token"
        form = {"grant_type": "password", "scope": "ovirt-app-api", "username": user, "password": password}
        shown = f"grant_type=password&scope=ovirt-app-api&username={quote(user, safe='')}&password={MASK}"
        response = self._transport.send(
            "POST", url, data=form, headers={"Accept": "application/json"}, debug_body=shown
        )
        if response.status_code == 404:
            self._basic, self._token = True, None
            self._check_basic()
            return
        self._token = self._token_from(response, url)
        if self.on_login is not None:
            self.on_login()

    def _check_basic(self) -> None:
        """Basic has no login step: one cheap request tells whether the credentials work."""
        response = self._transport.send("HEAD", self.urls.api, headers=self._api_headers(None, None))
        if response.status_code == 401:
            raise AuthenticationError("authentication failed: the engine rejected the user name or password")
        if response.status_code == 404:
            raise CommunicationError(f"no oVirt API at {self.urls.api} (HTTP 404)")

    def _token_from(self, response: Response, url: str) -> str:
        try:
            data = response.json()
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's stack
            data = None
        if not isinstance(data, dict):
            if response.status_code >= 500 or response.status_code < 400:
                raise CommunicationError(
                    f"malformed response from the SSO service at {url} (HTTP {response.status_code})"
                )
            raise AuthenticationError(f"authentication failed (HTTP {response.status_code})")
        if response.status_code == 200 and data.get("access_token"):
            self.token_expires = _expiry(data.get("exp"))
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
        response = self._transport.send(
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
            self._transport.send(
                "POST",
                f"{self.urls.engine}/services/sso-logout",
                data={"scope": "ovirt-app-api", "token": token},
                headers={"Accept": "application/json"},
                debug_body=f"scope=ovirt-app-api&token={MASK}",
                secret=token,
            )
        except Exception:  # best effort at exit: never raise here
            pass


def _expiry(exp: object) -> float | None:
    """The SSO reply's `exp` (milliseconds since the epoch, as a string) in seconds."""
    try:
        value = float(exp)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value / 1000 if value > 1e11 else value


def _sso_message(message: str) -> str:
    """The engine's text, without "Cannot authenticate user 'x': " and the doubled period."""
    message = re.sub(r"^Cannot authenticate user '[^']*':\s*", "", message.strip())
    message = re.sub(r"\.{2,}$", ".", message)
    return " ".join(message.split())
