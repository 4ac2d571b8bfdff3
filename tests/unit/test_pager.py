"""The pager: real subprocesses standing in for `less`, writing where the test can look."""

from __future__ import annotations

import io
import shlex
import sys
from pathlib import Path

from ovirtshell.output.pager import line_count, page, pager_command

TALL = "".join(f"line {i}\n" for i in range(30))


def recording_pager(target: Path) -> str:
    """A $PAGER value that copies its input to `target` (what a pager would have shown)."""
    code = "import sys; open(sys.argv[1], 'w').write(sys.stdin.read())"
    return shlex.join([sys.executable, "-c", code, str(target)])


def test_tall_text_on_a_terminal_goes_through_the_pager(tmp_path):
    target = tmp_path / "paged.txt"
    out = io.StringIO()
    assert page(TALL, recording_pager(target), out, height=24, isatty=True) is True
    assert target.read_text() == TALL
    assert out.getvalue() == ""


def test_the_pager_writes_to_the_stream_it_is_given(tmp_path):
    target = tmp_path / "out.txt"
    with target.open("w") as out:
        assert page(TALL, "cat", out, height=10, isatty=True) is True
    assert target.read_text() == TALL


def test_short_text_is_written_directly(tmp_path):
    target = tmp_path / "paged.txt"
    out = io.StringIO()
    assert page("one\ntwo\n", recording_pager(target), out, height=24, isatty=True) is False
    assert out.getvalue() == "one\ntwo\n"
    assert not target.exists()


def test_text_exactly_the_height_is_not_paged():
    text = "".join(f"{i}\n" for i in range(24))
    out = io.StringIO()
    assert page(text, "cat", out, height=24, isatty=True) is False
    assert out.getvalue() == text


def test_never_pages_when_not_a_terminal(tmp_path):
    target = tmp_path / "paged.txt"
    out = io.StringIO()
    assert page(TALL, recording_pager(target), out, height=5, isatty=False) is False
    assert out.getvalue() == TALL
    assert not target.exists()


def test_a_missing_pager_falls_back_to_writing_directly(tmp_path):
    out = io.StringIO()
    missing = str(tmp_path / "no-such-pager")
    assert page(TALL, f"{missing} -R", out, height=5, isatty=True) is False
    assert out.getvalue() == TALL


def test_an_empty_pager_means_no_paging():
    out = io.StringIO()
    assert page(TALL, "", out, height=5, isatty=True) is False
    assert out.getvalue() == TALL


def test_a_pager_that_quits_early_does_not_hang_or_fail(tmp_path):
    big = "x" * 100 + "\n"
    out = io.StringIO()
    assert page(big * 20000, "true", out, height=5, isatty=True) is True
    assert out.getvalue() == ""


def test_pager_command():
    assert pager_command(None) == ["less", "-FRX"]
    assert pager_command("most -s") == ["most", "-s"]
    assert pager_command("'my pager' -x") == ["my pager", "-x"]
    assert pager_command("") == []
    assert pager_command('"unbalanced') == []


def test_line_count():
    assert line_count("") == 0
    assert line_count("a") == 1
    assert line_count("a\n") == 1
    assert line_count("a\nb") == 2
