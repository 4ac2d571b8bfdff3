"""Terminal safety: control characters and bidi overrides shown as escapes, never raw.

Anything the engine sends is untrusted: an ESC in a VM name must not move the cursor or
retitle the window, an RLO (U+202E) must not reorder what the user reads. Every text renderer
passes each value through `text`; the JSON and XML renderers escape the same characters in
their own syntax (`json_safe`, `xml_safe`), so the documents stay equivalent.
"""

from __future__ import annotations

import re

# C0 but tab and newline, DEL, C1, and the bidi embedding/override/isolate controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The same, newline included: for things that must stay on one line (error messages).
_UNSAFE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What JSON and XML may carry but a terminal must not see raw (json.dumps escapes C0 itself).
_UNSAFE_DOC = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# XML 1.0 cannot carry these at all (not even as character references).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def text(value: str) -> str:
    """`value` with unsafe characters as `\\x1b` / `\\u202e`; tab and newline kept."""
    if value.isascii() and value.isprintable():  # the common case, without the regex
        return value
    if _UNSAFE.search(value) is None:
        return value
    return _UNSAFE.sub(_escape, value)


def line(value: str) -> str:
    """One line for stderr: like `text`, newlines escaped too."""
    if _UNSAFE_LINE.search(value) is None:
        return value
    return _UNSAFE_LINE.sub(_escape, value)


def json_safe(document: str) -> str:
    """JSON text with DEL, C1 and bidi controls as `\\u` escapes (they only occur in strings)."""
    if document.isascii() and "\x7f" not in document:  # isascii() is O(1): CPython knows it
        return document
    if _UNSAFE_DOC.search(document) is None:
        return document
    return _UNSAFE_DOC.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def xml_safe(document: str) -> str:
    """XML text with DEL, C1 and bidi controls as character references: the same document."""
    if document.isascii() and "\x7f" not in document:
        return document
    if _UNSAFE_DOC.search(document) is None:
        return document
    return _UNSAFE_DOC.sub(lambda m: f"&#x{ord(m.group()):x};", document)


def xml_text(value: str) -> str:
    """A value for a document the shell builds: characters XML cannot carry shown escaped."""
    if _NOT_XML.search(value) is None:
        return value
    return _NOT_XML.sub(_escape, value)


def has_control(value: str) -> str | None:
    """The first character XML cannot carry in `value` (control or lone surrogate), or None."""
    match = _NOT_XML.search(value)
    return match.group() if match else None
