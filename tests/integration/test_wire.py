"""The shell's HTTP/1.1 wire (api/http11.py through api/transport.py) against raw servers on
127.0.0.1: body framings, kept connections, malformed answers, and what is refused before
sending. The simulator tests (test_client.py) and the hostile engine (test_hostile_engine.py)
cover the rest: TLS, the deadline, the size cap."""

from __future__ import annotations

import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from ovirtshell.api.client import Client
from ovirtshell.api.errors import CommunicationError
from ovirtshell.api.settings import ConnectionSettings, EngineUrls
from ovirtshell.api.transport import Transport
from ovirtshell.status import ExitStatus, UsageError

from fakeengine import fake_engine, read_request, reply

Answer = Callable[[bytes], bytes]  # the request head and body -> the bytes written back


class KeepAliveServer:
    """Answers any number of requests per connection; `drop()` closes the idle ones."""

    def __init__(self, answer: Answer):
        self.answer = answer
        self.connections = 0
        self.targets: list[str] = []
        self._open: list[socket.socket] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ovirt-engine/api"

    def drop(self) -> None:
        for conn in self._open:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self._open.clear()

    def close(self) -> None:
        self.drop()
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        data = b""
        try:
            while (request := read_request(conn, data)) is not None:
                head, body, data = request
                self.targets.append(head.split(b" ")[1].decode())
                conn.sendall(self.answer(head + b"\r\n\r\n" + body))
        except OSError:
            return
        finally:
            conn.close()


@contextmanager
def keep_alive(answer: Answer) -> Iterator[KeepAliveServer]:
    server = KeepAliveServer(answer)
    try:
        yield server
    finally:
        server.close()


def ok(body: bytes, extra: str = "") -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body


def transport(url: str, **settings: object) -> Transport:
    return Transport(ConnectionSettings(url=url, **settings), EngineUrls.parse(url), debug=None, token=lambda: None)  # type: ignore[arg-type]


def test_kept_connections_carry_several_requests_and_a_closed_one_is_replaced() -> None:
    with keep_alive(lambda _: ok(b"<api/>")) as server:
        t = transport(server.url)
        for _ in range(3):
            assert t.send("GET", server.url).content == b"<api/>"
        assert server.connections == 1
        server.drop()  # the server closes the idle connection, as engines do after a while
        assert t.send("GET", server.url).content == b"<api/>"
        assert server.connections == 2
        t.close()


def test_a_kept_connection_closed_without_notice_is_retried_for_a_get() -> None:
    answers = iter([ok(b"<one/>"), b"", ok(b"<two/>")])  # the second exchange gets no answer at all

    def answer(_: bytes) -> bytes:
        data = next(answers)
        if not data:
            raise OSError("hang up")  # the handler returns: the connection is closed unanswered
        return data

    with keep_alive(answer) as server:
        t = transport(server.url)
        assert t.send("GET", server.url).content == b"<one/>"
        # closed only once the request is read: the check before reusing it cannot see that
        assert t.send("GET", server.url).content == b"<two/>"
        assert server.connections == 2
        t.close()


def test_chunked_gzip_and_close_delimited_bodies() -> None:
    packed = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    gz = packed.compress(b"<api>" + b"x" * 100_000 + b"</api>") + packed.flush()
    pieces = [gz[i : i + 777] for i in range(0, len(gz), 777)]
    chunked = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Encoding: gzip\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
        + b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in pieces)
        + b"0\r\nX-Trailer: yes\r\n\r\n"
    )
    with keep_alive(lambda _: chunked) as server:
        t = transport(server.url)
        for _ in range(2):
            assert t.send("GET", server.url).content == b"<api>" + b"x" * 100_000 + b"</api>"
        assert server.connections == 1  # the chunked answer left the connection usable
        t.close()

    def until_closed(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/xml\r\n\r\n<api>")
        conn.sendall(b"</api>")

    with fake_engine({"GET /ovirt-engine/api": until_closed}) as engine:
        t = transport(engine.url)
        assert t.send("GET", engine.url).content == b"<api></api>"
        t.close()


def test_interim_answers_are_skipped_and_head_has_no_body() -> None:
    def answer(request: bytes) -> bytes:
        if request.startswith(b"HEAD"):
            return b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
        return b"HTTP/1.1 100 Continue\r\n\r\n" + ok(b"<api/>")

    with keep_alive(answer) as server:
        t = transport(server.url)
        assert t.send("HEAD", server.url).status_code == 200
        response = t.send("GET", server.url)
        assert (response.status_code, response.content) == (200, b"<api/>")
        assert response.headers.get("content-type") == "application/xml"
        assert server.connections == 1
        t.close()


@pytest.mark.parametrize(
    "answer",
    [
        b"SMTP ready\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<api>",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 101 + b"\r\n",
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"",
    ],
    ids=["not-http", "bad-status", "bad-header", "bad-length", "truncated", "bad-chunk", "many-headers",
         "long-header", "silence"],
)
def test_a_malformed_answer_is_a_communication_error(answer: bytes) -> None:
    def write(conn: socket.socket) -> None:
        conn.sendall(answer)

    with fake_engine({"GET /ovirt-engine/api": write}) as engine:
        t = transport(engine.url, timeout=5)
        with pytest.raises(CommunicationError) as info:
            t.send("GET", engine.url)
        t.close()
    assert str(info.value).startswith(f"malformed response from {engine.url}: ")
    assert info.value.status == ExitStatus.COMMUNICATION_ERROR


def test_a_redirect_is_not_followed() -> None:
    moved = reply(b"", "302 Found", headers="Location: http://elsewhere.example/\r\n")
    with fake_engine({"GET /ovirt-engine/api/vms": moved}) as engine:
        c = Client(ConnectionSettings(url=engine.url, username="a@internal", password="pw"))
        with pytest.raises(CommunicationError) as info:
            c.get("/vms")
        c.close()
    assert "unexpected HTTP 302" in str(info.value) and "elsewhere.example" in str(info.value)
    assert engine.requests == ["POST /ovirt-engine/sso/oauth/token", "GET /ovirt-engine/api/vms"]


def test_what_is_sent_paths_queries_and_forms() -> None:
    seen: list[bytes] = []

    def answer(request: bytes) -> bytes:
        seen.append(request)
        return ok(b"<api/>")

    with keep_alive(answer) as server:
        t = transport(server.url)
        t.send("GET", server.url + "/vms/é x", params=[("search", "name=a b&c"), ("max", "5")])
        t.send("POST", server.url + "/vms", data={"user": "a b", "password": "p&w"})
        t.send("POST", server.url + "/vms/1/start")
        t.close()
    assert server.targets[0] == "/ovirt-engine/api/vms/%C3%A9%20x?search=name%3Da+b%26c&max=5"
    head, _, body = seen[1].partition(b"\r\n\r\n")
    assert body == b"user=a+b&password=p%26w"
    assert b"\r\nContent-Type: application/x-www-form-urlencoded" in head
    assert b"\r\nContent-Length: 0\r\n" in seen[2]


@pytest.mark.parametrize("url, headers", [
    ("http://127.0.0.1:9/ovirt-engine/api/vms/a\nb", None),
    ("http://127.0.0.1:9/ovirt-engine/api/vms/a\x7f", None),
    ("http://127.0.0.1:9/ovirt-engine/api/vms/" + "x" * 9000, None),
    ("http://127.0.0.1:9/ovirt-engine/api", {"Correlation-Id": "a\r\nX-Evil: 1"}),
    ("http://127.0.0.1:9/ovirt-engine/api", {"Correlation-Id": "ça ✓"}),
], ids=["newline", "delete", "long", "header-injection", "not-latin-1"])
def test_what_cannot_be_sent_is_a_syntax_error_before_connecting(url: str, headers: dict[str, str] | None) -> None:
    t = transport("http://127.0.0.1:9/ovirt-engine/api")
    with pytest.raises(UsageError):
        t.send("GET", url, headers=headers)
    t.close()
