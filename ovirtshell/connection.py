"""Opening a session with an engine: login, version, and the (cached) API model index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ovirtshell.config import Settings
from ovirtshell.status import CommandError, ExitStatus, ShellError

if TYPE_CHECKING:
    from ovirtshell.api.client import Client
    from ovirtshell.metadata.index import Index


@dataclass
class Connection:
    client: Client
    index: Index
    url: str
    product: str
    version: str
    session_file: Path | None = None  # where the login is kept for the next run (token cache)

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or self.url


def open_connection(
    settings: Settings,
    cache_dir: Path,
    *,
    debug: Callable[[str], None] | None = None,
    ask_password: Callable[[str], str] | None = None,
) -> Connection:
    """Log in, read the engine's version, and load its model from the cache or the engine.

    A password asked for is asked after the engine has answered (TLS checked), names the user
    and the engine, and is asked again, up to PASSWORD_TRIES times, when the engine rejects it.
    """
    from ovirtshell.api import proxy
    from ovirtshell.api.client import Client, ConnectionSettings
    from ovirtshell.api.codec import CodecError, parse_document
    from ovirtshell.metadata.loader import load_model

    if not settings.url:
        raise CommandError("no engine URL: use --url, set OVIRT_URL, or choose a --profile")
    if not settings.url.startswith(("http://", "https://")):
        raise CommandError(f"invalid engine URL {settings.url!r}: it must start with https:// or http://")
    password = settings.password
    prompted = False
    if not settings.kerberos:
        if not settings.username:
            raise CommandError("no user name: use --username or set OVIRT_USERNAME")
        if password is None:
            if ask_password is None:
                raise ShellError(
                    "no password: set OVIRT_PASSWORD, use --password-file, or run on a terminal to be asked",
                    ExitStatus.AUTHENTICATION_ERROR,
                )
            prompted = True
    client = Client(
        ConnectionSettings(
            url=settings.url.rstrip("/"),
            username=settings.username,
            password=password,
            ca_file=settings.ca_file,
            insecure=settings.insecure,
            cert_file=settings.cert_file,
            key_file=settings.key_file,
            timeout=settings.timeout,
            max_response=settings.max_response_size,
            filter=settings.filter,
            kerberos=settings.kerberos,
            session_timeout=settings.session_timeout,
            proxy=proxy.choose(settings.url, settings.https_proxy, settings.http_proxy,
                               settings.no_proxy),
        ),
        debug=debug,
    )
    saved_at = None
    if settings.token_cache and not settings.kerberos and settings.username:
        from ovirtshell.api.tokencache import read_session, session_file

        saved_at = session_file(cache_dir, settings.url, settings.username)
    try:
        saved = read_session(saved_at) if saved_at is not None else None
        if saved is not None:
            if debug is not None:
                debug("using the session saved by an earlier run (token not shown)")
            client.adopt(saved.token, saved.expires)
            product, version = saved.product, saved.version
        else:
            if prompted:
                _login_asking(client, settings, ask_password)
            else:
                client.login()
            root = parse_document(client.api_root())
            if root.tag != "api":
                raise CodecError(f"malformed response from {settings.url}: the API root is <{root.tag}>, not <api>")
            product = root.findtext("product_info/name") or "oVirt Engine"
            version = root.findtext("product_info/version/full_version") or ".".join(
                root.findtext(f"product_info/version/{part}") or "0" for part in ("major", "minor", "build")
            )
        if saved_at is not None:
            client.on_login = lambda: _save(client, saved_at, product, version)
            if saved is None:
                client.on_login()
        try:
            index = load_model(settings.url, version, client.fetch_model, cache_dir)
        except RecursionError:
            raise CodecError(f"malformed response from {settings.url}: the API model is nested too deeply") from None
    except BaseException:
        client.close()
        raise
    return Connection(
        client=client, index=index, url=settings.url, product=product, version=version, session_file=saved_at
    )


def _save(client: Client, path: Path, product: str, version: str) -> None:
    from ovirtshell.api.tokencache import SavedSession, write_session

    if client.token:
        write_session(path, SavedSession(client.token, client.token_expires, product, version))


PASSWORD_TRIES = 3


def _login_asking(client: Client, settings: Settings, ask: Callable[[str], str]) -> None:
    """Check the engine answers (and TLS), then ask for the password until it is accepted."""
    from urllib.parse import urlsplit

    from ovirtshell.api.errors import AuthenticationError

    client.probe()
    where = urlsplit(settings.url).hostname or settings.url
    prompt = f"Password for {settings.username} at {where}: "
    for attempt in range(1, PASSWORD_TRIES + 1):
        client.settings.password = ask(prompt)
        try:
            client.login()
            return
        except AuthenticationError:
            if attempt == PASSWORD_TRIES:
                raise
            left = PASSWORD_TRIES - attempt
            prompt = f"Wrong password, try again ({left} {'try' if left == 1 else 'tries'} left). Password for {settings.username} at {where}: "
