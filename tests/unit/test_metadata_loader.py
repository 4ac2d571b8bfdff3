"""The model cache: keyed by engine URL and version, private, atomic, rebuilt when corrupt."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

import ovirtsim
from ovirtshell.metadata.index import Index
from ovirtshell.metadata.loader import cache_file, load_model
from ovirtshell.status import ExitStatus, ShellError

MODEL_BYTES = (Path(ovirtsim.__file__).parent / "data" / "model.json").read_bytes()
URL = "https://engine.example/ovirt-engine/api"


class Fetch:
    """Counts downloads."""

    def __init__(self, data: bytes = MODEL_BYTES):
        self.data = data
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.data


def test_cold_then_warm(tmp_path: Path):
    cache = tmp_path / "cache"
    fetch = Fetch()
    cold = load_model(URL, "4.6.1", fetch, cache)
    warm = load_model(URL, "4.6.1", fetch, cache)
    assert fetch.calls == 1
    assert isinstance(warm, Index)
    assert warm.all_names() == cold.all_names()
    assert warm.actions("vm") == cold.actions("vm")
    assert warm.options("create", "vm").names() == cold.options("create", "vm").names()
    assert warm.model.types["vm"] == cold.model.types["vm"]


def test_cache_is_private_and_keyed_by_url_and_version(tmp_path: Path):
    cache = tmp_path / "cache"
    fetch = Fetch()
    load_model(URL, "4.6.1", fetch, cache)
    path = cache_file(cache, URL, "4.6.1")
    assert path.exists() and path.parent == cache
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left behind
    assert cache_file(cache, URL, "4.6.2") != path
    assert cache_file(cache, "https://other/ovirt-engine/api", "4.6.1") != path
    assert cache_file(cache, URL + "/", "4.6.1") == path
    load_model(URL, "4.6.2", fetch, cache)
    load_model("https://other/ovirt-engine/api", "4.6.1", fetch, cache)
    assert fetch.calls == 3


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05\x95garbage"])
def test_corrupt_cache_is_rebuilt_silently(tmp_path: Path, garbage: bytes):
    cache = tmp_path / "cache"
    cache.mkdir()
    path = cache_file(cache, URL, "4.6.1")
    path.write_bytes(garbage)
    fetch = Fetch()
    index = load_model(URL, "4.6.1", fetch, cache)
    assert fetch.calls == 1 and "vm" in index.all_names()
    assert path.read_bytes() != garbage
    load_model(URL, "4.6.1", fetch, cache)
    assert fetch.calls == 1


def test_a_cache_file_for_another_engine_is_not_trusted(tmp_path: Path):
    cache = tmp_path / "cache"
    load_model(URL, "4.6.1", Fetch(), cache)
    other = cache_file(cache, "https://other/ovirt-engine/api", "4.6.1")
    cache_file(cache, URL, "4.6.1").rename(other)  # a stamp that does not match its name
    fetch = Fetch()
    load_model("https://other/ovirt-engine/api", "4.6.1", fetch, cache)
    assert fetch.calls == 1


def test_an_unwritable_cache_is_only_a_lost_optimisation(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    fetch = Fetch()
    assert "vm" in load_model(URL, "4.6.1", fetch, blocker / "cache").all_names()
    assert fetch.calls == 1


def test_a_document_that_is_not_a_model_is_a_communication_error(tmp_path: Path):
    for data in (b"<html>login</html>", b"[]", b'{"types": []}'):
        with pytest.raises(ShellError) as err:
            load_model(URL, "4.6.1", Fetch(data), tmp_path / "cache")
        assert err.value.status == ExitStatus.COMMUNICATION_ERROR
        assert "\n" not in str(err.value)
    assert list((tmp_path / "cache").glob("*.pickle")) == []
