"""Paging long output through `$PAGER` (default `less -FRX`), only on a terminal.

The pager is run without a shell (its command line is split like a shell would) and any
failure to start it falls back to writing the text directly, so a missing pager never hangs
or loses output.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import TextIO

DEFAULT_PAGER = "less -FRX"


def line_count(text: str) -> int:
    """How many terminal lines `text` takes, ignoring wrapping."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def pager_command(env_pager: str | None) -> list[str]:
    """The pager's argv: $PAGER split, `less -FRX` when unset, [] (no paging) when empty."""
    if env_pager is None:
        return shlex.split(DEFAULT_PAGER)
    try:
        return shlex.split(env_pager)
    except ValueError:  # unbalanced quotes: treat as no pager rather than fail the command
        return []


def _fileno(out: TextIO) -> int | None:
    try:
        return out.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def page(text: str, env_pager: str | None, out: TextIO, height: int, isatty: bool) -> bool:
    """Show `text`, through the pager when on a terminal and taller than `height` lines.

    Returns whether the pager was used. When it was not (short text, not a terminal, no
    pager, pager failed to start) the text is written to `out` directly.
    """
    command = pager_command(env_pager) if isatty and line_count(text) > height else []
    if command and _run_pager(command, text, out):
        return True
    out.write(text)
    return False


def _run_pager(command: list[str], text: str, out: TextIO) -> bool:
    environ = dict(os.environ)
    environ.setdefault("LESS", "FRX")  # colours and quit-if-one-screen even for plain `less`
    try:
        out.flush()
    except (OSError, ValueError):
        pass
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=_fileno(out), env=environ)
    except OSError:
        return False
    try:
        # communicate() ignores a broken pipe, which is what quitting the pager early gives.
        process.communicate(text.encode(encoding, "replace"))
    except KeyboardInterrupt:
        try:
            if process.stdin:
                process.stdin.close()  # the pager sees the end of its input
        except OSError:
            pass
    while True:
        try:
            process.wait()
            return True
        except KeyboardInterrupt:
            # The pager handles Ctrl-C itself; leaving it behind would wreck the terminal.
            continue
