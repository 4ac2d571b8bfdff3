"""The interactive session: a PromptSession over `Shell.execute`, and the loop that runs it.

The factory takes optional input/output so tests drive it through a pipe; everything else
(history file, completion, colours, toolbar) comes from the shell and its environment.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import ThreadedCompleter
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.lexers import PygmentsLexer
from prompt_toolkit.output import ColorDepth, Output

from ovirtshell.completer.engine import Context
from ovirtshell.completer.names import NameCache
from ovirtshell.completer.ptk import ShellCompleter
from ovirtshell.language import split_commands
from ovirtshell.repl.history import LEGACY_NAME, open_history
from ovirtshell.repl.key_bindings import build_key_bindings
from ovirtshell.repl.lexer import lexer_for
from ovirtshell.repl.style import build_style
from ovirtshell.repl.toolbar import build_toolbar
from ovirtshell.result import Result
from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus, ShellError

WELCOME = "Type help for the commands, Tab to complete, Ctrl-D or exit to leave."


def prompt_message(shell: Shell) -> StyleAndTextTuples:
    """`[oVirt shell (connected)]# `, the state in green (connected) or red (disconnected)."""
    if shell.connected:
        state = [("class:prompt.connected", "connected")]
        if shell.settings.extended_prompt:
            state += [("class:prompt", "@"), ("class:prompt.host", shell.connection.host)]
    else:
        state = [("class:prompt.disconnected", "disconnected")]
    return [("class:prompt", "[oVirt shell ("), *state, ("class:prompt", ")]# ")]


def continuation(width: int, line_number: int, wrap_count: int) -> StyleAndTextTuples:
    """`> ` before a continued line (after `\\` or inside a quote); nothing before a long
    line's soft-wrapped part, which is still the same line."""
    return [] if wrap_count else [("class:continuation", "> ")]


def create_session(
    shell: Shell,
    *,
    input: Input | None = None,
    output: Output | None = None,
    names: NameCache | None = None,
    history: bool = True,
    threaded: bool = True,
    toolbar: bool = True,
) -> PromptSession[str]:
    """A PromptSession for this shell; input/output default to the current app session's."""
    registry = shell.registry
    specs = registry.specs()
    typed_words = [w for w in registry.words() if registry.get(w).SPEC.typed]
    flags = {name for spec in specs for name in spec.flags}
    path = shell.env.data_dir / "history" if history else None
    cache = names or NameCache(shell).attach()

    def context() -> Context:
        return Context.from_shell(shell, cache.lookup)

    completer = ShellCompleter(context)
    return PromptSession(
        input=input,
        output=output,
        history=open_history(path, shell.history, registry, legacy=shell.env.home / LEGACY_NAME),
        completer=ThreadedCompleter(completer) if threaded else completer,
        complete_while_typing=True,
        lexer=PygmentsLexer(lexer_for(typed_words, flags)),
        style=build_style(),
        include_default_pygments_style=False,
        key_bindings=build_key_bindings(),
        bottom_toolbar=build_toolbar(shell) if toolbar else None,
        prompt_continuation=continuation,
        enable_history_search=False,
        mouse_support=False,
        reserve_space_for_menu=6,
    )


def _color_depth(shell: Shell) -> ColorDepth | None:
    return None if shell.color() else ColorDepth.DEPTH_1_BIT


def install_prompts(shell: Shell, session: PromptSession[str]) -> None:
    """Confirmation (delete) and password (connect) questions asked on the session's terminal."""

    def ask(question: str) -> bool:
        try:
            answer = PromptSession(input=session.input, output=session.output).prompt(
                f"{question} [y/N] ", color_depth=_color_depth(shell)
            )
        except (KeyboardInterrupt, EOFError):
            return False
        return answer.strip().lower() in ("y", "yes")

    def password(prompt: str = "Password: ") -> str:
        try:
            return PromptSession(input=session.input, output=session.output).prompt(
                prompt, is_password=True, color_depth=_color_depth(shell)
            )
        except EOFError:
            raise ShellError("no password given", ExitStatus.AUTHENTICATION_ERROR) from None

    shell.ask_confirm = ask
    shell.ask_password = password


def run_line(shell: Shell, text: str) -> None:
    """Run each command of an entered line (`;`-separated) through `Shell.execute`.

    Ctrl-C must reach the running command as KeyboardInterrupt (Shell.execute turns it into
    INTERRUPTED), whatever handler the terminal library or the parent process left installed.
    """
    try:
        lines = split_commands(text)
    except ShellError:
        lines = [text]  # let execute report the syntax error the usual way
    for line in lines:
        with _interruptible():
            try:
                shell.execute(line)
            except KeyboardInterrupt:  # arrived between execute's own handlers
                shell.last_status = ExitStatus.INTERRUPTED
                shell.emit(Result(ExitStatus.INTERRUPTED, error="interrupted"), None)
        if shell.exiting:
            break


class _interruptible:
    def __enter__(self) -> None:
        self.previous: Callable | int | None = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, signal.default_int_handler)

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def run_session(shell: Shell, session: PromptSession[str] | None = None) -> ExitStatus:
    """Ctrl-C clears the line, Ctrl-D or exit leaves; the exit status is the last command's."""
    session = session or create_session(shell)
    install_prompts(shell, session)
    if shell.interactive:
        shell.env.stdout.write(WELCOME + "\n")
        shell.env.stdout.flush()
    while not shell.exiting:
        try:
            text = session.prompt(lambda: prompt_message(shell), color_depth=_color_depth(shell))
        except KeyboardInterrupt:
            continue  # Ctrl-C at the prompt: the line is dropped, a fresh prompt follows
        except EOFError:
            break
        if text.strip():
            run_line(shell, text)
    return shell.last_status or ExitStatus.OK
