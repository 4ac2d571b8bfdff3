"""The engine's CA: fetching its PEM (unverified) and the fingerprint to show the user."""

from __future__ import annotations

import hashlib
import re
import ssl
from typing import TYPE_CHECKING

from ovirtshell.api.errors import CommunicationError
from ovirtshell.api.settings import ConnectionSettings, EngineUrls

if TYPE_CHECKING:
    from ovirtshell.api.proxy import Proxy

#: A CA certificate is a few kilobytes; nothing larger is read.
MAX_CA_SIZE = 1 << 20


def fetch_ca_pem(base_url: str, *, timeout: float | None = None,
                 proxy: Proxy | None = None) -> bytes:
    """The engine CA (PEM) from the unauthenticated pki-resource; not verified — show its fingerprint.

    Sent through the shell's transport (without verification), so the request deadline and
    a size cap hold here too.
    """
    from ovirtshell.api.transport import Transport

    urls = EngineUrls.parse(base_url)
    url = f"{urls.engine}/services/pki-resource"
    params = [("resource", "ca-certificate"), ("format", "X509-PEM-CA")]
    settings = ConnectionSettings(url=base_url, insecure=True, timeout=timeout,
                                  max_response=MAX_CA_SIZE, proxy=proxy)
    transport = Transport(settings, urls, debug=None, token=lambda: None)
    try:
        response = transport.send("GET", url, params=params)
    except CommunicationError as exc:
        raise CommunicationError(f"cannot fetch the engine CA from {url}: {exc}") from None
    finally:
        transport.close()
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
