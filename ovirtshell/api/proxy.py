"""HTTP proxies, as curl and the SDK honour them: `https_proxy`, `http_proxy`, `no_proxy`.

An https engine is reached through a `CONNECT` tunnel (TLS is then end to end, checked
against the engine's name); a plain-http engine gets its requests in absolute form. Loopback
engines (`localhost`, 127.0.0.0/8, ::1: the simulator) are never proxied. Proxy credentials
(`http://user:password@proxy:3128`) are sent as `Proxy-Authorization` and never shown.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from ovirtshell.api.errors import CommunicationError


class Proxy:
    """Where the proxy listens; `shown` is its URL without credentials."""

    __slots__ = ("host", "port", "shown", "authorization")

    def __init__(self, host: str, port: int, shown: str, authorization: str | None = None):
        self.host = host
        self.port = port
        self.shown = shown
        self.authorization = authorization

    def __repr__(self) -> str:  # never the credentials
        return f"Proxy({self.shown!r})"


def parse(url: str) -> Proxy:
    """A proxy URL (`http://[user:password@]host[:port]`, the scheme may be left out)."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port or 3128
    except ValueError:
        raise CommunicationError("invalid proxy URL: the port is not a number") from None
    if parts.scheme != "http" or not parts.hostname:
        raise CommunicationError(
            "invalid proxy URL: expected http://[user:password@]host[:port]")
    auth = None
    if parts.username is not None:
        import base64

        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    host = parts.hostname
    shown_host = f"[{host}]" if ":" in host else host
    return Proxy(host, port, f"http://{shown_host}:{port}", auth)


def _loopback(host: str) -> bool:
    import ipaddress

    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
            ".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _excluded(host: str, no_proxy: str) -> bool:
    import ipaddress

    host = host.lower().rstrip(".")
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        entry = entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
        entry = entry.strip("[]").lstrip(".").rstrip(".")
        if "/" in entry:
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        if host == entry or host.endswith("." + entry):
            return True
    return False


def choose(engine_url: str, https_proxy: str | None, http_proxy: str | None,
           no_proxy: str | None) -> Proxy | None:
    """The proxy to reach the engine through, or None for a direct connection."""
    parts = urlsplit(engine_url)
    chosen = https_proxy if parts.scheme == "https" else http_proxy
    host = parts.hostname or ""
    if not chosen or _loopback(host) or (no_proxy and _excluded(host, no_proxy)):
        return None
    return parse(chosen)


def connect_request(host: str, port: int, proxy: Proxy) -> bytes:
    """The head of the `CONNECT` request opening a tunnel to the engine."""
    target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
