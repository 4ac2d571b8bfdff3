"""HTTP proxies from the environment: a CONNECT tunnel for https engines, absolute-form
requests for plain http, credentials sent and never shown, no_proxy and loopback direct.

The engine's host name (`engine.test`) resolves nowhere: only the proxy below, a real one on
127.0.0.1 that maps every host to the simulator, can reach it.
"""

from __future__ import annotations

import base64
import select
import socket
import socketserver
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from ovirtshell.api.proxy import choose
from ovirtshell.status import ExitStatus
from ovirtsim.testing import run_simulator

CREDENTIALS = "proxyuser:Pr0xy-secret"


class Proxy(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream: tuple[str, int], need_auth: bool):
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.upstream = upstream
        self.need_auth = need_auth
        self.seen: list[tuple[str, str, str | None]] = []  # method, target, authorization

    @property
    def url(self) -> str:
        return f"http://{CREDENTIALS}@127.0.0.1:{self.server_address[1]}"


class ProxyHandler(socketserver.StreamRequestHandler):
    server: Proxy

    def handle(self) -> None:
        while self._one():
            pass

    def _head(self) -> tuple[str, str, dict[str, str]] | None:
        line = self.rfile.readline(65536).decode("latin-1").strip()
        if not line:
            return None
        method, target, _version = line.split(" ", 2)
        headers = {}
        while (field := self.rfile.readline(65536).decode("latin-1").strip()):
            name, _, value = field.partition(":")
            headers[name.strip().lower()] = value.strip()
        return method, target, headers

    def _one(self) -> bool:
        head = self._head()
        if head is None:
            return False
        method, target, headers = head
        auth = headers.get("proxy-authorization")
        self.server.seen.append((method, target, auth))
        expected = "Basic " + base64.b64encode(CREDENTIALS.encode()).decode()
        if self.server.need_auth and auth != expected:
            self.wfile.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                             b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            return False
        upstream = socket.create_connection(self.server.upstream, timeout=30)
        if method == "CONNECT":
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pipe(upstream)
            return False
        # absolute form: ask the engine in origin form, one exchange per connection
        parts = urlsplit(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers.pop("proxy-authorization", None)
        headers["connection"] = "close"
        body = self.rfile.read(int(headers.get("content-length", "0")))
        lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
        upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        while (data := upstream.recv(65536)):
            self.wfile.write(data)
        upstream.close()
        return False

    def _pipe(self, upstream: socket.socket) -> None:
        ends = [self.connection, upstream]
        try:
            while True:
                readable, _, _ = select.select(ends, [], [], 30)
                if not readable:
                    return
                for end in readable:
                    data = end.recv(65536)
                    if not data:
                        return
                    (upstream if end is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


def _proxy(engine_url: str, need_auth: bool = True) -> Iterator[Proxy]:
    parts = urlsplit(engine_url)
    server = Proxy((parts.hostname or "", parts.port or 80), need_auth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy(sim) -> Iterator[Proxy]:  # type: ignore[no-untyped-def]
    yield from _proxy(sim.url)


def _behind(url: str) -> str:
    """The engine's URL under a name only the proxy can resolve."""
    parts = urlsplit(url)
    return url.replace(parts.netloc, f"engine.test:{parts.port}", 1)


def test_plain_http_engine_through_the_proxy(ovirt, sim, proxy: Proxy) -> None:  # type: ignore[no-untyped-def]
    environ = {"OVIRT_URL": _behind(sim.url), "http_proxy": proxy.url}
    run = ovirt("-d", "-E", "list vms", environ=environ)
    assert run.status == ExitStatus.OK, run.err
    assert "vm0" in run.out
    targets = [t for _m, t, _a in proxy.seen]
    assert all(t.startswith("http://engine.test:") for t in targets), targets
    assert any("/ovirt-engine/api/vms" in t for t in targets)
    expected = "Basic " + base64.b64encode(CREDENTIALS.encode()).decode()
    assert {a for _m, _t, a in proxy.seen} == {expected}
    # the debug output names the proxy but never its credentials
    assert "through the proxy http://127.0.0.1:" in run.err
    assert "Pr0xy-secret" not in run.err + run.out
    assert expected.split()[1] not in run.err
    assert "Proxy-Authorization: Basic ***" in run.err


def test_https_engine_through_a_connect_tunnel(ovirt) -> None:  # type: ignore[no-untyped-def]
    with run_simulator(tls=True) as engine:
        for proxy in _proxy(engine.url):
            environ = {"OVIRT_URL": _behind(engine.url), "OVIRT_USERNAME": engine.username,
                       "OVIRT_PASSWORD": engine.password, "HTTPS_PROXY": proxy.url}
            # TLS runs end to end: the engine's certificate is checked against engine.test
            strict = ovirt("-A", engine.ca_file, "-E", "ping", environ=environ)
            assert strict.status == ExitStatus.COMMUNICATION_ERROR
            assert "certificate" in strict.err
            run = ovirt("-I", "-E", "list vms", environ=environ)
            assert run.status == ExitStatus.OK, run.err
            assert "vm0" in run.out
            assert {m for m, _t, _a in proxy.seen} == {"CONNECT"}
            assert {t for _m, t, _a in proxy.seen} == {_behind(engine.url).split("/")[2]}


def test_a_refusing_proxy_is_named(ovirt, sim, proxy: Proxy) -> None:  # type: ignore[no-untyped-def]
    without = proxy.url.replace(CREDENTIALS + "@", "")
    with run_simulator(tls=True) as engine:
        environ = {"OVIRT_URL": _behind(engine.url), "https_proxy": without,
                   "OVIRT_USERNAME": engine.username, "OVIRT_PASSWORD": engine.password}
        run = ovirt("-I", "-E", "ping", environ=environ)
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "refused to connect to the engine: 407 Proxy Authentication Required" in run.err
    assert "Traceback" not in run.err


def test_no_proxy_and_loopback_connect_directly(ovirt, sim, proxy: Proxy) -> None:  # type: ignore[no-untyped-def]
    # engine.test excluded: the shell tries it directly and cannot resolve it
    run = ovirt("-E", "ping", environ={"OVIRT_URL": _behind(sim.url), "http_proxy": proxy.url,
                                       "NO_PROXY": "example.org,.test"})
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "cannot reach" in run.err and "proxy" not in run.err
    # the simulator on 127.0.0.1: never through the proxy, even a dead one
    dead = "http://127.0.0.1:9"
    run = ovirt("-E", "list vms", environ={"http_proxy": dead, "HTTPS_PROXY": dead})
    assert run.status == ExitStatus.OK, run.err
    assert proxy.seen == []


def test_an_unreachable_proxy_is_named(ovirt, sim) -> None:  # type: ignore[no-untyped-def]
    run = ovirt("-E", "ping", environ={"OVIRT_URL": _behind(sim.url),
                                       "http_proxy": "http://u:hidden-pw@127.0.0.1:9"})
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "the proxy http://127.0.0.1:9 does not answer" in run.err
    assert "hidden-pw" not in run.err


@pytest.mark.parametrize("url,no_proxy,chosen", [
    ("https://engine.example.com/ovirt-engine/api", None, "http://proxy:3128"),
    ("https://engine.example.com/ovirt-engine/api", "example.com", None),
    ("https://engine.example.com/ovirt-engine/api", ".example.com", None),
    ("https://engine.example.com/ovirt-engine/api", "ample.com", "http://proxy:3128"),
    ("https://engine.example.com/ovirt-engine/api", "*", None),
    ("https://10.1.2.3/ovirt-engine/api", "10.0.0.0/8", None),
    ("https://10.1.2.3/ovirt-engine/api", "engine.example.com:443", "http://proxy:3128"),
    ("https://localhost/ovirt-engine/api", None, None),
    ("https://127.0.0.2/ovirt-engine/api", None, None),
    ("https://[::1]/ovirt-engine/api", None, None),
    ("http://engine.example.com/ovirt-engine/api", None, None),  # no http_proxy given
])
def test_which_engines_go_through_the_proxy(url: str, no_proxy: str | None,
                                            chosen: str | None) -> None:
    got = choose(url, "proxy:3128", None, no_proxy)
    assert (got.shown if got else None) == chosen
