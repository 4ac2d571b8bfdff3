"""TLS: the SSL context built from the settings, and one-line reasons for socket/TLS errors.

`ssl` is loaded only for an https engine (building the context): a plain-http run never pays
for it, and an error can only be a TLS one once it is loaded.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

from ovirtshell.api.errors import CommunicationError
from ovirtshell.api.settings import ConnectionSettings


def ssl_context(settings: ConnectionSettings) -> ssl.SSLContext:
    """Verify by default (system store, or the CA file); --insecure turns verification off."""
    import ssl

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
                _load_certifi(ctx)
        if settings.cert_file:
            ctx.load_cert_chain(settings.cert_file, settings.key_file)
    except OSError as exc:  # ssl.SSLError is an OSError
        which = "client certificate/key" if settings.cert_file else "CA file"
        raise CommunicationError(f"cannot load the TLS {which}: {reason(exc)}") from None
    return ctx


def _load_certifi(ctx: ssl.SSLContext) -> None:
    """Mozilla's CA bundle, when the system has no trust store and certifi is installed."""
    try:
        import certifi  # type: ignore[import-not-found]
    except ImportError:
        return  # verification will fail and say so: --ca-file names the engine's CA
    ctx.load_verify_locations(cafile=certifi.where())


def find_cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in the chain (causes, contexts, exception arguments)."""
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


def reason(exc: BaseException) -> str:
    """'[Errno 111] Connection refused' → 'connection refused'."""
    ssl = sys.modules.get("ssl")
    if ssl is not None:
        if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
            return reason(Exception(exc.verify_message))
        if isinstance(exc, ssl.SSLError) and exc.reason:
            return exc.reason.lower().replace("_", " ")
    text = str(exc) or type(exc).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    text = re.sub(r"^\[SSL: [A-Z_]+\]\s*", "", text)
    text = " ".join(text.split()).rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text
