"""Listings are consumed as a stream: decoded object by object, rendered as they arrive.

The bounded-memory tests feed a synthetic 20,000-VM document (about 25 MB, generated chunk by
chunk so the test itself never holds it) through `ObjectStream` and the real renderers, and
check with tracemalloc that the peak stays under a fixed bound far below the document's size:
memory that does not grow with the engine's size, checked without any wall-clock limit.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from ovirtshell.api.codec import CodecError, decode_list
from ovirtshell.api.stream import ObjectStream
from ovirtshell.commands.list import matcher
from ovirtshell.metadata.model import Model
from ovirtshell.output import render
from ovirtshell.result import Result

ROOT = Path(__file__).resolve().parents[2]
OBJECTS = 20_000
CHUNK = 64 * 1024
#: Peak traced memory allowed while streaming 20,000 objects (the document is ~25 MB).
BOUND = 4 * 1024 * 1024
#: Growth of the peak resident size allowed while a process streams them (tree included).
RSS_BOUND = 12 * 1024 * 1024
#: The filter and table cases run on fewer objects: tracemalloc makes every allocation slow.
SMALLER = 5_000
#: The table keeps its cells until the widths are known (decoding the objects takes ~15x this).
TABLE_BOUND = 10 * 1024 * 1024


MODEL = ROOT / "ovirtsim" / "data" / "model.json"


@pytest.fixture(scope="module")
def model() -> Model:
    with open(MODEL, encoding="utf-8") as f:
        return Model.from_json(json.load(f))


def vm_xml(i: int) -> str:
    href = f"/ovirt-engine/api/vms/{i:08d}-0000-0000-0000-000000000000"
    links = "".join(f'<link href="{href}/{a}" rel="{a}"/>' for a in ("start", "stop", "migrate", "reboot"))
    return (
        f'<vm href="{href}" id="{i:08d}-0000-0000-0000-000000000000"><actions>{links}</actions>'
        f"<name>vm{i}</name><description>synthetic VM {i}</description>"
        f'<link href="{href}/nics" rel="nics"/><link href="{href}/diskattachments" rel="diskattachments"/>'
        "<cpu><architecture>x86_64</architecture><topology><cores>2</cores><sockets>1</sockets>"
        "<threads>1</threads></topology></cpu><memory>1073741824</memory>"
        "<memory_policy><guaranteed>536870912</guaranteed><max>4294967296</max></memory_policy>"
        "<os><boot><devices><device>hd</device><device>cdrom</device></devices></boot>"
        "<type>rhel_8x64</type></os><high_availability><enabled>false</enabled><priority>0</priority>"
        "</high_availability><stateless>false</stateless><status>up</status>"
        "<custom_properties><custom_property><name>sndbuf</name><value>0</value></custom_property>"
        "</custom_properties>"
        '<cluster href="/ovirt-engine/api/clusters/c1" id="c1"/>'
        '<template href="/ovirt-engine/api/templates/t0" id="t0"/></vm>'
    )


def vm_json(i: int) -> str:
    """The same VM as `vm_xml`, as the engine writes it in JSON (numbers and booleans as strings)."""
    href = f"/ovirt-engine/api/vms/{i:08d}-0000-0000-0000-000000000000"
    vm = {
        "actions": {"link": [{"href": f"{href}/{a}", "rel": a} for a in ("start", "stop", "migrate", "reboot")]},
        "name": f"vm{i}", "description": f"synthetic VM {i}",
        "link": [{"href": f"{href}/nics", "rel": "nics"}, {"href": f"{href}/diskattachments", "rel": "diskattachments"}],
        "cpu": {"architecture": "x86_64", "topology": {"cores": "2", "sockets": "1", "threads": "1"}},
        "memory": "1073741824", "memory_policy": {"guaranteed": "536870912", "max": "4294967296"},
        "os": {"boot": {"devices": {"device": ["hd", "cdrom"]}}, "type": "rhel_8x64"},
        "high_availability": {"enabled": "false", "priority": "0"}, "stateless": "false", "status": "up",
        "custom_properties": {"custom_property": [{"name": "sndbuf", "value": "0"}]},
        "cluster": {"href": "/ovirt-engine/api/clusters/c1", "id": "c1"},
        "template": {"href": "/ovirt-engine/api/templates/t0", "id": "t0"},
        "href": href, "id": f"{i:08d}-0000-0000-0000-000000000000",
    }
    return json.dumps(vm)


def document(count: int, sizes: list[int] | None = None, media: str = "xml") -> Iterator[bytes]:
    """The collection of `count` VMs in the engine's XML (`<vms>`) or JSON (`{"vm": [...]}`),
    generated lazily in chunks of about CHUNK bytes."""
    as_json = media == "json"
    parts: list[str] = ['{"vm": [' if as_json else '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<vms>']
    size = 0
    for i in range(count):
        parts.append((", " if as_json and i else "") + (vm_json(i) if as_json else vm_xml(i)))
        size += len(parts[-1])
        if size >= CHUNK:
            chunk = "".join(parts).encode()
            if sizes is not None:
                sizes.append(len(chunk))
            yield chunk
            parts, size = [], 0
    parts.append("]}" if as_json else "</vms>")
    yield "".join(parts).encode()


class Sink(io.TextIOBase):
    """A stream that counts what it is given and keeps nothing."""

    def __init__(self) -> None:
        self.chars = 0
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.chars += len(text)
        self.lines += text.count("\n")
        return len(text)


def peak_while(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_stream_decodes_like_the_whole_document(model: Model) -> None:
    whole = b"".join(document(300))
    expected = decode_list(model, "vm", whole)
    assert list(ObjectStream(model, "vm", document(300))) == expected
    # Split anywhere, even inside a tag: the same objects.
    assert list(ObjectStream(model, "vm", (whole[i : i + 7] for i in range(0, len(whole), 7)))) == expected
    # The engine's JSON for the same VMs: the same objects, key order included.
    from_json = list(ObjectStream(model, "vm", document(300, media="json"), "json"))
    assert from_json == expected and [list(o) for o in from_json] == [list(o) for o in expected]


@pytest.mark.parametrize("media", ["xml", "json"])
def test_only_decodes_the_fields_asked_for(model: Model, media: str) -> None:
    stream = ObjectStream(model, "vm", document(3, media=media), media)
    stream.only({"name", "cpu", "os"})
    first = next(iter(stream))
    assert first == {
        "href": "/ovirt-engine/api/vms/00000000-0000-0000-0000-000000000000",
        "id": "00000000-0000-0000-0000-000000000000",
        "name": "vm0",
        "cpu": {"architecture": "x86_64", "topology": {"cores": 2, "sockets": 1, "threads": 1}},
        "os": {"boot": {"devices": ["hd", "cdrom"]}, "type": "rhel_8x64"},
    }


def test_stream_keeps_other_elements_and_reports_bad_xml(model: Model) -> None:
    odd = [b"<vms><foo><name>x</name></foo><vm id='1'/><actions/>", b"<bar/></vms>"]
    assert list(ObjectStream(model, "vm", odd)) == decode_list(model, "vm", b"".join(odd))
    assert list(ObjectStream(model, "vm", [b"<vm id='1'><name>one</name></vm>"])) == [{"id": "1", "name": "one"}]
    with pytest.raises(CodecError, match="not well-formed"):
        list(ObjectStream(model, "vm", [b"<vms><vm id='1'>", b"<name>cut"]))


def test_json_stream_keeps_other_members_and_reports_bad_json(model: Model) -> None:
    odd = [b'{"foo": {"name": "x"}, "vm": [{"id": "1"}], "actions": {"link": []}', b', "bar": [{"id": "2"}]}']
    assert list(ObjectStream(model, "vm", odd, "json")) == [{"id": "1"}, {"name": "x"}, {"id": "2"}]
    single = [b'{"name": "one", "href": "/vms/1", "id": "1"}']
    assert list(ObjectStream(model, "vm", single, "json")) == [{"href": "/vms/1", "id": "1", "name": "one"}]
    typed = [b'{"vm": [{"id": "1", "memory": 1024, "stateless": true, "cpu": {"topology": {"cores": 2}},'
             b' "os": {"boot": {"devices": {"device": "hd"}}}, "creation_time": "2026-01-02T03:04:05"}]}']
    assert list(ObjectStream(model, "vm", typed, "json")) == [{
        "id": "1", "memory": 1024, "stateless": True, "cpu": {"topology": {"cores": 2}},
        "os": {"boot": {"devices": ["hd"]}}, "creation_time": "2026-01-02T03:04:05",
    }]
    with pytest.raises(CodecError, match="not well-formed JSON"):
        list(ObjectStream(model, "vm", [b'{"vm": [{"id": "1"}', b', {"name": "cut'], "json"))


@pytest.mark.parametrize(
    "body",
    [
        b"<vms/>",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><vms></vms>',
        b'<?xml version="1.0"?>\n<vms>\n  <vm id="1">\n    <name>a b</name>\n  </vm>\n  <vm id="2"/>\n</vms>\n',
        b"<vm id='1'><name>one</name><description>two\n  lines </description></vm>",
        b"<vms a='1'><foo><name>x</name></foo><vm id='1'><vm>inner</vm></vm><actions><link rel='r'/></actions>"
        b"<vm id='2'>caf\xc3\xa9</vm><bar/></vms>",
    ],
    ids=["empty", "empty-standalone", "indented", "single", "others"],
)
def test_xml_output_is_the_engine_document_reindented_item_by_item(model: Model, body: bytes) -> None:
    want = io.StringIO()
    render(Result(data=[], kind="vm", xml=body), "xml", want)
    for size in (1, 5, len(body)):
        got = io.StringIO()
        chunks = [body[i : i + size] for i in range(0, len(body), size)]
        render(Result(data=ObjectStream(model, "vm", chunks), kind="vm"), "xml", got)
        assert got.getvalue() == want.getvalue(), size


def test_a_stream_is_read_once(model: Model) -> None:
    stream = ObjectStream(model, "vm", document(2))
    assert len(list(stream)) == 2
    with pytest.raises(RuntimeError):
        list(stream)


@pytest.mark.parametrize(("fmt", "media"), [
    ("text", "xml"), ("csv", "xml"), ("xml", "xml"), ("text", "json"), ("csv", "json")
])
def test_listing_20000_objects_holds_one_at_a_time(model: Model, fmt: str, media: str) -> None:
    sizes: list[int] = []
    sink = Sink()
    stream = ObjectStream(model, "vm", document(OBJECTS, sizes, media), media)
    peak = peak_while(lambda: render(Result(data=stream, kind="vm"), fmt, sink))
    assert sum(sizes) > 6 * BOUND  # holding the document (let alone its objects) would not fit
    assert peak < BOUND, f"{fmt}: peak {peak / 1e6:.1f} MB"
    per_object = {"text": 4, "csv": 1, "xml": 30}[fmt]  # text: id, name, description, blank
    assert sink.lines >= OBJECTS * per_object


RSS_SCRIPT = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from test_stream import OBJECTS, Sink, document
from ovirtshell.api.stream import ObjectStream
from ovirtshell.metadata.model import Model
from ovirtshell.output import render
from ovirtshell.result import Result

model = Model.from_json(json.load(open(sys.argv[2], encoding="utf-8")))
def peak():
    # VmHWM is this process's own peak; ru_maxrss also counts the pytest process it was forked
    # from (Linux keeps the peak across exec), which would hide any growth below that size.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
media = sys.argv[3]
render(Result(data=ObjectStream(model, "vm", document(50, None, media), media), kind="vm"), "json", Sink())
growth = {"start": peak()}
for fmt in ("text", "csv", "json") + (("xml",) if media == "xml" else ()):
    sink = Sink()
    render(Result(data=ObjectStream(model, "vm", document(OBJECTS, None, media), media), kind="vm"), fmt, sink)
    growth[fmt] = peak() - growth["start"]
    growth[fmt + " lines"] = sink.lines
print(json.dumps(growth))
"""


@pytest.mark.parametrize("media", ["xml", "json"])
def test_a_process_listing_20000_objects_stays_flat(model: Model, media: str) -> None:
    """The parsed tree lives in libxml2's memory, which tracemalloc does not see: the process's
    peak resident size must not grow by the size of the document (let alone of its tree)."""
    done = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT, str(Path(__file__).parent), str(MODEL), media],
        capture_output=True, text=True, check=True,
    )
    growth = json.loads(done.stdout)
    for fmt in ("text", "csv", "json") + (("xml",) if media == "xml" else ()):
        assert growth[fmt] < RSS_BOUND, f"{fmt}: peak RSS grew {growth[fmt] / 1e6:.1f} MB"
    assert growth["json lines"] > OBJECTS * 40  # every field of every object was written


@pytest.mark.parametrize("media", ["xml", "json"])
def test_every_field_and_client_filter_stream_too(model: Model, media: str) -> None:
    sink = Sink()
    stream = ObjectStream(model, "vm", document(SMALLER, None, media), media)
    stream.where(matcher([("name", "vm1*")]), {"name"})
    fields = ("name", "cpu-topology-cores", "os-boot-devices")
    peak = peak_while(lambda: render(Result(data=stream, kind="vm", fields=fields), "csv", sink))
    assert peak < BOUND, f"peak {peak / 1e6:.1f} MB"
    assert sink.lines == 1 + 1_111  # the header, vm1, vm10-19, vm100-199, vm1000-1999


@pytest.mark.parametrize("media", ["xml", "json"])
def test_table_keeps_only_its_cells(model: Model, media: str) -> None:
    sink = Sink()
    stream = ObjectStream(model, "vm", document(SMALLER, None, media), media)
    peak = peak_while(lambda: render(Result(data=stream, kind="vm"), "table", sink))
    assert peak < TABLE_BOUND, f"peak {peak / 1e6:.1f} MB"
    assert sink.lines == SMALLER + 2


def test_streamed_output_equals_the_listed_output(model: Model) -> None:
    whole = b"".join(document(40))
    items = decode_list(model, "vm", whole)
    for fmt in ("text", "table", "csv", "json", "xml"):
        for fields in (None, ("name", "cpu-topology", "status")):
            expected, got = io.StringIO(), io.StringIO()
            render(Result(data=items, kind="vm", fields=fields, xml=whole), fmt, expected)
            render(Result(data=ObjectStream(model, "vm", document(40)), kind="vm", fields=fields), fmt, got)
            assert got.getvalue() == expected.getvalue(), (fmt, fields)
            if fmt != "xml":  # -o xml reads the engine's XML, never its JSON
                got = io.StringIO()
                stream = ObjectStream(model, "vm", document(40, media="json"), "json")
                render(Result(data=stream, kind="vm", fields=fields), fmt, got)
                assert got.getvalue() == expected.getvalue(), (fmt, fields, "json")
    expected, got = io.StringIO(), io.StringIO()
    render(Result(data=items, kind="vm", show_all=True), "text", expected)
    render(Result(data=ObjectStream(model, "vm", document(40)), kind="vm", show_all=True), "text", got)
    assert got.getvalue() == expected.getvalue()
