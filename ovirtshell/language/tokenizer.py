"""Turning command text into tokens, for the parser and for the completion engine.

Rules (the original shell's, made quote-aware everywhere):

- ``'…'`` is literal; ``"…"`` knows only the escapes ``\\"`` and ``\\\\``; outside quotes a
  backslash escapes the next character, except that ``\\,`` is kept as the two characters so
  that the option layer can still tell an escaped comma inside a list element
  (``--x a=1\\,2`` and ``--x "a=1\\,2"`` both give ``a=1\\,2``). A comma itself needs no escaping
  in the command language. A backslash before a newline (outside quotes) joins the lines.
- words end at unquoted whitespace, ``|``, ``>``, ``;`` and newline; ``#`` starts a comment
  (up to the end of the line) only where a word would start.
- ``;`` and an unquoted newline separate commands (both are ``semicolon`` tokens).
- ``|`` takes the rest of the line, ``;`` included, as the shell pipeline; ``!`` or the word
  ``shell`` at the start of a command likewise takes the rest of the line as a shell command.
- ``--name`` and ``--name=value`` are ``option`` tokens; a quoted ``"--x"`` is a plain word,
  which is how a value that starts with ``--`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ovirtshell.status import UsageError

__all__ = ["Token", "is_complete", "tokenize"]

_WORD_END = " \t\r\n|>;"


@dataclass(frozen=True)
class Token:
    """One token; ``text`` is the raw source ``text[start:end]``, ``value`` its meaning.

    kinds and values:
      ``word``      the word with quotes and escapes resolved;
      ``option``    the option name without ``--``; ``attached`` holds the ``=value`` part
                    (``""`` for ``--a=``, None when there was no ``=``);
      ``pipe``      the shell pipeline after ``|``, stripped;
      ``shell``     the shell command after ``!`` or ``shell``, stripped;
      ``redirect``  ``>`` or ``>>``;
      ``semicolon`` ``;`` or a newline;
      ``comment``   the text after ``#``.
    ``unterminated`` is set (lenient mode only) on a word whose quote was never closed, so the
    completion engine knows the cursor is inside a quoted word.
    """

    kind: str
    text: str
    value: str
    start: int
    end: int
    attached: str | None = None
    unterminated: bool = False


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f" (line {line})" if "\n" in text else ""


class _Scanner:
    def __init__(self, text: str, lenient: bool):
        self.text = text
        self.lenient = lenient
        self.pos = 0
        self.tokens: list[Token] = []
        #: positions of backslash-newline pairs outside quotes (``split_commands`` removes them)
        self.continuations: list[int] = []
        #: the text ends with an escaping backslash (lenient mode): a continuation is expected
        self.dangling = False

    def fail(self, message: str, pos: int) -> UsageError:
        error = UsageError(message + _where(self.text, pos))
        error.position = pos  # type: ignore[attr-defined] - where a script can resume (parser)
        return error

    def add(
        self,
        kind: str,
        start: int,
        end: int,
        value: str,
        attached: str | None = None,
        unterminated: bool = False,
    ) -> None:
        text = self.text[start:end]
        self.tokens.append(Token(kind, text, value, start, end, attached, unterminated))

    def run(self) -> list[Token]:
        text, n = self.text, len(self.text)
        command_start = True
        while self.pos < n:
            ch = text[self.pos]
            start = self.pos
            if ch == "\\" and text.startswith("\n", self.pos + 1):
                self.continuations.append(self.pos)
                self.pos += 2
            elif ch in " \t\r":
                self.pos += 1
            elif ch in ";\n":
                self.add("semicolon", start, start + 1, ch)
                self.pos += 1
                command_start = True
            elif ch == "#":
                end = self._line_end(start)
                self.add("comment", start, end, text[start + 1 : end])
                self.pos = end
            elif ch == "|":
                self._rest_of_line("pipe", start, start + 1)
            elif ch == ">":
                op = ">>" if text.startswith(">>", start) else ">"
                self.add("redirect", start, start + len(op), op)
                self.pos += len(op)
                command_start = False
            elif command_start and ch == "!":
                self._rest_of_line("shell", start, start + 1)
            else:
                self._word()
                last = self.tokens[-1]
                if (
                    command_start
                    and last.text == "shell"
                    and (last.end == n or text[last.end] in " \t\r\n")
                ):
                    self.tokens.pop()
                    self._rest_of_line("shell", start, last.end)
                command_start = False
        return self.tokens

    def _line_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end < 0 else end

    def _rest_of_line(self, kind: str, start: int, body: int) -> None:
        """A pipeline or shell command: up to the first newline outside quotes and escapes."""
        text, pos, quote = self.text, body, None
        while pos < len(text):
            ch = text[pos]
            if quote:
                if ch == quote:
                    quote = None
                elif ch == "\\" and quote == '"':
                    pos += 1
            elif ch == "\\":
                pos += 1
                self.dangling = pos >= len(text)
            elif ch in "'\"":
                quote = ch
            elif ch == "\n":
                break
            pos += 1
        pos = min(pos, len(text))
        if quote and not self.lenient:
            raise self.fail(f"unterminated quote: {text[start:pos].splitlines()[0]}", start)
        self.add(kind, start, pos, text[body:pos].strip(), unterminated=quote is not None)
        self.pos = pos

    def _word(self) -> None:
        text, n = self.text, len(self.text)
        start = pos = self.pos
        out: list[str] = []
        equals: int | None = None  # index in ``out`` of the first unquoted "="
        unterminated = False
        while pos < n and text[pos] not in _WORD_END:
            ch = text[pos]
            if ch == "\\":
                if pos + 1 >= n:
                    if not self.lenient:
                        raise self.fail("the line ends with a backslash", pos)
                    self.dangling = True
                    pos += 1
                    break
                nxt = text[pos + 1]
                if nxt == "\n":
                    self.continuations.append(pos)
                elif nxt == ",":
                    out.append("\\,")
                else:
                    out.append(nxt)
                pos += 2
            elif ch in "'\"":
                close = self._closing(ch, pos + 1, out)
                if close < 0:
                    if not self.lenient:
                        raise self.fail(f"unterminated quote: {text[pos:].splitlines()[0]}", pos)
                    unterminated = True
                    pos = n
                    break
                pos = close + 1
            else:
                if ch == "=" and equals is None:
                    equals = len("".join(out))
                out.append(ch)
                pos += 1
        self.pos = pos
        value = "".join(out)
        raw = text[start:pos]
        if raw.startswith("--") and equals != 2 and len(value) > 2:
            name = value[2:equals] if equals is not None else value[2:]
            attached = value[equals + 1 :] if equals is not None else None
            self.add("option", start, pos, name, attached=attached, unterminated=unterminated)
        else:
            self.add("word", start, pos, value, unterminated=unterminated)

    def _closing(self, quote: str, pos: int, out: list[str]) -> int:
        """Append the quoted content to ``out``; return the closing quote's index or -1."""
        text, n = self.text, len(self.text)
        while pos < n:
            ch = text[pos]
            if ch == quote:
                return pos
            if quote == '"' and ch == "\\" and pos + 1 < n and text[pos + 1] in '"\\':
                out.append(text[pos + 1])
                pos += 2
                continue
            out.append(ch)
            pos += 1
        return -1


def tokenize(text: str, *, lenient: bool = False) -> list[Token]:
    """Split ``text`` into tokens; raise ``UsageError`` on an unterminated quote unless lenient.

    Lenient mode (for completion) never raises: an open quote runs to the end of the text (the
    token is marked ``unterminated``) and a trailing backslash is dropped. The cursor is inside
    a word when the last token ends at ``len(text)``.
    """
    return _Scanner(text, lenient).run()


def scan(text: str) -> tuple[list[Token], list[int]]:
    """Tokens plus the positions of backslash-newline continuations (for ``split_commands``)."""
    scanner = _Scanner(text, lenient=False)
    return scanner.run(), scanner.continuations


def is_complete(text: str) -> bool:
    """Whether ``text`` can run as is: False while a quote is open or the text ends with an
    escaping backslash, so the REPL asks for a continuation line instead of failing."""
    scanner = _Scanner(text, lenient=True)
    tokens = scanner.run()
    return not scanner.dangling and not any(t.unterminated for t in tokens)
