"""--dry-run: the request a writing command would send, printed instead of sent.

Names and parents are still looked up (GET only), so the printed request is exactly the one
the engine would receive; nothing that changes state is sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ovirtshell.result import Result


def dry_run(client: Any, method: str, path: str, params: dict[str, str], body: bytes | None = None) -> Result:
    """The request as text: `METHOD URL` and the pretty-printed XML body; exit status OK."""
    url = client.url(path)
    if params:
        url += "?" + urlencode(params)
    lines = [f"{method} {url}"]
    if body:
        lines.append(_pretty(body))
    return Result(message="\n".join(lines), xml=body or None)  # -o xml: the body alone


def _pretty(body: bytes) -> str:
    from lxml import etree

    try:
        root = etree.fromstring(body)
    except etree.XMLSyntaxError:
        return body.decode("utf-8", "replace")
    return etree.tostring(root, pretty_print=True, encoding="unicode").rstrip("\n")
