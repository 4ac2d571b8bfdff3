"""The bottom toolbar: where we are connected, the output format, the last command's status."""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.formatted_text import StyleAndTextTuples

from ovirtshell.output import escape
from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus


def toolbar_parts(shell: Shell) -> StyleAndTextTuples:
    """What the toolbar shows now; recomputed at every redraw, so `set output` shows at once."""
    if shell.connected:
        where = [("class:bottom-toolbar.ok", " connected "), ("", f"{escape.line(shell.connection.host)} ")]
    else:
        where = [("class:bottom-toolbar.bad", " disconnected ")]
    status = shell.last_status
    if status is None:
        last = [("", "-")]
    else:
        cls = "class:bottom-toolbar.ok" if status == ExitStatus.OK else "class:bottom-toolbar.bad"
        last = [(cls, f"{status.name} ({int(status)})")]
    return [
        *where,
        ("", "│ output: "),
        ("class:bottom-toolbar.key", shell.settings.output),
        ("", " │ last: "),
        *last,
        ("", " │ Tab complete · Ctrl-R search · Ctrl-D exit "),
    ]


def build_toolbar(shell: Shell) -> Callable[[], StyleAndTextTuples]:
    return lambda: toolbar_parts(shell)
