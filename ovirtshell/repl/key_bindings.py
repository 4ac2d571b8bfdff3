"""Key bindings of the prompt; everything else is prompt_toolkit's emacs defaults.

Ctrl-C at the prompt makes prompt() raise KeyboardInterrupt (the loop clears the line and
asks again); Ctrl-D on an empty line raises EOFError (the loop leaves); Ctrl-R searches history.
"""

from __future__ import annotations

from prompt_toolkit.application import get_app
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

    @bindings.add("c-space", filter=typing)
    def _complete(event: KeyPressEvent) -> None:
        """Ctrl-Space opens the completion menu (Tab does too)."""
        buffer = event.current_buffer
        if buffer.complete_state:
            buffer.complete_next()
        else:
            buffer.start_completion(select_first=False)

    return bindings
