"""The `json` and `xml` formats: documents for programs (the JSON shape is a contract).

JSON is the plain data itself (docs/output.md); XML is the engine's own document,
pretty-printed, with a small generated document when the engine sent none.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from ovirtshell.output import escape, jsontext
from ovirtshell.output.paths import is_collection, scalar_text, select, show_only, top_keys
from ovirtshell.result import Result


def json_document(result: Result) -> Any:
    """What `-o json` prints: the data (reduced to --fields), else {"message": ...}, else None."""
    data = result.data
    if data is not None:
        if is_collection(data) and not isinstance(data, list):
            data = list(data)
        if result.fields:
            if isinstance(data, list):
                return [select(item, result.fields) for item in data]
            return select(data, result.fields)
        return data
    if result.message is not None:
        return {"message": result.message}
    return None


def render_json(result: Result, out: TextIO, *, color: bool = False) -> None:
    """Two-space indented JSON in the data's own key order; nothing for an empty result.

    A collection is written as an array, one member at a time (the text is the same as
    dumping the whole list), so a stream is never held whole.
    """
    if is_collection(result.data) and not color:
        _json_array(result.data, result.fields, out)
        return
    document = json_document(result)
    if document is None:
        return
    text = escape.json_safe(jsontext.dumps(document)) + "\n"
    if color:
        from ovirtshell.output.highlight import highlight_json

        text = highlight_json(text)
    out.write(text)


def _json_array(items: Any, fields: tuple[str, ...] | None, out: TextIO) -> None:
    show_only(items, top_keys(fields) if fields else None)
    separator = "[\n  "
    for item in items:
        member = select(item, fields) if fields else item
        out.write(separator + escape.json_safe(jsontext.dumps(member, "\n  ")))
        separator = ",\n  "
    out.write("[]\n" if separator.startswith("[") else "\n]\n")


def pretty_xml(raw: bytes) -> str:
    """The engine's document re-indented by two spaces; left as it is if it does not parse."""
    from lxml import etree

    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        text = escape.text(raw.decode("utf-8", "replace"))  # not XML: no character references
        return text if text.endswith("\n") else text + "\n"
    return _pretty_tree(root)


def _pretty_tree(root: Any) -> str:
    """The document `root` belongs to, indented by two spaces, with its XML declaration."""
    from lxml import etree

    tree = root.getroottree()
    return etree.tostring(
        tree,
        pretty_print=True,
        xml_declaration=True,
        encoding="UTF-8",
        standalone=tree.docinfo.standalone,
    ).decode("utf-8")


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and len(name) > 1:
        return name[:-1]
    return "item"


def _fill(element: Any, value: Any) -> None:
    from lxml import etree

    if isinstance(value, dict):
        for key, member in value.items():
            if member is None:
                continue
            if key in ("id", "href") and not isinstance(member, (dict, list)):
                element.set(key, scalar_text(member))
            else:
                _fill(etree.SubElement(element, key), member)
    elif isinstance(value, list):
        tag = _singular(element.tag)
        for member in value:
            _fill(etree.SubElement(element, tag), member)
    else:
        element.text = scalar_text(value)


def generated_xml(result: Result) -> str:
    """An engine-like document built from the plain data or the message (no engine XML)."""
    from lxml import etree

    kind = result.kind or "object"
    if result.data is not None:
        data = list(result.data) if is_collection(result.data) else result.data
        root = etree.Element(f"{kind}s" if isinstance(data, list) else kind)
        if isinstance(data, list):
            for item in data:
                _fill(etree.SubElement(root, kind), item)
        else:
            _fill(root, data)
    else:
        root = etree.Element("message")
        root.text = escape.xml_text(result.message or "")
    return etree.tostring(
        root.getroottree(), pretty_print=True, xml_declaration=True, encoding="UTF-8"
    ).decode("utf-8")


def render_xml(result: Result, out: TextIO, *, color: bool = False) -> None:
    """The engine's XML when there is one (--fields does not apply), else a generated one."""
    if result.xml:
        pieces: Iterable[str] = [pretty_xml(result.xml)]
    elif getattr(result.data, "as_sent", False):  # a listing: the engine's items as they come
        pieces = pretty_xml_items(result.data)
    elif result.data is not None or result.message is not None:
        pieces = [generated_xml(result)]
    else:
        return
    if color:
        from ovirtshell.output.highlight import highlight_xml
    for text in pieces:
        text = escape.xml_safe(text)
        out.write(highlight_xml(text) if color else text)


def pretty_xml_items(stream: Any) -> Iterator[str]:
    """A listing's document re-indented as `pretty_xml` does, written item by item: each item
    is printed inside an empty copy of the document element, whose first and last lines are
    cut, so memory holds one item whatever the size of the document."""
    from lxml import etree

    closing = None
    for item in stream.xml_elements():
        parent = item.getparent()
        if parent is None:  # a single object, the whole document
            yield _pretty_tree(item)
            return
        wrapper = etree.Element(parent.tag, dict(parent.attrib), nsmap=parent.nsmap)
        wrapper.append(copy.copy(item))
        text = etree.tostring(wrapper, pretty_print=True, encoding="unicode")
        start, end = text.index("\n") + 1, text.rindex("</")
        if closing is None:  # the declaration (with the engine's standalone flag), the start tag
            closing = text[end:]
            declared = etree.tostring(
                etree.ElementTree(etree.Element("x")), xml_declaration=True, encoding="UTF-8",
                standalone=parent.getroottree().docinfo.standalone,
            ).decode("utf-8")
            yield declared[: declared.index("\n") + 1] + text[:start]
        yield text[start:end]
    if closing is not None:
        yield closing
    elif stream.xml_root is not None:  # an empty collection
        yield _pretty_tree(stream.xml_root)
