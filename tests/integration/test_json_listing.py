"""Listings are read as the engine's JSON: the same plain data as its XML, for every collection.

The simulator renders both formats from its own code (ovirtsim/web/codec.py), the shell decodes
them with two decoders (api/codec.py, api/jsoncodec.py); each collection of the demo engine,
top-level and one level below, must decode to identical objects, key order included. The
official SDK reads the same VMs as an independent check of what `list -o json` printed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime

import ovirtsdk4 as sdk
import pytest

from ovirtshell.api.client import Client, ConnectionSettings
from ovirtshell.api.stream import ObjectStream
from ovirtshell.metadata.index import Index
from ovirtshell.metadata.model import Model


@pytest.fixture(scope="module")
def client(sim) -> Iterator[Client]:
    c = Client(ConnectionSettings(url=sim.url, username=sim.username, password=sim.password))
    c.login()
    yield c
    c.logout()
    c.close()


@pytest.fixture(scope="module")
def index(client: Client) -> Index:
    return Index(Model.from_json(json.loads(client.fetch_model())))


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in a given local time zone (dates from JSON are shown in local time)."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def both(client: Client, index: Index, path: str, item_type: str, **params: str) -> tuple[list, list]:
    decoded = []
    for as_json in (False, True):
        body = client.stream(path, params, json=as_json)
        assert body.media == ("json" if as_json else "xml")
        decoded.append(list(ObjectStream(index.model, item_type, body.chunks, body.media)))
    return decoded[0], decoded[1]


def collections(index: Index, parent: str | None = None) -> list:
    return [
        r for name in index.all_names() for r in index.resources(name)
        if r.can_list and not r.singleton and r.item_type
        and (r.parent.name if r.parent else None) == parent
    ]


def test_every_collection_decodes_alike_from_json_and_xml(client: Client, index: Index, zone) -> None:
    zone("UTC")  # the simulator writes its XML dates in UTC
    compared = 0
    for top in collections(index):
        from_xml, from_json = both(client, index, top.segment, top.item_type)
        assert from_json == from_xml, top.segment
        assert [list(o) for o in from_json] == [list(o) for o in from_xml], top.segment
        compared += len(from_xml)
        if not from_xml or top.entity_service is None:
            continue
        first = from_xml[0]["id"]
        for child in collections(index, top.name):
            if child.parent is not top:
                continue
            path = f"{top.segment}/{first}/{child.segment}"
            from_xml, from_json = both(client, index, path, child.item_type)
            assert from_json == from_xml, path
            compared += len(from_xml)
    assert compared > 100


def test_followed_links_and_all_content_decode_alike(client: Client, index: Index, zone) -> None:
    zone("UTC")
    from_xml, from_json = both(client, index, "vms", "vm", follow="nics,disk_attachments.disk", all_content="true")
    assert from_json == from_xml
    assert any(vm.get("nics") for vm in from_json) and any(vm.get("disk_attachments") for vm in from_json)
    only = ("name", "memory", "status")
    for as_json in (False, True):
        body = client.stream("vms", None, json=as_json)
        stream = ObjectStream(index.model, "vm", body.chunks, body.media)
        stream.only(only)
        assert [{k: v for k, v in o.items() if k in only} for o in stream] == [
            {k: o[k] for k in only if k in o} for o in from_xml
        ]


def test_dates_are_shown_in_local_time_from_either_format(client: Client, index: Index, zone) -> None:
    """The engine writes XML dates in its own zone (the simulator: UTC) and JSON dates as epoch
    milliseconds; both decoders show the client's zone, so `show` and `list` agree."""
    zone("Asia/Kolkata")
    raw = client.get("events", {"max": "1"}).decode()
    assert "+00:00</time>" in raw  # the engine's own zone on the wire
    from_xml, from_json = both(client, index, "events", "event")
    assert from_json and from_json == from_xml
    assert all(e["time"].endswith("+05:30") for e in from_json)
    sent = datetime.fromisoformat(raw.split("<time>", 1)[1].split("</time>", 1)[0])
    assert datetime.fromisoformat(from_xml[0]["time"]) == sent  # the same instant


def accepted(debug: str, path: str) -> list[str]:
    """The Accept header of each request for `path` in a --debug trace."""
    found, current = [], None
    for line in debug.splitlines():
        if line.startswith("debug: > ") and line.split()[2:3] in (["GET"], ["POST"], ["PUT"], ["DELETE"]):
            current = line.split()[3].split("?")[0].endswith(path)
        elif current and line.startswith("debug: > Accept:"):
            found.append(line.split(":", 2)[2].strip())
            current = None
    return found


def test_the_shell_asks_for_json_except_for_xml_output(ovirt) -> None:
    listed = ovirt("--debug", "-o", "json", "-E", "list vms")
    assert listed.status == 0, listed.err
    assert accepted(listed.err, "/api/vms") == ["application/json"]
    as_text = ovirt("--debug", "-E", "list hosts")
    assert accepted(as_text.err, "/api/hosts") == ["application/json"]
    as_xml = ovirt("--debug", "-o", "xml", "-E", "list vms")
    assert as_xml.status == 0 and as_xml.out.count("<vm ") >= 2
    assert accepted(as_xml.err, "/api/vms") == ["application/xml"]


def test_the_sdk_reads_what_list_printed(ovirt, sim) -> None:
    printed = json.loads(ovirt("-o", "json", "-E", "list vms").out)
    conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
    try:
        vms = conn.system_service().vms_service().list()
    finally:
        conn.close()
    assert [vm["id"] for vm in printed] == [vm.id for vm in vms]
    for shown, vm in zip(printed, vms, strict=True):
        assert shown["name"] == vm.name and shown["memory"] == vm.memory
        assert shown["status"] == vm.status.value
        assert shown["stateless"] is vm.stateless
        assert shown["cpu"]["topology"]["cores"] == vm.cpu.topology.cores
        assert shown["os"]["boot"]["devices"] == [d.value for d in vm.os.boot.devices]
        assert vm.creation_time is not None  # every VM has one: the dates are compared for all
        assert datetime.fromisoformat(shown["creation_time"]) == vm.creation_time


def test_show_and_list_print_the_same_dates(ovirt, zone) -> None:
    zone("America/New_York")
    shown = json.loads(ovirt("-o", "json", "-E", "show vm vm0").out)
    listed = {vm["name"]: vm for vm in json.loads(ovirt("-o", "json", "-E", "list vms").out)}
    assert shown["creation_time"] == listed["vm0"]["creation_time"]
    assert shown["creation_time"][-6:] in ("-05:00", "-04:00")
