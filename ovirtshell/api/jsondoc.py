"""A JSON collection document read as it arrives: its items one at a time.

The engine writes a collection as `{"vm": [{...}, {...}]}`. The standard library parses only
whole documents, so this walks the outer object and array itself and hands each member to
the C scanner (`raw_decode`) once the buffer holds all of it: memory holds one item and a
chunk, whatever the document's size. A value cut by a chunk boundary is retried when the
buffer has at least doubled, so even a huge value is scanned a logarithmic number of times.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ovirtshell.api.codec import CodecError

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# How close to the end of the buffer a scan error may be and still mean "cut short".
_SLACK = 8


def members(chunks: Iterable[bytes], item_key: str) -> Iterator[tuple[str, Any]]:
    """(key, value) per top-level member, in order, except that the array under `item_key`
    gives (item_key, item) once per item as it is read. A bare top-level array is taken as the
    items. Malformed JSON raises CodecError."""
    reader = _Reader(chunks)
    try:
        first = reader.peek()
        if first == "[":
            yield from ((item_key, item) for item in reader.array())
        elif first == "{":
            reader.pos += 1
            if reader.peek() == "}":
                reader.pos += 1
            else:
                while True:
                    key = reader.value()
                    if key.__class__ is not str:
                        raise reader.error("expected a member name")
                    reader.expect(":")
                    if key == item_key and reader.peek() == "[":
                        yield from ((key, item) for item in reader.array())
                    else:
                        yield key, reader.value()
                    if reader.next_of(",}") == "}":
                        break
        else:
            raise reader.error("expected a JSON object")
        if reader.peek():
            raise reader.error("data after the document")
    except RecursionError:
        raise CodecError("malformed response: the JSON document is nested too deeply") from None
    except UnicodeDecodeError:
        raise CodecError("malformed response: the JSON document is not UTF-8") from None


class _Reader:
    """A window on the body: `buf[pos:]` is what is not yet consumed."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._decode = codecs.getincrementaldecoder("utf-8")().decode
        self.buf = ""
        self.pos = 0
        self.ended = False

    def more(self) -> bool:
        """Append the next chunk, dropping what was consumed; False at the end of the body."""
        while not self.ended:
            chunk = next(self._chunks, None)
            if chunk is None:
                self.ended = True
                text = self._decode(b"", True)
            else:
                text = self._decode(chunk)
            if text:
                self.buf = self.buf[self.pos:] + text
                self.pos = 0
                return True
        return False

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), not consumed."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {char!r}")
        self.pos += 1

    def next_of(self, chars: str) -> str:
        """Consume the next character, which must be one of `chars`."""
        char = self.peek()
        if not char or char not in chars:
            raise self.error(" or ".join(repr(c) for c in chars) + " expected")
        self.pos += 1
        return char

    def value(self) -> Any:
        """The next whole value, reading on while the buffer holds only part of it."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.buf) - _SLACK or exc.msg.startswith("Unterminated string")
                if not cut or not self._grow():
                    raise CodecError(f"malformed response: not well-formed JSON ({exc.msg} at byte {exc.pos})") from None
                continue
            except ValueError as exc:  # e.g. an integer longer than Python converts
                raise CodecError(f"malformed response: {exc}") from None
            if end == len(self.buf) and self._grow():
                continue  # a number at the end of the buffer may go on in the next chunk
            self.pos = end
            return value

    def array(self) -> Iterator[Any]:
        """The items of the array starting here, one by one."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.next_of(",]") == "]":
                return

    def _grow(self) -> bool:
        """Read until the unconsumed part has doubled (or the body ends); False if nothing came."""
        want = 2 * (len(self.buf) - self.pos) + 1
        grew = False
        while len(self.buf) - self.pos < want and self.more():
            grew = True
        return grew

    def error(self, what: str) -> CodecError:
        return CodecError(f"malformed response: not well-formed JSON ({what})")
