"""The shell against a misbehaving engine on 127.0.0.1 (tests/fakeengine.py): every failure is
a documented status with one line on stderr, within the request deadline and the size cap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ovirtshell.cli import main
from ovirtshell.status import ExitStatus

from fakeengine import API_ROOT, compressed, fake_engine, gzip_bomb, reply, stall, trickle
from support import Run, make_env

ROOT = "GET /ovirt-engine/api"
MODEL = "GET /ovirt-engine/apidoc/model.json"
API_MODEL = "GET /ovirt-engine/api/model.json"


def shell(tmp_path: Path, engine, *args: str) -> Run:
    env = make_env(
        tmp_path, {"OVIRT_URL": engine.url, "OVIRT_USERNAME": "admin@internal", "OVIRT_PASSWORD": "pw"}
    )
    status = main(list(args), env=env)
    return Run(status, env.stdout.getvalue(), env.stderr.getvalue())


def one_error_line(run: Run) -> str:
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err
    return lines[0]


@pytest.mark.parametrize("writer", [stall(), trickle(), trickle(in_headers=True)], ids=["stall", "trickle-body", "trickle-headers"])
def test_a_stalled_or_trickling_answer_ends_at_the_deadline(tmp_path: Path, writer):
    with fake_engine({ROOT: writer}) as engine:
        run = shell(tmp_path, engine, "-T", "0.5", "-E", "ping")
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "timed out" in one_error_line(run) and "0.5 s" in run.err


def test_the_model_fetch_has_one_deadline_not_two(tmp_path: Path):
    with fake_engine({ROOT: reply(API_ROOT), MODEL: trickle()}) as engine:
        run = shell(tmp_path, engine, "-T", "0.5", "-E", "ping")
        assert API_MODEL not in engine.requests  # a timed-out apidoc is not tried again elsewhere
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "timed out" in one_error_line(run)


def test_a_gzip_bomb_stops_at_the_cap(tmp_path: Path):
    bomb = gzip_bomb(64 << 20)
    assert len(bomb) < 100_000
    with fake_engine({ROOT: compressed(bomb)}) as engine:
        run = shell(tmp_path, engine, "--max-response-size", "1MiB", "-E", "ping")
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "larger than the 1 MiB limit" in one_error_line(run)


def test_a_large_plain_answer_stops_at_the_cap(tmp_path: Path):
    body = b"<api>" + b"<x>" * (1 << 20) + b"</api>"
    with fake_engine({ROOT: reply(body)}) as engine:
        run = shell(tmp_path, engine, "--max-response-size", "2MiB", "-E", "ping")
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "larger than the 2 MiB limit" in one_error_line(run)


def test_the_default_cap_bounds_memory_of_a_real_process(tmp_path: Path):
    """300 MiB of zeros in 300 KiB of gzip: the shell's peak memory stays near the 256 MiB cap."""
    import os
    import resource
    import subprocess
    import sys

    bomb = gzip_bomb(300 << 20)
    with fake_engine({ROOT: compressed(bomb)}) as engine:
        environ = {**os.environ, "OVIRT_URL": engine.url, "OVIRT_USERNAME": "a@internal", "OVIRT_PASSWORD": "pw",
                   "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
        proc = subprocess.run([sys.executable, "-m", "ovirtshell", "-E", "ping"], env=environ,
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == ExitStatus.COMMUNICATION_ERROR, proc.stderr
    assert "larger than the 256 MiB limit" in proc.stderr
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS of the shell reading a 300 MiB gzip bomb: {peak_kib // 1024} MiB")
    assert peak_kib < 900 * 1024  # unbounded decoding would need well over 1 GiB (300 MiB body, joined)


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE api [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'.encode() for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"]><api><product_info><name>&i;</name></product_info></api>"
)


@pytest.mark.parametrize(
    "body",
    [b"", b"<api><product_info>", BOMB, b"<html>hello</html>", b"<" * 100, b"<a>" * 50_000],
    ids=["empty", "truncated", "entity-bomb", "not-api", "garbage", "deep"],
)
def test_a_malformed_api_root_is_a_communication_error(tmp_path: Path, body: bytes):
    with fake_engine({ROOT: reply(body)}) as engine:
        run = shell(tmp_path, engine, "-E", "ping")
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "malformed response" in one_error_line(run)


def test_a_non_xml_answer_is_a_communication_error(tmp_path: Path):
    with fake_engine({ROOT: reply(b"\x00\xff" * 100, ctype="application/octet-stream")}) as engine:
        run = shell(tmp_path, engine, "-E", "ping")
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    one_error_line(run)


HOSTILE = "red\x1b[31m bell\x07 csi\u009b2J rlo\u202eevil"


def _assert_escaped(text: str) -> None:
    for raw in ("\x1b", "\x07", "\u009b", "\u202e"):
        assert raw not in text
    assert "\\x1b[31m" in text and "\\x07" in text and "\\x9b" in text and "\\u202e" in text


def test_escapes_in_an_sso_error_are_shown_escaped(tmp_path: Path):
    body = json.dumps({"error": "access_denied", "error_description": HOSTILE}).encode()
    sso = reply(body, "401 Unauthorized", "application/json")
    with fake_engine({"POST /ovirt-engine/sso/oauth/token": sso}) as engine:
        run = shell(tmp_path, engine, "-E", "ping")
        as_json = shell(tmp_path, engine, "-o", "json", "-E", "ping")
    assert run.status == ExitStatus.AUTHENTICATION_ERROR
    _assert_escaped(one_error_line(run))
    assert as_json.status == ExitStatus.AUTHENTICATION_ERROR
    line = one_error_line(as_json)
    assert "\u009b" not in line and "\u202e" not in line
    assert HOSTILE in json.loads(line)["error"]["message"]  # JSON escapes, the reader gets the text


def _assert_doc_escaped(text: str) -> None:
    """XML cannot carry C0 controls at all, so an XML fault brings C1 and bidi ones."""
    assert "\u009b" not in text and "\u202e" not in text
    assert "\\x9b" in text and "\\u202e" in text


XML_HOSTILE = "csi\u009b2J rlo\u202eevil"


def test_escapes_in_a_fault_are_shown_escaped_and_json_has_its_fields(tmp_path: Path):
    fault = f"<fault><reason>Operation Failed</reason><detail>{XML_HOSTILE}</detail></fault>".encode()
    with fake_engine({ROOT: reply(fault, "500 Internal Server Error")}) as engine:
        run = shell(tmp_path, engine, "-E", "ping")
        as_json = shell(tmp_path, engine, "-o", "json", "-E", "ping")
        as_xml = shell(tmp_path, engine, "-o", "xml", "-E", "ping")
    assert run.status == ExitStatus.REMOTE_ERROR
    _assert_doc_escaped(one_error_line(run))
    _assert_doc_escaped(one_error_line(as_xml))
    line = one_error_line(as_json)
    assert "\u009b" not in line and "\u202e" not in line
    error = json.loads(line)["error"]
    assert error["status"] == 10 and error["name"] == "REMOTE_ERROR"
    assert error["http_status"] == 500 and error["reason"] == "Operation Failed" and error["detail"] == XML_HOSTILE


def test_escapes_in_a_json_fault_are_shown_escaped(tmp_path: Path):
    fault = json.dumps({"reason": "Operation Failed", "detail": HOSTILE}).encode()
    with fake_engine({ROOT: reply(fault, "409 Conflict", "application/json")}) as engine:
        run = shell(tmp_path, engine, "-E", "ping")
    assert run.status == ExitStatus.REMOTE_ERROR
    _assert_escaped(one_error_line(run))


def test_an_unsupported_content_encoding_is_refused(tmp_path: Path):
    writer = reply(API_ROOT, headers="Content-Encoding: br\r\n")
    with fake_engine({ROOT: writer}) as engine:
        run = shell(tmp_path, engine, "-E", "ping")
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "content encoding" in one_error_line(run)


DEEP_JSON = b"[" * 100_000


@pytest.mark.parametrize(
    "routes",
    [
        {"POST /ovirt-engine/sso/oauth/token": reply(DEEP_JSON, ctype="application/json")},
        {ROOT: reply(DEEP_JSON, "500 Internal Server Error", ctype="application/json")},
        {ROOT: reply(API_ROOT), MODEL: reply(b'{"types": ' + DEEP_JSON, ctype="application/json")},
        {ROOT: reply(API_ROOT), MODEL: reply(b'{"types": 5}', ctype="application/json")},
        {ROOT: reply(API_ROOT), MODEL: reply(b"{", ctype="application/json")},
    ],
    ids=["sso", "json-fault", "model-deep", "model-shape", "model-truncated"],
)
def test_hostile_json_is_never_a_bug(tmp_path: Path, routes):
    with fake_engine(routes) as engine:
        run = shell(tmp_path, engine, "-E", "ping")
    assert run.status in (ExitStatus.COMMUNICATION_ERROR, ExitStatus.REMOTE_ERROR), run.err
    one_error_line(run)


SIM_MODEL = Path(__file__).resolve().parents[2] / "ovirtsim" / "data" / "model.json"
VMS = "GET /ovirt-engine/api/vms"


def listing(body: bytes, ctype: str = "application/json") -> dict:
    """Routes of an engine whose only collection is a `vms` answering `body`."""
    return {ROOT: reply(API_ROOT), MODEL: reply(SIM_MODEL.read_bytes(), ctype="application/json"),
            VMS: reply(body, ctype=ctype)}


@pytest.mark.parametrize(
    "body",
    [b'{"vm": [' + b"[" * 100_000, b'{"vm": [{"id": "1", "name": "one"}', b'{"vm": [{"id": 1x}]}',
     b'{"vm": [{"name": "\xff\xfe"}]}', b"", b'{"vm": [{"id": "1"}]} {"more": 1}'],
    ids=["deep", "truncated", "bad-token", "not-utf8", "empty", "trailing"],
)
def test_a_malformed_json_listing_is_a_communication_error(tmp_path: Path, body: bytes):
    with fake_engine(listing(body)) as engine:
        for fmt in ("text", "json"):
            run = shell(tmp_path, engine, "-o", fmt, "-E", "list vms")
            assert run.status == ExitStatus.COMMUNICATION_ERROR, (fmt, run.err)
            assert "malformed response" in one_error_line(run)


def test_a_json_listing_with_escapes_is_shown_escaped(tmp_path: Path):
    vm = {"id": "1", "name": "vm1", "description": HOSTILE, "memory": "1024"}
    with fake_engine(listing(json.dumps({"vm": [vm]}).encode())) as engine:
        text = shell(tmp_path, engine, "-E", "list vms")
        as_json = shell(tmp_path, engine, "-o", "json", "-E", "list vms")
    assert text.status == ExitStatus.OK, text.err
    _assert_escaped(text.out)
    assert as_json.status == ExitStatus.OK and "\u202e" not in as_json.out
    assert json.loads(as_json.out) == [{"id": "1", "name": "vm1", "description": HOSTILE, "memory": 1024}]
    with fake_engine(listing(b"<html>hi</html>", ctype="text/html")) as engine:
        run = shell(tmp_path, engine, "-E", "list vms")
    assert run.status == ExitStatus.COMMUNICATION_ERROR
    assert "expected JSON or XML" in one_error_line(run)
