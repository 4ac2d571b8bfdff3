"""A small hostile engine on 127.0.0.1 for the reliability tests: raw sockets, no framework.

Each route answers with a function that writes whatever it likes to the socket (a stalled
reply, a trickle, a gzip bomb, a malformed document), so the tests exercise the shell's own
limits rather than a well-behaved server's.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Writer = Callable[[socket.socket], None]

API_ROOT = (
    b'<?xml version="1.0" encoding="UTF-8"?><api><product_info><name>Fake Engine</name>'
    b"<version><full_version>4.6.0</full_version><major>4</major><minor>6</minor></version>"
    b"</product_info></api>"
)


def read_request(conn: socket.socket, data: bytes = b"") -> tuple[bytes, bytes, bytes] | None:
    """One request from the socket (after what was already read, `data`): its head, its body
    (by Content-Length) and the bytes read past it; None when the client closed first."""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, data = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(data) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return head, data[:length], data[length:]


def reply(body: bytes, status: str = "200 OK", ctype: str = "application/xml", headers: str = "") -> Writer:
    def write(conn: socket.socket) -> None:
        head = (
            f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n{headers}\r\n"
        )
        conn.sendall(head.encode("latin-1") + body)

    return write


def token() -> Writer:
    return reply(json.dumps({"access_token": "fake-token-123456", "token_type": "bearer"}).encode(), ctype="application/json")


def stall() -> Writer:
    """Accept the request and never answer."""
    def write(conn: socket.socket) -> None:
        time.sleep(30)

    return write


def trickle(in_headers: bool = False, every: float = 0.05) -> Writer:
    """One byte at a time, forever: in the body, or in an endless header."""
    def write(conn: socket.socket) -> None:
        if in_headers:
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 100000000\r\n\r\n<api>")
        for _ in range(int(30 / every)):
            conn.sendall(b"a")
            time.sleep(every)

    return write


def gzip_bomb(size: int) -> bytes:
    """A gzip body that unpacks to `size` zero bytes (about a thousandth of it on the wire)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    parts.append(packer.flush())
    return b"".join(parts)


def compressed(body: bytes) -> Writer:
    def write(conn: socket.socket) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        try:
            conn.sendall(head.encode() + body)
        except OSError:
            pass  # the shell stopped reading at its cap

    return write


class FakeEngine:
    """Routes are `"METHOD /path"` (no query) → writer; the SSO token is granted by default."""

    def __init__(self, routes: dict[str, Writer]):
        self.routes = {"POST /ovirt-engine/sso/oauth/token": token(), **routes}
        self.requests: list[str] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ovirt-engine/api"

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            request = read_request(conn)
            if request is None:
                return
            head, body, _ = request
            method, target = head.decode("latin-1").split(" ")[:2]
            key = f"{method} {target.split('?')[0]}"
            self.requests.append(key)
            writer = self.routes.get(key) or reply(b"<fault><reason>Not found</reason></fault>", "404 Not Found")
            try:
                writer(conn)
            except OSError:
                pass  # the shell hung up: that is what a deadline does


@contextmanager
def fake_engine(routes: dict[str, Writer]) -> Iterator[FakeEngine]:
    engine = FakeEngine(routes)
    thread = threading.Thread(target=engine._serve, daemon=True)
    thread.start()
    try:
        yield engine
    finally:
        engine._stop = True
        engine._server.close()
