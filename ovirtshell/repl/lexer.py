"""A pygments lexer for the command language, built on the shell's own tokenizer.

Using the tokenizer (lenient mode) means the colours always agree with how the line will be
parsed: quoting, `\\` continuations, `|`, `>`, `;` and `#` are found exactly as when it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pygments.lexer import Lexer
from pygments.token import Comment, Keyword, Name, Operator, Punctuation, String, Text, _TokenType

from ovirtshell.language import Token, tokenize

#: Verbs whose second positional word (after the type and the object) is an action name.
ACTION_VERBS = frozenset({"action"})


class CommandLexer(Lexer):
    """Command word, type, option, value, string, pipe/redirect and comment."""

    name = "ovirt-shell"
    aliases = ["ovirt-shell"]
    #: words of the commands whose first argument is a type (set by `lexer_for`)
    typed: frozenset[str] = frozenset({"list", "show", "create", "update", "delete", "remove", "action"})
    #: options that never take a value (so the next word is not coloured as a value)
    flags: frozenset[str] = frozenset({"help", "yes", "wait", "show-all"})

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        pos = 0
        for start, kind, value in self._spans(tokenize(text, lenient=True)):
            if start > pos:
                yield pos, Text, text[pos:start]
            yield start, kind, value
            pos = start + len(value)
        if pos < len(text):
            yield pos, Text, text[pos:]

    def _spans(self, tokens: Iterable[Token]) -> Iterator[tuple[int, _TokenType, str]]:
        verb: str | None = None
        position = 0  # positional words seen after the verb
        value_next = False
        redirect_next = False
        for token in tokens:
            if token.kind == "semicolon":
                verb, position, value_next = None, 0, False
                yield token.start, Punctuation, token.text
            elif token.kind == "comment":
                yield token.start, Comment, token.text
            elif token.kind == "pipe":
                yield token.start, Operator, token.text[:1]
                if len(token.text) > 1:
                    yield token.start + 1, Text, token.text[1:]
            elif token.kind == "shell":
                cut = 1 if token.text.startswith("!") else len("shell")
                yield token.start, Keyword.Pseudo, token.text[:cut]
                if len(token.text) > cut:
                    yield token.start + cut, Text, token.text[cut:]
            elif token.kind == "redirect":
                redirect_next = True
                yield token.start, Operator, token.text
            elif token.kind == "option":
                yield from self._option(token)
                value_next = token.attached is None and token.value not in self.flags
            elif redirect_next:
                redirect_next = False
                yield token.start, String, token.text
            elif verb is None:
                verb = token.value
                yield token.start, Keyword, token.text
            elif value_next:
                value_next = False
                yield token.start, String, token.text
            elif token.text == "-o":  # -o FORMAT, on every command
                value_next = True
                yield token.start, Name.Attribute, token.text
            else:
                position += 1
                yield token.start, self._positional(verb, position, token), token.text

    def _option(self, token: Token) -> Iterator[tuple[int, _TokenType, str]]:
        equals = token.text.find("=")
        if token.attached is None or equals < 0:
            yield token.start, Name.Attribute, token.text
            return
        yield token.start, Name.Attribute, token.text[:equals]
        yield token.start + equals, Operator, "="
        if equals + 1 < len(token.text):
            yield token.start + equals + 1, String, token.text[equals + 1 :]

    def _positional(self, verb: str, position: int, token: Token) -> _TokenType:
        if token.text[:1] in "'\"":
            return String
        if verb in self.typed and position == 1:
            return Name.Class
        if verb in ACTION_VERBS and position == 3:
            return Name.Function
        return Name


def lexer_for(typed: Iterable[str], flags: Iterable[str]) -> type[CommandLexer]:
    """A lexer class that knows this shell's typed commands and flag options.

    prompt_toolkit's PygmentsLexer instantiates the class itself, so the knowledge travels as
    class attributes of a subclass rather than constructor arguments.
    """
    return type(
        "ShellCommandLexer",
        (CommandLexer,),
        {"typed": frozenset(typed), "flags": frozenset(flags) | {"help"}},
    )
