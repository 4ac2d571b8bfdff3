"""Loading an engine's model: from the on-disk cache when warm, else fetched and built once.

The cache holds the built `Index` pickled, keyed by engine URL and version, so a warm one-shot
command neither downloads nor parses the multi-megabyte model.json. A cache file that cannot
be read back (corrupt, truncated, from another shell version) is rebuilt silently; a cache
that cannot be written is only a lost optimisation. The cache directory is private (0700) and
files are 0600, written to a temporary file and renamed so readers never see half a file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import io
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ovirtshell import __version__
from ovirtshell.metadata import model as _model
from ovirtshell.metadata.index import Index
from ovirtshell.metadata.model import Model
from ovirtshell.status import ExitStatus, ShellError

CACHE_FORMAT = 1  # bump when the pickled classes change shape


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = tuple(f.name for f in dataclasses.fields(cls))
    return lambda obj: (cls, tuple(getattr(obj, n) for n in names))


# The model's frozen slotted dataclasses unpickle through a Python-level __setstate__ each;
# rebuilding them from positional fields instead halves the warm load time.
_DISPATCH = {
    cls: _reducer(cls)
    for cls in (_model.Member, _model.Type, _model.Parameter, _model.Method, _model.Locator, _model.Service, Model)
}


def dumps(stamp: tuple[object, ...], index: Index) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump((stamp, index))
    return buffer.getvalue()


def cache_file(cache_dir: Path, url: str, version: str) -> Path:
    """The cache file of one engine URL and version (a hash: URLs are not file names)."""
    key = f"{url.rstrip('/')}\n{version}".encode()
    return Path(cache_dir) / f"model-{hashlib.sha256(key).hexdigest()[:32]}.pickle"


def _stamp(url: str, version: str) -> tuple[object, ...]:
    return (CACHE_FORMAT, __version__, url.rstrip("/"), version)


def load_model(url: str, version: str, fetch: Callable[[], bytes], cache_dir: Path) -> Index:
    """The engine's index: cached if possible, else `fetch()`ed, built and cached."""
    path = cache_file(cache_dir, url, version)
    index = read_cache(path, url, version)
    if index is not None:
        return index
    index = build_index(fetch())
    write_cache(path, url, version, index)
    return index


def build_index(data: bytes) -> Index:
    """Parse model.json; a document that is not a model is the engine's (or network's) fault."""
    try:
        document = json.loads(data)
        if not isinstance(document, dict) or not isinstance(document.get("services"), list):
            raise ValueError("no services")
        return Index(Model.from_json(document))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ShellError(f"the engine's API model is not usable: {exc}", ExitStatus.COMMUNICATION_ERROR) from exc


def read_cache(path: Path, url: str, version: str) -> Index | None:
    try:
        with open(path, "rb") as stream:
            stamp, index = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception:  # corrupt or stale: any failure means "rebuild"
        return None
    if stamp != _stamp(url, version) or not isinstance(index, Index):
        return None
    return index


def write_cache(path: Path, url: str, version: str, index: Index) -> None:
    directory = path.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=".model-", suffix=".tmp", dir=directory)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as stream:  # mkstemp creates it 0600
            stream.write(dumps(_stamp(url, version), index))
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _bundled_model() -> Path:
    """model.json of the simulator package in this distribution, found without importing it."""
    spec = importlib.util.find_spec("ovirtsim")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))) / "data" / "model.json"
    return Path(__file__).resolve().parent.parent.parent / "ovirtsim" / "data" / "model.json"


BUNDLED_MODEL = _bundled_model()


def offline_index(cache_dir: Path) -> Index:
    """For help and completion while disconnected: the newest cached engine model, else the
    oVirt 4.6 model shipped with the package (read as data; no simulator code is imported)."""
    candidates = sorted(Path(cache_dir).glob("model-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in candidates:
        try:
            with open(path, "rb") as stream:
                stamp, index = pickle.load(stream)
        except Exception:  # unreadable: try the next one
            continue
        if isinstance(index, Index) and stamp[:2] == (CACHE_FORMAT, __version__):
            return index
    return load_model("bundled:", "4.6", BUNDLED_MODEL.read_bytes, cache_dir)
