"""The prompt_toolkit adapter: a Document in, the engine's candidates out; no keystroke state.

Names come from the engine and are untrusted: what the menu shows passes `escape.line`, so a
bidi override in a VM name cannot reorder the menu (the inserted text stays the real name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from ovirtshell.completer.engine import Context, analyse, candidates
from ovirtshell.output import escape


class ShellCompleter(Completer):
    """Asks `context()` afresh for every completion, so a connect or `set` shows at once."""

    def __init__(self, context: Callable[[], Context]):
        self.context = context

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        context = self.context()
        slot = analyse(document.text_before_cursor, context.specs)
        for candidate in candidates(slot, context):
            yield Completion(
                candidate.text,
                start_position=-slot.replace,
                display=escape.line(candidate.display),
                display_meta=escape.line(candidate.meta),
            )
