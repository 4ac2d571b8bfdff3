"""A JSON collection document is split into its items as it arrives, whatever the chunking,
and anything that is not well-formed JSON is a CodecError, never a hang or a traceback."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator

import pytest

from ovirtshell.api.codec import CodecError
from ovirtshell.api.jsondoc import members

DOC = {
    "vm": [
        {"name": "café ☕", "memory": "1073741824", "start_time": 1796656841536, "id": "1"},
        {"name": "b\"q\\", "nested": {"deep": [1, 2.5, True, None, {"x": "y"}]}, "id": "2"},
    ],
    "size": 12345678901234567890,
    "flag": False,
}


def split(raw: bytes, size: int) -> list[bytes]:
    return [raw[i : i + size] for i in range(0, len(raw), size)]


@pytest.mark.parametrize("indent", [None, 2])
def test_every_chunking_gives_the_same_members(indent: int | None) -> None:
    text = json.dumps(DOC, indent=indent, ensure_ascii=False).encode()
    want = [("vm", DOC["vm"][0]), ("vm", DOC["vm"][1]), ("size", DOC["size"]), ("flag", False)]
    for size in range(1, len(text) + 1):  # cuts inside numbers, strings, UTF-8 sequences
        assert list(members(split(text, size), "vm")) == want, size


def test_empty_and_bare_documents() -> None:
    assert list(members([b"{}"], "vm")) == []
    assert list(members([b' { "vm" : [ ] } \n'], "vm")) == []
    assert list(members([b'[{"id": "1"}, {"id": "2"}]'], "vm")) == [("vm", {"id": "1"}), ("vm", {"id": "2"})]
    assert list(members([b'{"id": "1", "name": "one"}'], "vm")) == [("id", "1"), ("name", "one")]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"<vms/>",
        b'{"vm": [{"id": "1"}',
        b'{"vm": [{"id": "1"} {"id": "2"}]}',
        b'{"vm": [{"id": "1"}]} trailing',
        b'{"vm": [{"id": "1"',
        b'{"vm": [{"name": "cut',
        b'{"vm": [{"id": 1x}]}',
        b'{"vm": "x"',
        b'{1: 2}',
        b'{"vm": [{"name": "\xff\xfe"}]}',
        b'{"vm": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
    ],
)
def test_malformed_json_is_a_codec_error(body: bytes) -> None:
    for size in (1, 7, len(body) or 1):
        with pytest.raises(CodecError, match="malformed response"):
            list(members(split(body, size), "vm"))


def test_an_error_is_found_without_reading_the_rest() -> None:
    """A mistake early in the document is reported at once, not after buffering the body."""
    read = []

    def chunks() -> Iterator[bytes]:
        yield b'{"vm": [{"id": "1"} {"id": "2"}'
        for _ in range(1000):
            read.append(1)
            yield b', {"id": "3"}' * 100

    with pytest.raises(CodecError):
        list(members(chunks(), "vm"))
    assert len(read) <= 1


def test_a_value_larger_than_a_chunk_is_scanned_a_few_times() -> None:
    big = {"id": "1", "description": "x" * 2_000_000}
    raw = json.dumps({"vm": [big]}).encode()
    pulled = []

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(raw), 1024):
            pulled.append(i)
            yield raw[i : i + 1024]

    assert list(members(chunks(), "vm")) == [("vm", big)]
    assert len(pulled) == -(-len(raw) // 1024)  # each chunk read once


def test_memory_holds_one_item_at_a_time() -> None:
    item = json.dumps({"id": "0" * 36, "name": "vm", "description": "d" * 400, "link": [{"rel": "x"}] * 20})

    def chunks() -> Iterator[bytes]:
        yield b'{"vm": ['
        block = ",".join([item] * 100).encode()
        for n in range(200):  # 20,000 items, ~20 MB
            yield (b"," if n else b"") + block
        yield b"]}"

    tracemalloc.start()
    try:
        count = sum(1 for _ in members(chunks(), "vm"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < 2 * 1024 * 1024, peak
