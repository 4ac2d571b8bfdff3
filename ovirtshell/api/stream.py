"""A collection read as a stream: each object decoded as soon as it is read, then dropped.

A 10,000-VM listing is 60 MB; parsing it whole and decoding every object at once costs memory
in proportion to the engine's size. Here the body is read chunk by chunk as it arrives: the
engine's JSON is split into its items (api/jsondoc.py), its XML fed to lxml's pull parser,
which reports each top-level element when its end tag is read. Each object is decoded,
handed on and dropped, so the memory held is one object (plus what the reader keeps).

Readers tell the stream which top-level fields they show (`only`) and which a client-side
filter reads (`where`): only those members are decoded (from XML, lxml never builds Python
proxies for the rest). The body comes through the client's transport, so its limits apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from lxml import etree

from ovirtshell.api import jsondoc
from ovirtshell.api.codec import NAVIGATION, CodecError, decode_element
from ovirtshell.api.jsoncodec import Decoder
from ovirtshell.metadata.model import Model


class ObjectStream:
    """The objects of one collection document, read once, in document order.

    Iterate it to get plain-data dicts; `xml_elements()` instead gives the engine's XML
    elements (for `-o xml`). A malformed document or a failing transport raise
    `CommunicationError` from the iteration.
    """

    def __init__(self, model: Model, type_name: str, chunks: Iterable[bytes], media: str = "xml"):
        self._model = model
        self._type = type_name
        self._chunks = chunks
        self._media = media  # how the body is written: "xml" or "json"
        self._shown: frozenset[str] | None = None
        self._filtered: frozenset[str] = frozenset()
        self._keep: Callable[[dict[str, Any]], bool] | None = None
        self._shape: Callable[[Any], Any] | None = None
        self._read = False
        self.count = 0  # objects handed on so far
        self.xml_root: Any = None  # the XML document element, once `xml_elements()` is read

    @property
    def as_sent(self) -> bool:
        """Whether the engine's XML may be shown as it is (`xml_elements()`): read as XML, and
        no client-side filter drops objects (else the engine's document no longer matches)."""
        return self._media == "xml" and self._keep is None

    def only(self, keys: Iterable[str] | None) -> None:
        """Decode only these top-level fields of the objects still to come (None: every field)."""
        self._shown = None if keys is None else frozenset(keys)

    def where(self, keep: Callable[[dict[str, Any]], bool], keys: Iterable[str]) -> None:
        """Yield only the objects `keep` accepts; it reads the top-level fields `keys`."""
        self._keep = keep
        self._filtered = frozenset(keys)

    def map(self, shape: Callable[[Any], Any]) -> None:
        """Hand on `shape(object)` instead of each object (e.g. sizes with units for people)."""
        self._shape = shape

    def _keys(self) -> frozenset[str] | None:
        return None if self._shown is None else self._shown | self._filtered

    def close(self) -> None:
        """Stop reading (the response is released)."""
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()

    def _start(self) -> None:
        if self._read:
            raise RuntimeError("a stream is read once")
        self._read = True

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self._start()
        keep = self._keep
        for item in self._objects():
            if keep is None or keep(item):
                self.count += 1
                yield item if self._shape is None else self._shape(item)

    def _objects(self) -> Iterator[dict[str, Any]]:
        return self._json_objects() if self._media == "json" else self._xml_objects()

    def _json_objects(self) -> Iterator[dict[str, Any]]:
        decoder = Decoder(self._model)
        type_name = self._type
        rest: dict[str, Any] = {}
        items = 0
        try:
            for key, value in jsondoc.members(self._chunks, type_name):
                if key == type_name and value.__class__ is dict:
                    items += 1
                    yield decoder.struct(type_name, value, self._keys())
                else:
                    rest[key] = value
        finally:
            self.close()
        if not items and ("id" in rest or "href" in rest):  # a single object, not a collection
            yield decoder.struct(type_name, rest, self._keys())
            return
        for key, value in rest.items():  # an engine may add other members: keep them
            if key not in NAVIGATION:
                for item in value if value.__class__ is list else [value]:
                    yield decoder.struct(type_name, item, self._keys())

    def _xml_objects(self) -> Iterator[dict[str, Any]]:
        model, type_name = self._model, self._type
        for el in self._xml_elements():
            yield decode_element(model, type_name, el, self._keys())

    def xml_elements(self) -> Iterator[Any]:
        """The document's items as parsed elements, blank text removed, for `-o xml`, which
        re-indents the engine's own XML item by item. The document element is `xml_root` once
        the items are read (for an empty collection, its only trace)."""
        self._start()
        return self._xml_elements(frozenset(), remove_blank_text=True)

    def _xml_elements(self, skipped: frozenset[str] = NAVIGATION, **options: Any) -> Iterator[Any]:
        """Each item element in document order, with the other elements among them (except
        `skipped`); a consumer must not keep one: each is cleared or dropped once the next is read."""
        type_name = self._type
        parser = etree.XMLPullParser(
            events=("end",),
            tag=type_name,  # only the items' end tags reach Python, not their millions of children
            remove_comments=True,
            remove_pis=True,
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
            **options,
        )
        try:
            for chunk in self._chunks:
                parser.feed(chunk)
                for _, el in parser.read_events():
                    parent = el.getparent()
                    if parent is None:  # a single object where a collection was expected
                        yield el
                        continue
                    if parent.getparent() is not None or parent.tag == type_name:
                        continue  # an element of the same name inside an object
                    yield from _earlier_siblings(el, type_name, skipped)
                    yield el
                    el.clear()
            root = self.xml_root = parser.close()
        except etree.XMLSyntaxError as exc:
            raise CodecError(f"malformed response: not well-formed XML ({exc})") from None
        finally:
            self.close()
        if root is not None and root.tag != type_name:
            for other in list(root):
                if isinstance(other.tag, str) and other.tag not in skipped and other.tag != type_name:
                    yield other


def _earlier_siblings(el: Any, item_tag: str, skipped: frozenset[str]) -> Iterator[Any]:
    """Drop what precedes `el` in its parent; yield those elements that are data, not items
    already handed on (an engine may put other elements among the items: keep them)."""
    parent = el.getparent()
    while True:
        first = parent[0]
        if first is el:
            return
        tag = first.tag
        if isinstance(tag, str) and tag != item_tag and tag not in skipped:
            yield first
        del parent[0]
