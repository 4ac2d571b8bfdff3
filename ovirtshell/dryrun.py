"""--dry-run: the request a writing command would send, printed instead of sent.

Names and parents are still looked up (GET only), so the printed request is exactly the one
the engine would receive; nothing that changes state is sent. Secrets (`password`,
`root_password`, ...) are the exception: their values are printed masked.
"""

from __future__ import annotations

import shlex
from typing import Any
from urllib.parse import urlencode

from ovirtshell.metadata.options import is_secret
from ovirtshell.result import Result

MASK = "********"


def dry_run(
    client: Any, method: str, path: str, params: dict[str, str], body: bytes | None = None, *, curl: bool = False
) -> Result:
    """The request as text: `METHOD URL` and the pretty-printed XML body, or with `curl` a
    command that sends it; exit status OK."""
    url = client.url(path)
    if params:
        url += "?" + urlencode(params)
    shown = _masked(body) if body else None
    if curl:
        return Result(message=curl_command(method, url, shown))
    lines = [f"{method} {url}"]
    if shown:
        lines.append(shown.decode("utf-8", "replace"))
    return Result(message="\n".join(lines), xml=shown or None)  # -o xml: the body alone


def curl_command(method: str, url: str, body: bytes | None) -> str:
    """A shell command that sends the request with curl. The credentials are the variable
    `$OVIRT_TOKEN` (an SSO token), never a value; secrets in the body stay masked."""
    lines = [
        f"curl -sS -X {method} {shlex.quote(url)} \\",
        "  -H 'Version: 4' -H 'Accept: application/xml' \\",
        '  -H "Authorization: Bearer $OVIRT_TOKEN"' + (" \\" if body else ""),
    ]
    if body:
        text = body.decode("utf-8", "replace")
        marker = "EOF"
        while marker in text.splitlines():
            marker += "_"
        lines += ["  -H 'Content-Type: application/xml' --data-binary @- <<'" + marker + "'", text, marker]
    return "\n".join(lines)


def _masked(body: bytes) -> bytes:
    """The body pretty-printed, each secret element's text replaced by MASK."""
    from lxml import etree

    try:
        root = etree.fromstring(body)
    except etree.XMLSyntaxError:
        return b"(a body that is not XML, not shown)"
    for element in root.iter():
        if isinstance(element.tag, str) and is_secret(element.tag) and element.text:
            element.text = MASK
    return etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=False).rstrip(b"\n")
