"""A whole top-level listing is kept rendered between changes: it must always be what a
fresh rendering gives, in both formats, after any write, and never mix request options."""

from __future__ import annotations

import httpx

from ovirtsim.testing import SimulatorHandle

NEW_VM = ("<vm><name>{}</name><cluster><name>Default</name></cluster>"
          "<template><name>Blank</name></template></vm>")


def _names(client: httpx.Client, **params: str) -> list[str]:
    resp = client.get("/vms", headers={"Accept": "application/json"}, params=params)
    assert resp.status_code == 200
    assert int(resp.headers["content-length"]) == len(resp.content)
    return [vm["name"] for vm in resp.json().get("vm", [])]


def test_listing_follows_every_change(client: httpx.Client) -> None:
    before = _names(client)
    assert before == _names(client)  # served again from what was kept
    xml_before = client.get("/vms").text
    made = client.post("/vms", content=NEW_VM.format("cached1"),
                       headers={"Content-Type": "application/xml"})
    assert made.status_code == 201
    vm_id = made.headers["location"].rsplit("/", 1)[1]
    assert _names(client) == before + ["cached1"]
    assert "<name>cached1</name>" in client.get("/vms").text
    assert client.put(f"/vms/{vm_id}", content="<vm><description>changed</description></vm>",
                      headers={"Content-Type": "application/xml"}).status_code == 200
    assert "<description>changed</description>" in client.get("/vms").text
    # lifecycle changes made by the engine itself (scheduler steps) show too: the kept
    # listing is byte for byte what a listing rendered afresh (with max, never kept) gives
    assert client.post(f"/vms/{vm_id}/start", content="<action/>",
                       headers={"Content-Type": "application/xml"}).status_code == 200
    kept = client.get("/vms").text
    assert kept == client.get("/vms", params={"max": "100000"}).text
    assert kept != xml_before
    assert client.post(f"/vms/{vm_id}/stop", content="<action/>",
                       headers={"Content-Type": "application/xml"}).status_code == 200
    assert client.get("/vms").text == client.get("/vms", params={"max": "100000"}).text
    assert client.delete(f"/vms/{vm_id}").status_code == 200
    assert _names(client) == before
    assert client.get("/vms").text == xml_before
    # the same listing under /v4 has its own hrefs
    assert 'href="/ovirt-engine/api/v4/vms/' in client.get("/v4/vms").text


def test_listing_with_all_content_is_not_kept(client: httpx.Client) -> None:
    plain = client.get("/vms").text
    full = client.get("/vms", params={"all_content": "true"}).text
    assert "<configuration>" in full and "<configuration>" not in plain
    assert client.get("/vms").text == plain
    assert "<configuration>" in client.get("/vms", params={"all_content": "true"}).text


def test_empty_and_head_listings(client: httpx.Client, sim: SimulatorHandle) -> None:
    assert client.get("/affinitylabels").text.endswith("<affinity_labels/>")
    assert client.get("/affinitylabels", headers={"Accept": "application/json"}).json() == {}
    head = client.head("/vms")
    assert head.status_code == 200 and head.content == b""
