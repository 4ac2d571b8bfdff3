"""Key bindings of the prompt; everything else is prompt_toolkit's emacs defaults.

Ctrl-C at the prompt makes prompt() raise KeyboardInterrupt (the loop clears the line and
asks again); Ctrl-D on an empty line raises EOFError (the loop leaves); Ctrl-R searches history.
"""

from __future__ import annotations

from prompt_toolkit.application import get_app
from prompt_toolkit.completion import CompleteEvent, get_common_complete_suffix
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from ovirtshell.language import is_complete


def needs_more(text: str) -> bool:
    """A line ending in `\\` or with an open quote continues on the next line (prompt `> `)."""
    return not is_complete(text)


@Condition
def _incomplete() -> bool:
    return needs_more(get_app().current_buffer.text)


@Condition
def _menu_selection() -> bool:
    state = get_app().current_buffer.complete_state
    return state is not None and state.current_completion is not None


def build_key_bindings() -> KeyBindings:
    bindings = KeyBindings()
    typing = has_focus(DEFAULT_BUFFER)

    @bindings.add("enter", filter=typing & _incomplete & ~_menu_selection)
    def _continue(event: KeyPressEvent) -> None:
        """Enter after a trailing backslash or inside a quote: a continuation line, not a run."""
        event.current_buffer.insert_text("\n")

    @bindings.add("enter", filter=typing & _menu_selection)
    def _take_completion(event: KeyPressEvent) -> None:
        """Enter on a highlighted menu entry keeps it and closes the menu; a second Enter runs."""
        event.current_buffer.complete_state = None

    @bindings.add("tab", filter=typing)
    def _tab(event: KeyPressEvent) -> None:
        """Tab as readline has it: the only candidate, or the candidates' common part, is
        inserted at once (even while the menu typing opened is still showing); otherwise
        the menu opens, and further Tabs walk it."""
        buffer = event.current_buffer
        state = buffer.complete_state
        if (state is not None and state.complete_index is not None) or buffer.completer is None:
            buffer.complete_next()
            return
        document = buffer.document
        found = list(buffer.completer.get_completions(document, CompleteEvent(completion_requested=True)))
        if len(found) == 1:
            buffer.complete_state = None
            buffer.apply_completion(found[0])
            return
        common = get_common_complete_suffix(document, found) if found else ""
        if common:
            buffer.complete_state = None
            buffer.insert_text(common)
        elif state is not None and state.completions:
            buffer.complete_next()
        else:
            buffer.start_completion(select_first=False)

    @bindings.add("c-space", filter=typing)
    def _complete(event: KeyPressEvent) -> None:
        """Ctrl-Space opens the completion menu (Tab does too)."""
        buffer = event.current_buffer
        if buffer.complete_state:
            buffer.complete_next()
        else:
            buffer.start_completion(select_first=False)

    return bindings
