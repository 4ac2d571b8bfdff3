"""The engine's CA: fetching its PEM (unverified) and the fingerprint to show the user."""

from __future__ import annotations

import hashlib
import re
import ssl

import httpx

from ovirtshell.api.errors import CommunicationError
from ovirtshell.api.settings import EngineUrls, user_agent
from ovirtshell.api.tls import reason


def fetch_ca_pem(base_url: str, *, timeout: float = 30.0) -> bytes:
    """The engine CA (PEM) from the unauthenticated pki-resource; not verified — show its fingerprint."""
    urls = EngineUrls.parse(base_url)
    url = f"{urls.engine}/services/pki-resource"
    params = {"resource": "ca-certificate", "format": "X509-PEM-CA"}
    try:
        with httpx.Client(verify=False, timeout=timeout, headers={"User-Agent": user_agent()}) as http:
            response = http.get(url, params=params)
    except httpx.HTTPError as exc:
        raise CommunicationError(f"cannot fetch the engine CA from {url}: {reason(exc)}") from None
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
