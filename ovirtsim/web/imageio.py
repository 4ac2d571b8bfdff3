"""The simulator's own ovirt-imageio endpoint: ``/images/{ticket}`` of image transfers.

Clients PUT and GET byte ranges, PATCH zero and flush, ask OPTIONS for the features and
GET ``/extents``, as they do against a host's or the proxy's imageio daemon. The bytes of
each disk are kept in memory (sparse: unwritten ranges read back as zeros); a transfer's
ticket is valid only while it is transferring, for the operations of its direction.
"""

from __future__ import annotations

import json
import re

from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from ..engine import Engine

RANGE = re.compile(r"bytes=(\d+)-(\d*)$")
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)$")
CHUNK = 1024 * 1024


class ImageIO:
    """Disk contents by disk id, served through transfer tickets."""

    def __init__(self, sim: Engine) -> None:
        self.sim = sim
        self.images: dict[str, dict[int, bytes]] = {}  # disk id -> {chunk index: bytes}

    def _ticket(self, ticket: str) -> dict | None:
        with self.sim.lock:
            for t in self.sim.store.items("imagetransfers"):
                if t.get("_ticket") == ticket:
                    return dict(t)
        return None

    def _size(self, t: dict) -> int:
        disk = self.sim.store.get("disks", str((t.get("disk") or {}).get("id"))) or {}
        return int(disk.get("provisioned_size") or 0)

    def read(self, did: str, start: int, length: int) -> bytes:
        chunks = self.images.get(did, {})
        out = bytearray()
        pos, end = start, start + length
        while pos < end:
            idx, off = divmod(pos, CHUNK)
            take = min(CHUNK - off, end - pos)
            data = chunks.get(idx)
            piece = data[off:off + take] if data else b""
            out += piece + bytes(take - len(piece))
            pos += take
        return bytes(out)

    def write(self, did: str, start: int, data: bytes) -> None:
        chunks = self.images.setdefault(did, {})
        pos, view = start, memoryview(data)
        while view:
            idx, off = divmod(pos, CHUNK)
            take = min(CHUNK - off, len(view))
            cur = bytearray(chunks.get(idx, b"").ljust(off + take, b"\0"))
            cur[off:off + take] = view[:take]
            chunks[idx] = bytes(cur)
            view = view[take:]
            pos += take

    def zero(self, did: str, start: int, length: int) -> None:
        self.write(did, start, bytes(length))

    async def __call__(self, request: HttpRequest, path: str) -> Response:
        parts = path[len("/images/"):].split("/")
        ticket, extra = parts[0], parts[1:]
        t = self._ticket(ticket)
        if t is None:
            return _error(404, f"No such ticket {ticket}")
        if t.get("phase") != "transferring":
            return _error(403, f"Transfer {t['id']} is {t.get('phase')}, not transferring")
        ops, did, size = t.get("_ops") or [], str(t["disk"]["id"]), self._size(t)
        method = request.method
        if method == "OPTIONS":
            feats = ["extents", "zero", "flush"] if "write" in ops else ["extents"]
            return _json({"features": feats, "max_readers": 8, "max_writers": 8,
                          "unix_socket": None})
        if extra == ["extents"] and method == "GET":
            return _json([{"start": 0, "length": size, "zero": False, "hole": False}])
        if extra:
            return _error(404, "No such resource")
        if method == "GET":
            if "read" not in ops:
                return _error(403, "The ticket does not allow reading")
            rng = request.headers.get("range")
            start, end = 0, size - 1
            if rng:
                m = RANGE.match(rng.strip())
                if not m:
                    return _error(400, f"Invalid Range header: {rng}")
                start = int(m.group(1))
                end = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
                if start > end:
                    return Response(b"", 416, {"Content-Range": f"bytes */{size}"})
            body = self.read(did, start, end - start + 1)
            self._count(t, len(body))
            headers = {"Content-Range": f"bytes {start}-{end}/{size}"} if rng else {}
            return Response(body, 206 if rng else 200, headers,
                            media_type="application/octet-stream")
        if method == "PUT":
            if "write" not in ops:
                return _error(403, "The ticket does not allow writing")
            body = await request.body()
            start = 0
            cr = request.headers.get("content-range")
            if cr:
                m = CONTENT_RANGE.match(cr.strip())
                if not m:
                    return _error(400, f"Invalid Content-Range header: {cr}")
                start = int(m.group(1))
            if start + len(body) > size:
                return _error(416, f"Write beyond the end of the image ({size} bytes)")
            self.write(did, start, body)
            self._count(t, len(body), written=start + len(body))
            return Response(b"", 200)
        if method == "PATCH":
            if "write" not in ops:
                return _error(403, "The ticket does not allow writing")
            try:
                msg = json.loads(await request.body() or b"{}")
                op = msg["op"]
            except (ValueError, KeyError, TypeError):
                return _error(400, "Invalid PATCH request")
            if op == "flush":
                return Response(b"", 200)
            if op == "zero":
                start, length = int(msg.get("offset", 0)), int(msg.get("size", 0))
                if start < 0 or length < 0 or start + length > size:
                    return _error(416, "Zero beyond the end of the image")
                self.zero(did, start, length)
                return Response(b"", 200)
            return _error(400, f"Unknown op {op!r}")
        return _error(405, f"Method {method} not allowed")

    def _count(self, t: dict, n: int, written: int | None = None) -> None:
        with self.sim.lock:
            store = self.sim.store
            cur = store.get("imagetransfers", t["id"]) or {}
            store.update("imagetransfers", t["id"], transferred=int(cur.get("transferred")
                                                                    or 0) + n)
            if written is not None:
                did = str(t["disk"]["id"])
                key = f"image-written:{did}"
                if written > int(store.meta_get(key, 0) or 0):  # type: ignore[arg-type]
                    store.meta_set(key, written)


def _json(data: object) -> Response:
    return Response(json.dumps(data), 200, media_type="application/json")


def _error(status: int, text: str) -> Response:
    return Response(text + "\n", status, media_type="text/plain")
