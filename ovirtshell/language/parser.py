"""From tokens to ``Command``: one grammar for the REPL, ``-E``, ``-f FILE`` and stdin.

A command is ``verb {argument | option} [> file | >> file] [| shell pipeline]``; commands are
separated by ``;`` or newlines outside quotes. ``!cmd`` and ``shell cmd`` run ``cmd`` in the
system shell. After an unquoted ``|`` (or ``!``) the rest of the *line* belongs to the system
shell, ``;`` included, as in the original shell: ``list vms | grep a; echo`` is one command.
"""

from __future__ import annotations

import bisect
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field, replace

from ovirtshell.language.tokenizer import Token, scan
from ovirtshell.status import UsageError

__all__ = ["ALWAYS_FLAGS", "Command", "ScriptCommand", "parse", "parse_script", "script_commands", "split_commands"]

#: Options that never take a following word: ``list --help vms`` must not read ``vms`` as the
#: value of ``--help``.
ALWAYS_FLAGS = frozenset({"help"})


@dataclass(frozen=True)
class Command:
    """One parsed command. ``text`` is its source (for history and echo) and is not compared."""

    verb: str
    args: tuple[str, ...] = ()
    options: tuple[tuple[str, str | None], ...] = ()
    pipe: str | None = None
    redirect: tuple[str, str] | None = None
    text: str = field(default="", compare=False)

    def split_off(self, names: Iterable[str]) -> tuple[Command, dict[str, str | None]]:
        """The command without the options ``names`` (a command's own, not the model's), and
        their values: bulk and follow options are handled before the model sees the rest."""
        names = set(names)
        own = {n: v for n, v in self.options if n in names}
        rest = tuple((n, v) for n, v in self.options if n not in names)
        return replace(self, options=rest), own


def _segments(tokens: Sequence[Token]) -> list[list[Token]]:
    """Tokens grouped per command: split at separators, comments dropped, empty groups skipped."""
    groups: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "semicolon":
            groups.append([])
        elif token.kind != "comment":
            groups[-1].append(token)
    return [g for g in groups if g]


def _source(text: str, start: int, end: int, continuations: Sequence[int]) -> str:
    """``text[start:end]`` without its backslash-newline continuations, stripped."""
    pieces, pos = [], start
    for at in continuations:
        if start <= at < end:
            pieces.append(text[pos:at])
            pos = at + 2
    pieces.append(text[pos:end])
    return "".join(pieces).strip()


def _describe(token: Token) -> str:
    return {"pipe": "'|'", "redirect": f"'{token.value}'", "shell": "'!'"}.get(
        token.kind, repr(token.text)
    )


def _build(
    text: str, tokens: list[Token], continuations: Sequence[int], flags: Container[str]
) -> Command:
    source = _source(text, tokens[0].start, tokens[-1].end, continuations)
    first = tokens[0]
    if first.kind == "shell":
        return Command("!", (first.value,) if first.value else (), text=source)
    if first.kind != "word":
        raise UsageError(f"a command must start with a command name, not {_describe(first)}")

    args: list[str] = []
    options: list[tuple[str, str | None]] = []
    pipe: str | None = None
    redirect: tuple[str, str] | None = None
    i = 1
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.kind == "word":
            args.append(token.value)
        elif token.kind == "option":
            if token.attached is not None:
                options.append((token.value, token.attached))
            elif (
                following is not None
                and following.kind == "word"
                and token.value not in flags
                and token.value not in ALWAYS_FLAGS
            ):
                options.append((token.value, following.value))
                i += 1
            else:
                options.append((token.value, None))
        elif token.kind == "redirect":
            if redirect is not None:
                raise UsageError("only one output redirection ('>' or '>>') is allowed")
            if following is None or following.kind != "word":
                raise UsageError(f"a file name is missing after '{token.value}'")
            redirect = (token.value, following.value)
            i += 1
        elif token.kind == "pipe":
            if not token.value:
                raise UsageError("a shell command is missing after '|'")
            pipe = token.value
        else:  # pragma: no cover - the tokenizer emits "shell" only at a command start
            raise UsageError(f"unexpected {_describe(token)}")
        i += 1
    return Command(first.value, tuple(args), tuple(options), pipe, redirect, source)


def parse(line: str, *, flags: Container[str] = frozenset()) -> Command | None:
    """Parse one command; None for a blank or comment-only line.

    ``flags`` names options that never take the following word as their value (``--flag=value``
    still works). Several commands in ``line`` are an error: use ``parse_script`` for those.
    """
    tokens, continuations = scan(line)
    segments = _segments(tokens)
    if not segments:
        return None
    if len(segments) > 1:
        raise UsageError("one command expected, found several (separated by ';' or newlines)")
    return _build(line, segments[0], continuations, flags)


def split_commands(text: str) -> list[str]:
    """A script or ``-E`` string as the source text of each command.

    ``;`` and newlines separate commands outside quotes; a backslash before a newline continues
    the line; comments and blank commands are dropped; after ``|`` or ``!`` the rest of the
    line (``;`` included) is the system shell's. Raises ``UsageError`` on an open quote.
    """
    tokens, continuations = scan(text)
    return [_source(text, g[0].start, g[-1].end, continuations) for g in _segments(tokens)]


@dataclass(frozen=True)
class ScriptCommand:
    """One command of a script: its source text and the line it starts on (1-based)."""

    line: int
    text: str


def script_commands(text: str) -> list[ScriptCommand]:
    """Like `split_commands`, with line numbers, and an unreadable line (an open quote, a
    dangling backslash) kept as its own command so that it fails alone and the rest still runs."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    out: list[ScriptCommand] = []
    offset = 0
    while offset <= len(text):
        chunk = text[offset:]
        try:
            tokens, continuations = scan(chunk)
        except UsageError as exc:
            pos = getattr(exc, "position", None)
            if pos is None:
                raise
            start = chunk.rfind("\n", 0, pos) + 1
            end = chunk.find("\n", pos)
            end = len(chunk) if end < 0 else end
            before, more = scan(chunk[:start])
            out += [
                ScriptCommand(line_of(offset + g[0].start), _source(chunk, g[0].start, g[-1].end, more))
                for g in _segments(before)
            ]
            out.append(ScriptCommand(line_of(offset + start), chunk[start:end].strip()))
            offset += end + 1
            continue
        out += [
            ScriptCommand(line_of(offset + g[0].start), _source(chunk, g[0].start, g[-1].end, continuations))
            for g in _segments(tokens)
        ]
        break
    return out


def parse_script(text: str, *, flags: Container[str] = frozenset()) -> list[Command]:
    """Every command of a script or ``-E`` string, parsed; the first error raises."""
    tokens, continuations = scan(text)
    return [_build(text, g, continuations, flags) for g in _segments(tokens)]
