"""The HTTP client against the project's engine simulator (127.0.0.1, an ephemeral port)."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ovirtshell.api.client import Client, ConnectionSettings
from ovirtshell.api.codec import decode, decode_list
from ovirtshell.api.errors import (
    AuthenticationError,
    CommunicationError,
    NotFoundError,
    RemoteError,
)
from ovirtshell.api.pki import ca_fingerprint, fetch_ca_pem
from ovirtshell.metadata.model import Model
from ovirtshell.status import ExitStatus

testing = pytest.importorskip("ovirtsim.testing")
run_simulator = testing.run_simulator


@pytest.fixture(scope="module")
def sim() -> Iterator[object]:
    with run_simulator(seed="demo", time_scale=0.0) as handle:
        yield handle


def _settings(handle: object, **overrides: object) -> ConnectionSettings:
    values: dict[str, object] = {
        "url": handle.url,  # type: ignore[attr-defined]
        "username": handle.username,  # type: ignore[attr-defined]
        "password": handle.password,  # type: ignore[attr-defined]
    }
    values.update(overrides)
    return ConnectionSettings(**values)  # type: ignore[arg-type]


@pytest.fixture()
def client(sim: object) -> Iterator[Client]:
    c = Client(_settings(sim))
    c.login()
    yield c
    c.logout()
    c.close()


def test_login_and_api_root(client: Client) -> None:
    root = client.api_root()
    assert root.lstrip().startswith(b"<")
    assert b"<product_info>" in root


def test_list_vms_decoded_with_the_served_model(client: Client) -> None:
    model = Model.from_json(json.loads(client.fetch_model()))
    assert "vm" in model.types
    items = decode_list(model, "vm", client.get("/vms"))
    assert items, "the demo seed has VMs"
    for vm in items:
        assert isinstance(vm["id"], str) and vm["id"]
        assert isinstance(vm["name"], str)
        assert "actions" not in vm and "link" not in vm
        if "memory" in vm:
            assert isinstance(vm["memory"], int)
    # an href from the engine works as a path, and the entity decodes to the same object
    first = items[0]
    one = decode(model, "vm", client.get(first["href"]))
    assert one["id"] == first["id"] and one["name"] == first["name"]
    # and so does the relative form, without a leading slash
    assert decode(model, "vm", client.get(f"vms/{first['id']}"))["id"] == first["id"]
    root = decode(model, "api", client.api_root())
    assert isinstance(root["product_info"]["version"]["major"], int)


def test_search_parameters_are_sent(client: Client) -> None:
    model = Model.from_json(json.loads(client.fetch_model()))
    everything = decode_list(model, "vm", client.get("/vms"))
    name = everything[0]["name"]
    found = decode_list(model, "vm", client.get("/vms", {"search": f"name={name}", "max": 5}))
    assert [vm["name"] for vm in found] == [name]


def test_not_found(client: Client) -> None:
    with pytest.raises(NotFoundError) as info:
        client.get("/vms/00000000-0000-0000-0000-0000000000ff")
    assert info.value.status == ExitStatus.NOT_FOUND
    assert "404" in str(info.value)


def test_fault_becomes_remote_error(client: Client) -> None:
    with pytest.raises(RemoteError) as info:
        client.post("/vms", b"<vm><description>no name, no cluster</description></vm>")
    error = info.value
    assert error.status == ExitStatus.REMOTE_ERROR
    assert error.http_status == 400
    assert error.reason
    assert str(error).startswith(f"{error.reason}: ") and str(error).endswith("(HTTP 400)")


def test_wrong_password(sim: object) -> None:
    with Client(_settings(sim, password="not-the-password")) as c, pytest.raises(AuthenticationError) as info:
        c.login()
    message = str(info.value)
    assert info.value.status == ExitStatus.AUTHENTICATION_ERROR
    assert message.startswith("authentication failed: ")
    assert ".." not in message and "not-the-password" not in message


def test_unreachable_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/ovirt-engine/api"
    c = Client(ConnectionSettings(url=url, username="admin@internal", password="x", timeout=5))
    with pytest.raises(CommunicationError) as info:
        c.login()
    assert info.value.status == ExitStatus.COMMUNICATION_ERROR
    assert str(info.value).startswith(f"cannot reach {url}: ")
    assert "refused" in str(info.value)
    c.close()


def test_expired_token_is_renewed_transparently() -> None:
    lines: list[str] = []
    with run_simulator(seed="demo", time_scale=0.0, token_ttl=1) as handle:
        c = Client(_settings(handle), debug=lines.append)
        c.login()
        first = c.api_root()
        time.sleep(1.6)
        second = c.api_root()  # 401 with the stale token, new login, replay
        c.logout()
        c.close()
    assert b"<product_info>" in first and b"<product_info>" in second
    logins = [line for line in lines if line.startswith("> POST") and "/sso/oauth/token" in line]
    assert len(logins) == 2
    assert any(line.startswith("< HTTP/1.1 401") for line in lines)


SECRET = "S3cret-Pa55word"


def test_debug_sink_hides_secrets() -> None:
    lines: list[str] = []
    with run_simulator(seed="demo", time_scale=0.0, admin_password=SECRET) as handle:
        c = Client(_settings(handle), debug=lines.append)
        c.login()
        token = c._token
        assert token
        c.api_root()
        with pytest.raises(NotFoundError):
            c.get("/vms/does-not-exist")
        handle.expire_tokens()
        c.api_root()  # a re-login is logged too
        renewed = c._token
        c.logout()
        c.close()
        # Basic: the credentials travel in every request's Authorization header
        handle.inject_fault(path_regex="/sso/oauth/token$", status=404, reason="", count=None)
        basic = Client(_settings(handle), debug=lines.append)
        basic.login()
        basic.get("/vms", {"max": 1})
        basic.close()
    text = "\n".join(lines)
    assert SECRET not in text
    assert token not in text and renewed not in text
    assert "> Authorization: Bearer ***" in lines
    assert "> Authorization: Basic ***" in lines
    assert "password=***" in text
    assert "token=***" in text  # the logout form
    for line in lines:
        assert "access_token" not in line or '"access_token":"***"' in line.replace(" ", "")
    # nor in the repr of the settings or the client
    settings = _settings(handle)
    assert SECRET not in repr(settings) and SECRET not in repr(Client(settings))


def test_logout_revokes_the_token(sim: object) -> None:
    c = Client(_settings(sim))
    c.login()
    token = c._token
    assert token
    c.api_root()
    c.logout()
    c.close()
    response = httpx.get(
        sim.url,  # type: ignore[attr-defined]
        headers={"Authorization": f"Bearer {token}", "Version": "4", "Accept": "application/xml"},
    )
    assert response.status_code == 401
    c.logout()  # a second logout is harmless


@pytest.fixture(scope="module")
def tls_sim() -> Iterator[object]:
    with run_simulator(seed="demo", time_scale=0.0, tls=True) as handle:
        yield handle


def test_tls_with_ca_file(tls_sim: object) -> None:
    assert tls_sim.url.startswith("https://")  # type: ignore[attr-defined]
    with Client(_settings(tls_sim, ca_file=tls_sim.ca_file)) as c:  # type: ignore[attr-defined]
        c.login()
        assert b"<product_info>" in c.api_root()


def test_tls_without_ca_file_fails(tls_sim: object) -> None:
    with Client(_settings(tls_sim)) as c, pytest.raises(CommunicationError) as info:
        c.login()
    message = str(info.value)
    assert "certificate" in message and "--ca-file" in message
    assert message.startswith(f"TLS certificate verification failed for {tls_sim.url}")  # type: ignore[attr-defined]


def test_tls_insecure(tls_sim: object) -> None:
    with Client(_settings(tls_sim, insecure=True)) as c:
        c.login()
        assert b"<product_info>" in c.api_root()


def test_fetch_ca_and_fingerprint(tls_sim: object) -> None:
    pem = fetch_ca_pem(tls_sim.url)  # type: ignore[attr-defined]
    expected = Path(tls_sim.ca_file).read_bytes()  # type: ignore[attr-defined]
    fingerprint = ca_fingerprint(pem)
    assert fingerprint == ca_fingerprint(expected)
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", fingerprint)


def test_basic_fallback_when_there_is_no_sso(sim: object) -> None:
    sim.inject_fault(path_regex="/sso/oauth/token$", status=404, reason="", count=None)  # type: ignore[attr-defined]
    try:
        with Client(_settings(sim)) as c:
            c.login()
            assert c._token is None and c.logged_in
            assert b"<vms" in c.get("/vms")
        with Client(_settings(sim, password="wrong")) as c, pytest.raises(AuthenticationError):
            c.login()
    finally:
        sim.clear_faults()  # type: ignore[attr-defined]


def test_remote_fault_message(client: Client, sim: object) -> None:
    sim.inject_fault(  # type: ignore[attr-defined]
        method="POST", path_regex="/vms/.*/start$", status=409, detail="[Cannot run VM. VM is running.]"
    )
    with pytest.raises(RemoteError) as info:
        client.post("/vms/123/start", b"<action/>")
    assert str(info.value) == "Operation Failed: [Cannot run VM. VM is running.] (HTTP 409)"
    assert (info.value.reason, info.value.detail, info.value.http_status) == (
        "Operation Failed",
        "[Cannot run VM. VM is running.]",
        409,
    )
    # the <action><fault> form
    sim.inject_fault(  # type: ignore[attr-defined]
        path_regex="/vms/.*/stop$",
        status=400,
        body="<action><fault><reason>Operation Failed</reason><detail>[Cannot stop VM. VM is not running.]"
        "</detail></fault><status>failed</status></action>",
    )
    with pytest.raises(RemoteError) as info:
        client.post("/vms/123/stop", b"<action/>")
    assert info.value.detail == "[Cannot stop VM. VM is not running.]" and info.value.http_status == 400


def test_error_without_fault(client: Client, sim: object) -> None:
    sim.inject_fault(path_regex="/hosts$", status=503, body="<html>down for maintenance</html>")  # type: ignore[attr-defined]
    with pytest.raises(RemoteError) as info:
        client.get("/hosts")
    assert info.value.reason is None and info.value.http_status == 503
    assert "HTTP 503" in str(info.value)


def test_malformed_responses(client: Client, sim: object) -> None:
    sim.inject_fault(path_regex="/clusters$", status=200, body="<clusters><cluster>")  # type: ignore[attr-defined]
    model = Model.from_json(json.loads(client.fetch_model()))
    with pytest.raises(CommunicationError) as info:
        decode_list(model, "cluster", client.get("/clusters"))
    assert str(info.value).startswith("malformed response")
    assert info.value.status == ExitStatus.COMMUNICATION_ERROR


def test_timeout(sim: object) -> None:
    sim.inject_fault(path_regex="/datacenters$", status=None, delay=2.0)  # type: ignore[attr-defined]
    with Client(_settings(sim, timeout=0.5)) as c:
        c.login()
        with pytest.raises(CommunicationError) as info:
            c.get("/datacenters")
    assert "timed out" in str(info.value) and "0.5 s" in str(info.value)


def test_relogin_that_does_not_help(client: Client, sim: object) -> None:
    sim.expire_tokens()  # type: ignore[attr-defined]
    sim.inject_fault(path_regex="/ovirt-engine/api/tags$", status=401, count=2)  # type: ignore[attr-defined]
    with pytest.raises(AuthenticationError) as info:
        client.get("/tags")
    assert "logging in again" in str(info.value)
    assert b"<product_info>" in client.api_root()  # the new token works
