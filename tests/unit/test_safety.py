"""Small pieces of the shell's defences: escaping, the bounded body reader, script recovery."""

from __future__ import annotations

import io
import json
import zlib

import pytest

from ovirtshell.api.body import ResponseTooLarge, decoded
from ovirtshell.api.errors import CommunicationError
from ovirtshell.language import script_commands
from ovirtshell.output import escape
from ovirtshell.output.render import render, render_error
from ovirtshell.result import Result
from ovirtshell.status import ExitStatus


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("esc\x1b[2J", "esc\\x1b[2J"),
        ("bel\x07 nul\x00 cr\r", "bel\\x07 nul\\x00 cr\\x0d"),
        ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
        ("rlo\u202e lri\u2066 lrm\u200e", "rlo\\u202e lri\\u2066 lrm\\u200e"),
        ("名前 é", "名前 é"),
    ],
)
def test_text_escapes_what_a_terminal_would_obey(raw: str, shown: str):
    assert escape.text(raw) == shown


def test_line_escapes_newlines_too():
    assert escape.line("a\nb") == "a\\x0ab"


def test_every_text_format_escapes_values_and_messages():
    data = [{"name": "x\x1b]0;pwned\x07", "comment": "\u202eabc"}]
    for fmt in ("text", "table", "csv"):
        out = io.StringIO()
        render(Result(data=data, kind="vm", fields=("name", "comment")), fmt, out)
        assert "\x1b" not in out.getvalue() and "\u202e" not in out.getvalue()
        assert "\\x1b]0;pwned\\x07" in out.getvalue()
    out = io.StringIO()
    render(Result(message="done \x1b[31m"), "text", out)
    assert out.getvalue() == "done \\x1b[31m\n"


def test_json_escapes_c1_and_bidi_and_stays_json():
    out = io.StringIO()
    render(Result(data={"name": "a\u009b\u202e\x1b\x7f"}), "json", out)
    text = out.getvalue()
    assert all(c not in text for c in "\u009b\u202e\x1b\x7f")
    assert json.loads(text) == {"name": "a\u009b\u202e\x1b\x7f"}


def test_generated_xml_carries_control_characters_escaped():
    out = io.StringIO()
    render(Result(message="bell\x07"), "xml", out)
    assert "<message>bell\\x07</message>" in out.getvalue()


def test_error_lines_are_escaped_and_json_errors_have_details():
    err = io.StringIO()
    render_error(ExitStatus.REMOTE_ERROR, "boom\x1b[2J\nnext", "text", err)
    assert err.getvalue() == "error: boom\\x1b[2J\\x0anext\n"
    err = io.StringIO()
    render_error(ExitStatus.REMOTE_ERROR, "m", "json", err, details={"http_status": 409, "reason": "R", "detail": "D"})
    assert json.loads(err.getvalue())["error"] == {
        "status": 10, "name": "REMOTE_ERROR", "message": "m", "http_status": 409, "reason": "R", "detail": "D"
    }


def _chunks(data: bytes, size: int = 1000):
    return (data[i : i + size] for i in range(0, len(data), size))


def test_decoded_undoes_gzip_and_deflate_incrementally():
    body = b"<vms>" + b"<vm/>" * 10_000 + b"</vms>"
    gz = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    packed = gz.compress(body) + gz.flush()
    assert b"".join(decoded(_chunks(packed), "gzip", 1 << 20, "engine")) == body
    assert b"".join(decoded(_chunks(zlib.compress(body)), "deflate", 1 << 20, "engine")) == body
    assert b"".join(decoded(_chunks(body), "", 1 << 20, "engine")) == body


def test_decoded_stops_at_the_cap_without_inflating_the_rest():
    gz = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    bomb = gz.compress(b"\0" * (64 << 20)) + gz.flush()
    produced = 0
    with pytest.raises(ResponseTooLarge, match="1 MiB limit"):
        for piece in decoded(_chunks(bomb, 65536), "gzip", 1 << 20, "engine"):
            produced += len(piece)
    assert produced <= 1 << 20


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, gzip"])
def test_decoded_refuses_other_encodings(encoding: str):
    with pytest.raises(CommunicationError, match="content encoding"):
        list(decoded([b"x"], encoding, 100, "engine"))


def test_decoded_reports_a_truncated_or_corrupt_body():
    gz = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    packed = gz.compress(b"x" * 10_000) + gz.flush()
    with pytest.raises(CommunicationError, match="truncated"):
        list(decoded([packed[:20]], "gzip", 1 << 20, "engine"))
    with pytest.raises(CommunicationError, match="bad compressed body"):
        list(decoded([b"not gzip at all"], "gzip", 1 << 20, "engine"))


def test_script_commands_keep_line_numbers_and_isolate_an_open_quote():
    text = "echo 1\n\n# c\nshow vm 'x\necho \"two\nlines\"; echo 3\necho 4 \\\n  more\n"
    commands = [(c.line, c.text) for c in script_commands(text)]
    assert commands == [
        (1, "echo 1"),
        (4, "show vm 'x"),
        (5, 'echo "two\nlines"'),
        (6, "echo 3"),
        (7, "echo 4   more"),
    ]


def test_the_client_never_sends_dot_segments_or_to_another_host():
    from ovirtshell.api.client import Client, ConnectionSettings

    client = Client(ConnectionSettings(url="http://127.0.0.1:1/ovirt-engine/api"))
    try:
        assert client.url("/vms/1") == "http://127.0.0.1:1/ovirt-engine/api/vms/1"
        assert client.url("/vms/%2E%2E") == "http://127.0.0.1:1/ovirt-engine/api/vms/%2E%2E"
        for bad in ("/vms/../tags/1", "/vms/./x", "http://elsewhere/ovirt-engine/api/vms"):
            with pytest.raises(CommunicationError):
                client.url(bad)
    finally:
        client.close()


def test_identifiers_are_one_path_segment():
    from ovirtshell.locate import segment

    assert segment("../tags/1") == "..%2Ftags%2F1"
    assert segment("..") == "%2E%2E" and segment(".") == "%2E"
    assert segment("e42de890-3ac1") == "e42de890-3ac1"
