"""HTTP/1.1 on a plain or TLS socket: the part of it an engine client needs.

The standard library's `http.client` would do, but it imports the `email` package (about
15 ms at every start, as much as the rest of the wire together); this is the small subset the
shell uses: one exchange at a time per connection, bodies framed by Content-Length, chunked
or the end of the connection, keep-alive. Every socket operation gets only what is left of
the exchange's deadline (`at`, a `time.monotonic()` instant), so a server that stalls or
trickles one byte a second ends the exchange when its deadline passes, in the headers as in
the body.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from typing import Any

MAX_LINE = 65536  # bytes of a status or header line
MAX_HEADERS = 100
_READ = 65536  # bytes asked of the socket for headers
_BODY_READ = 256 * 1024  # and for a body


class Error(Exception):
    """What goes wrong on the wire, besides the socket's own `OSError`s."""


class Expired(Error):
    """The deadline passed; `connecting` tells whether it was before the connection was made."""

    def __init__(self, connecting: bool = False):
        super().__init__("the request deadline passed")
        self.connecting = connecting


class ProtocolError(Error):
    """The server's answer is not HTTP/1.x as it must be."""


class Unreachable(Error):
    """No connection could be made (refused, no route, unknown host); `cause` says why."""

    def __init__(self, cause: OSError):
        super().__init__(str(cause))
        self.cause = cause


class TunnelRefused(Error):
    """The proxy would not open a tunnel to the engine (its status says why)."""

    def __init__(self, proxy: str, status: str):
        super().__init__(f"the proxy {proxy} refused to connect to the engine: {status}")


class Closed(ProtocolError):
    """The server closed the connection before it began to answer."""


def left(at: float, connecting: bool = False) -> float:
    """Seconds left until `at`; `Expired` when none."""
    remaining = at - time.monotonic()
    if remaining <= 0:
        raise Expired(connecting)
    return remaining


class Headers:
    """Header fields in the order received; lookups ignore case, repeated fields are joined."""

    __slots__ = ("raw",)

    def __init__(self, raw: list[tuple[str, str]] | None = None):
        self.raw = raw if raw is not None else []

    def get(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        values = [v for k, v in self.raw if k.lower() == name]
        return ", ".join(values) if values else default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def items(self) -> list[tuple[str, str]]:
        return list(self.raw)


class Request:
    """What is sent: the method, the full URL, the header fields and the body."""

    __slots__ = ("method", "url", "headers", "content")

    def __init__(self, method: str, url: str, headers: Headers, content: bytes):
        self.method = method
        self.url = url
        self.headers = headers
        self.content = content


class Response:
    """The status line and header fields; `content` holds the body once it has been read whole."""

    __slots__ = ("status_code", "reason_phrase", "http_version", "headers", "content", "request", "started")

    def __init__(self, status: int, reason: str, version: str, headers: Headers, request: Request):
        self.status_code = status
        self.reason_phrase = reason
        self.http_version = version
        self.headers = headers
        self.content = b""
        self.request = request
        self.started = 0.0  # when the request was sent (time.monotonic())

    def json(self) -> Any:
        """The body parsed as JSON (ValueError when it is not)."""
        return json.loads(self.content)


class Connection:
    """One socket to the server; `reusable` once an answer has been read to its end and the
    server keeps the connection open."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._buf = bytearray()
        self.reusable = False

    @classmethod
    def open(cls, host: str, port: int, tls: Any, at: float, tunnel: Any = None) -> Connection:
        """Connect (and shake hands with `tls`, an `ssl.SSLContext`, if given) before `at`.

        With `tunnel` (a `proxy.Proxy`), the socket goes to the proxy, which is asked to
        open a tunnel to `host:port` first; TLS then runs through it to the engine.
        """
        via = (tunnel.host, tunnel.port) if tunnel is not None else (host, port)
        try:
            sock = socket.create_connection(via, timeout=left(at, True))
        except TimeoutError:
            raise Expired(True) from None
        except OSError as exc:
            raise Unreachable(exc) from None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if tunnel is not None:
                cls._tunnel(sock, host, port, tunnel, at)
            if tls is not None:
                sock.settimeout(left(at, True))
                try:
                    sock = tls.wrap_socket(sock, server_hostname=host)
                except TimeoutError:
                    raise Expired(True) from None
        except BaseException:
            sock.close()
            raise
        return cls(sock)

    @classmethod
    def _tunnel(cls, sock: socket.socket, host: str, port: int, tunnel: Any, at: float) -> None:
        from ovirtshell.api.proxy import connect_request

        raw = cls(sock)
        head = connect_request(host, port, tunnel)
        request = Request("CONNECT", f"{host}:{port}", Headers(), b"")
        try:
            raw.send(head, b"", at)
            response, _body = raw.read_head(request, at)
        except Expired:
            raise Expired(True) from None
        if not 200 <= response.status_code < 300:
            raise TunnelRefused(tunnel.shown, f"{response.status_code} {response.reason_phrase}")
        if raw._buf:
            raise ProtocolError(f"the proxy {tunnel.shown} sent data before the tunnel opened")

    def close(self) -> None:
        self.reusable = False
        self._sock.close()

    def idle_and_open(self) -> bool:
        """Whether a kept connection can carry another request: a readable idle socket means
        the server closed it (or sent something unasked)."""
        try:
            readable, _, _ = select.select([self._sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable and not self._buf

    def send(self, head: bytes, body: bytes, at: float) -> None:
        self.reusable = False
        self._sock.settimeout(left(at))
        try:
            self._sock.sendall(head + body if len(body) < _READ else head)
            if len(body) >= _READ:
                self._sock.sendall(body)
        except TimeoutError:
            raise Expired() from None

    def _fill(self, at: float) -> bool:
        """Read what has arrived into the buffer; False at the end of the connection."""
        data = self._recv(_READ, at)
        self._buf += data
        return bool(data)

    def _line(self, at: float) -> str:
        while True:
            end = self._buf.find(b"\n", 0, MAX_LINE + 1)
            if end >= 0:
                line = bytes(self._buf[: end + 1])
                del self._buf[: end + 1]
                return line.decode("latin-1").rstrip("\r\n")
            if len(self._buf) > MAX_LINE:
                raise ProtocolError("a header line is too long")
            if not self._fill(at):
                raise ProtocolError("the connection closed in the middle of the headers")

    def read_head(self, request: Request, at: float) -> tuple[Response, Iterator[bytes]]:
        """The response (status and headers) and the iterator of its raw body pieces."""
        while True:
            if not self._buf and not self._fill(at):
                raise Closed("the server closed the connection without answering")
            status_line = self._line(at)
            version, _, rest = status_line.partition(" ")
            code, _, reason = rest.partition(" ")
            if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
                raise ProtocolError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
            fields: list[tuple[str, str]] = []
            while True:
                line = self._line(at)
                if not line:
                    break
                if line[0] in " \t" and fields:  # an obsolete folded continuation
                    name, value = fields[-1]
                    fields[-1] = (name, f"{value} {line.strip()}")
                    continue
                name, colon, value = line.partition(":")
                if not colon or not name or name != name.strip():
                    raise ProtocolError(f"malformed header line: {line[:80]!r}")
                fields.append((name, value.strip()))
                if len(fields) > MAX_HEADERS:
                    raise ProtocolError(f"more than {MAX_HEADERS} header lines")
            status = int(code)
            if 100 <= status < 200 and status != 101:
                continue  # an interim answer (100 Continue): the real one follows
            headers = Headers(fields)
            response = Response(status, reason, version, headers, request)
            return response, self._body(request.method, status, version, headers, at)

    def _body(self, method: str, status: int, version: str, headers: Headers, at: float) -> Iterator[bytes]:
        tokens = {t.strip().lower() for t in (headers.get("Connection") or "").split(",")}
        keep = version == "HTTP/1.1" and "close" not in tokens
        if method == "HEAD" or status in (204, 304) or status < 200:
            return self._empty(keep)
        encoding = (headers.get("Transfer-Encoding") or "").lower()
        if encoding:
            if encoding.split(",")[-1].strip() != "chunked":
                raise ProtocolError(f"unsupported transfer encoding {encoding!r}")
            return self._chunked(keep, at)
        length = headers.get("Content-Length")
        if length is not None:
            values = {v.strip() for v in length.split(",")}
            if len(values) != 1 or not next(iter(values)).isdigit():
                raise ProtocolError(f"bad Content-Length {length!r}")
            return self._sized(int(values.pop()), keep, at)
        return self._until_closed(at)

    def _empty(self, keep: bool) -> Iterator[bytes]:
        self.reusable = keep
        yield from ()

    def _recv(self, size: int, at: float) -> bytes:
        self._sock.settimeout(left(at))
        try:
            return self._sock.recv(size)
        except TimeoutError:
            raise Expired() from None

    def _sized(self, size: int, keep: bool, at: float) -> Iterator[bytes]:
        while size:
            if self._buf:
                piece = bytes(self._buf[:size])
                del self._buf[: len(piece)]
            else:
                piece = self._recv(min(size, _BODY_READ), at)
                if not piece:
                    raise ProtocolError("the connection closed before the end of the body")
            size -= len(piece)
            yield piece
        self.reusable = keep

    def _chunked(self, keep: bool, at: float) -> Iterator[bytes]:
        while True:
            line = self._line(at)
            size_text = line.split(";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ProtocolError(f"bad chunk size {line[:40]!r}") from None
            if size < 0:
                raise ProtocolError(f"bad chunk size {line[:40]!r}")
            if size == 0:
                while self._line(at):  # trailer fields, ignored
                    pass
                break
            yield from self._sized(size, False, at)
            if self._line(at):
                raise ProtocolError("a chunk is longer than its size")
        self.reusable = keep

    def _until_closed(self, at: float) -> Iterator[bytes]:
        if self._buf:
            yield bytes(self._buf)
            self._buf.clear()
        while True:
            piece = self._recv(_BODY_READ, at)
            if not piece:
                return
            yield piece
