"""Element names on the wire are the ones the engine writes and the official SDK reads.

The SDK picks its reader by the tag of the document's root element (``vm_numa_nodes`` →
a list of ``VirtualNumaNode``), so a wrapper named after the type instead of the engine's
XML name fails with "Can't find a reader for tag". Both checks use the SDK as the reader.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from ovirtsdk4 import readers  # noqa: F401  (registers every reader)
from ovirtsdk4.reader import Reader

from ovirtsim.core.model import load_model
from ovirtsim.testing import SimulatorHandle, run_simulator
from ovirtsim.web import codec as C


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _sdk_tags() -> dict[str, list[str]]:
    by_reader: dict[str, list[str]] = {}
    for tag, fn in Reader._readers.items():
        by_reader.setdefault(fn.__qualname__, []).append(tag)
    return by_reader


def test_every_struct_type_has_the_sdk_element_and_wrapper_names() -> None:
    by_reader = _sdk_tags()
    wrong = []
    for t in load_model().types.values():
        if t["kind"] != "struct":
            continue
        name = t["name"]
        cls = _camel(name) + "Reader"
        one, many = by_reader.get(cls + ".read_one"), by_reader.get(cls + ".read_many")
        assert one and many, f"the SDK has no reader for {name}"
        if [C.element_name(name)] != one or [C.plural(name)] != many:
            wrong.append((name, C.element_name(name), C.plural(name), one, many))
    assert wrong == []


@pytest.fixture(scope="module")
def demo() -> Iterator[SimulatorHandle]:
    with run_simulator(seed="demo", time_scale=0.0) as handle:
        yield handle


def _read(client: httpx.Client, path: str) -> object:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return Reader.read(r.text)


def test_every_collection_of_the_demo_reads_with_the_sdk(demo: SimulatorHandle) -> None:
    """Every top-level collection and every sub-collection of its first item parses."""
    root = httpx.get(demo.url, auth=(demo.username, demo.password)).text
    from lxml import etree

    top = [link.get("href").split("/api/", 1)[1] for link in etree.fromstring(root.encode())
           .findall("link") if "{" not in link.get("href")]
    walked = 0
    with httpx.Client(base_url=demo.url + "/", auth=(demo.username, demo.password),
                      timeout=60) as client:
        for coll in top:
            r = client.get(coll)
            if r.status_code != 200:
                continue
            items = Reader.read(r.text)
            walked += 1
            if not isinstance(items, list) or not items or not getattr(items[0], "id", None):
                continue
            entity = client.get(f"{coll}/{items[0].id}")
            if entity.status_code != 200:
                continue
            Reader.read(entity.text)
            for link in etree.fromstring(entity.content).findall("link"):
                sub = link.get("href").split("/api/", 1)[1]
                got = client.get(sub)
                if got.status_code == 200:
                    Reader.read(got.text)
                    walked += 1
    assert walked > 100


def test_vm_numa_nodes_read_through_the_sdk(demo: SimulatorHandle) -> None:
    import ovirtsdk4 as sdk
    import ovirtsdk4.types as types

    conn = sdk.Connection(url=demo.url, username=demo.username, password=demo.password)
    try:
        vms = conn.system_service().vms_service()
        vm = vms.list(search="name=vm0")[0]
        nodes = vms.vm_service(vm.id).numa_nodes_service()
        node = nodes.add(types.VirtualNumaNode(index=0, memory=1024,
                                               cpu=types.Cpu(cores=[types.Core(index=0)])))
        assert isinstance(node, types.VirtualNumaNode)
        listed = nodes.list()
        assert [n.index for n in listed] == [0]
        assert isinstance(listed[0], types.VirtualNumaNode)
    finally:
        conn.close()
