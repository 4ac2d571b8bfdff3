"""Reading a response body with a size cap, decompressing it incrementally.

A small gzip body can unpack to gigabytes; the decompressor is therefore never asked for more
than what is left under the cap, and the cap counts the decoded bytes. Only the encodings the
shell asks for (gzip, deflate) are accepted.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from ovirtshell.api.errors import CommunicationError

#: What the shell sends as Accept-Encoding: the encodings `decoded` can undo within the cap.
ACCEPT_ENCODING = "gzip, deflate"

#: The default cap on one response, decoded (settable with --max-response-size).
DEFAULT_MAX_RESPONSE = 256 * 1024 * 1024

_CHUNK = 64 * 1024


class ResponseTooLarge(CommunicationError):
    """The engine's answer exceeds the response size cap."""


def size_text(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def _decompressor(encoding: str, where: str):
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return None
    if enc in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if enc == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, detected
    raise CommunicationError(f"malformed response from {where}: unsupported content encoding {encoding!r}")


def decoded(raw: Iterable[bytes], encoding: str, cap: int, where: str) -> Iterator[bytes]:
    """The decoded body in chunks; ResponseTooLarge as soon as it would pass `cap` bytes."""
    inflate = _decompressor(encoding, where)
    total = 0
    received = False

    def count(piece: bytes) -> bytes:
        nonlocal total
        total += len(piece)
        if total > cap:
            raise ResponseTooLarge(
                f"the response from {where} is larger than the {size_text(cap)} limit "
                f"(raise it with --max-response-size)"
            )
        return piece

    for chunk in raw:
        if inflate is None:
            if chunk:
                yield count(chunk)
            continue
        data = chunk
        received = received or bool(chunk)
        while data:
            try:
                out = inflate.decompress(data, min(cap - total + 1, _CHUNK * 16))
            except zlib.error as exc:
                raise CommunicationError(f"malformed response from {where}: bad compressed body ({exc})") from None
            if out:
                yield count(out)
            data = inflate.unconsumed_tail
            if inflate.eof:
                break
    if inflate is not None and received and not inflate.eof:
        raise CommunicationError(f"malformed response from {where}: the compressed body is truncated")
