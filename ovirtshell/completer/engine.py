"""Completion as two pure steps: what belongs at the cursor (`analyse`), then what fits (`candidates`).

`analyse` reads only the text before the cursor, through the shell's own tokenizer in lenient
mode, so quoting, `;`, `|`, `>` and `\\` continuations are understood exactly as when the line
runs. `candidates` turns that slot into suggestions from the command specs, the engine's API
model index (absent while disconnected) and a non-blocking lookup of live object names. Neither
step touches the terminal or the network, so both are tested with plain strings.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ovirtshell.commands.spec import CommandSpec
from ovirtshell.language import tokenize
from ovirtshell.metadata.values import is_secret

if TYPE_CHECKING:
    from ovirtshell.metadata.index import Index
    from ovirtshell.shell import Shell

# Slot kinds.
COMMAND = "command"
TYPE = "type"
OBJECT = "object"
ACTION = "action"
OPTION = "option"
VALUE = "value"
FILE = "file"
SETTING = "setting"
SETTING_VALUE = "setting_value"
NONE = "none"

#: Positional words of the built-in commands, by role (keyed by the command's canonical name).
#: "object:vm" is an object of a fixed type ("object:vm:running": only those in a running state);
#: "help-type" a type for the verb named before it.
GRAMMAR: dict[str, tuple[str, ...]] = {
    "list": (TYPE,),
    "create": (TYPE,),
    "show": (TYPE, OBJECT),
    "update": (TYPE, OBJECT),
    "delete": (TYPE, OBJECT),
    "action": (TYPE, OBJECT, ACTION),
    "console": ("object:vm:running",),
    "help": (COMMAND, "help-type", "help-action"),
    "set": (SETTING, SETTING_VALUE),
    "file": (FILE,),
}
#: Object state filters of the grammar: the VM states in which the engine hands out a console.
STATES = {"running": frozenset({"up", "powering_up", "reboot_in_progress", "paused", "migrating", "powering_down"})}
#: Option values that name files, by the option's metavar.
FILE_METAVARS = frozenset({"FILE", "SCRIPT", "PATH"})

_PARENT = re.compile(r"^(?:parent-([a-z0-9_]+)-(identifier|id|name)|([a-z0-9_]+)-identifier)$")
#: At most this many candidates are shown (a prefix narrows them).
MAX_SHOWN = 200
_NEEDS_QUOTES = re.compile(r"[\s|>;#'\"\\]")


@dataclass(frozen=True)
class Slot:
    """What belongs at the cursor, with the command line read so far.

    `prefix` is the partial word's value (quotes resolved); a candidate replaces the last
    `replace` characters before the cursor.
    """

    kind: str
    prefix: str = ""
    replace: int = 0
    verb: str = ""  # the command word as typed
    args: tuple[str, ...] = ()  # complete positional words after the verb
    options: tuple[tuple[str, str | None], ...] = ()  # complete options, (name, value)
    option: str = ""  # for VALUE: the option whose value is at the cursor
    type_word: str = ""  # for OBJECT: the type as typed (or fixed by the grammar)
    quote: str = ""  # the partial word's opening quote, if any
    only: str = ""  # for OBJECT: a state filter ("running"), see STATES


@dataclass(frozen=True)
class Candidate:
    text: str  # inserted in place of the partial word
    display: str  # shown in the menu
    meta: str = ""  # shown beside it


#: names(type_name, parents[, only=statuses]) -> the cached names (never blocks); parents are
#: (parent type, "name" | "id", value) triples taken from the line's parent options.
NamesLookup = Callable[[str, tuple[tuple[str, str, str], ...]], Sequence[str]]


def _listdir(directory: str) -> list[tuple[str, bool]]:
    try:
        with os.scandir(directory or ".") as entries:
            return [(e.name, e.is_dir()) for e in entries]
    except OSError:
        return []


@dataclass
class Context:
    """Everything `candidates` may consult; built by `Context.from_shell` in the REPL."""

    specs: Mapping[str, CommandSpec]  # every command word (names and aliases) -> its spec
    index: Index | None = None
    names: NamesLookup | None = None
    settings: Mapping[str, Sequence[str]] = field(default_factory=dict)  # name -> values
    connected: bool = True
    listdir: Callable[[str], list[tuple[str, bool]]] = _listdir

    @classmethod
    def from_shell(cls, shell: Shell, names: NamesLookup | None = None) -> Context:
        from ovirtshell.commands.set import VARIABLES

        registry = shell.registry
        specs = {word: registry.get(word).SPEC for word in registry.words()}
        connection = shell.connection
        return cls(
            specs=specs,
            index=connection.index if connection is not None else None,
            names=names,
            settings={name: info[2] for name, info in VARIABLES.items()},
            connected=connection is not None,
        )


# -- analyse -------------------------------------------------------------------------------


def analyse(text: str, specs: Mapping[str, CommandSpec] | None = None) -> Slot:
    """The slot at the end of `text`; `specs` says which options are flags (take no value)."""
    tokens = tokenize(text, lenient=True)
    partial = None
    if tokens and tokens[-1].end == len(text):
        last = tokens[-1]
        if last.kind in ("pipe", "shell", "comment"):
            return Slot(NONE)
        if last.kind in ("word", "option"):
            partial = tokens.pop()
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].kind == "semicolon":
            tokens = tokens[i + 1 :]
            break
    if any(t.kind in ("pipe", "shell", "comment") for t in tokens):
        return Slot(NONE)

    prefix, replace, quote = "", 0, ""
    if partial is not None:
        prefix, replace = partial.value, len(partial.text)
        quote = partial.text[0] if partial.text[:1] in "'\"" else ""
    if not tokens:
        if partial is not None and partial.kind == "option":
            return Slot(NONE)
        return Slot(COMMAND, prefix, replace, quote=quote)
    head = tokens[0]
    if head.kind != "word":
        return Slot(NONE)
    verb = head.value
    spec = specs.get(verb) if specs else None
    flags = (spec.flags if spec else frozenset()) | {"help"}

    args: list[str] = []
    options: list[tuple[str, str | None]] = []
    pending: str | None = None  # an option waiting for its value
    redirect = False
    for token in tokens[1:]:
        if token.kind == "redirect":
            redirect, pending = True, None
        elif token.kind == "option":
            options.append((token.value, token.attached))
            pending = token.value if token.attached is None and token.value not in flags else None
        elif redirect:
            redirect = False
        elif pending is not None:
            options[-1] = (pending, token.value)
            pending = None
        elif token.text == "-o":  # -o FORMAT works on every command, as --output FORMAT
            options.append(("output", None))
            pending = "output"
        else:
            args.append(token.value)

    common = {"verb": verb, "args": tuple(args), "options": tuple(options), "quote": quote}
    if redirect:
        return Slot(FILE, prefix, replace, **common)
    if partial is not None and partial.kind == "option":
        if partial.attached is not None:
            value_len = len(text) - (partial.start + partial.text.index("=") + 1)
            value_quote = text[len(text) - value_len :][:1]
            common["quote"] = value_quote if value_quote in ("'", '"') else ""
            return Slot(VALUE, partial.attached, value_len, option=partial.value, **common)
        return Slot(OPTION, partial.text, replace, **common)
    if prefix.startswith("-") and not quote:
        return Slot(OPTION, prefix, replace, **common)
    if pending is not None:
        return Slot(VALUE, prefix, replace, option=pending, **common)
    roles = GRAMMAR.get(spec.name if spec else verb, ())
    position = len(args)
    if position >= len(roles):
        return Slot(OPTION, prefix, replace, **common)
    role = roles[position]
    if role.startswith("object:"):
        _, type_word, *only = role.split(":")
        return Slot(OBJECT, prefix, replace, type_word=type_word, only=only[0] if only else "", **common)
    if role == OBJECT:
        return Slot(OBJECT, prefix, replace, type_word=args[0], **common)
    return Slot(role, prefix, replace, **common)


# -- candidates ----------------------------------------------------------------------------


def candidates(slot: Slot, context: Context) -> list[Candidate]:
    """The suggestions for a slot: prefix matches first, else a fuzzy (subsequence) match."""
    producer = _PRODUCERS.get(slot.kind)
    if producer is None:
        return []
    try:
        pool = producer(slot, context)
        if isinstance(pool, _Matched):
            return list(pool)
        return _match(slot, list(pool))
    except Exception:  # noqa: BLE001 - a half-typed line must never break the prompt
        return []


def _key(slot: Slot) -> str:
    return (slot.prefix.lstrip("-") if slot.kind == OPTION else slot.prefix).lower()


def _select(key: str, words: Sequence[str]) -> list[int]:
    """Positions of the words matching `key`: prefix matches, else subsequence matches, best first."""
    if not key:
        return list(range(len(words)))
    found = [i for i, word in enumerate(words) if word.lower().startswith(key)]
    if found:
        return found
    pattern = re.compile(".*?".join(map(re.escape, key)), re.IGNORECASE)
    scored = []
    for i, word in enumerate(words):
        match = pattern.search(word)
        if match:
            scored.append((match.end() - match.start(), match.start(), len(word), i))
    scored.sort()
    return [entry[3] for entry in scored]


def _match(slot: Slot, pool: list[Candidate]) -> list[Candidate]:
    """The pool's candidates matching the slot's prefix (on what the menu shows), no repeats."""
    words = [c.display.lstrip("-") if slot.kind == OPTION else c.display for c in pool]
    seen: set[str] = set()
    out = []
    for i in _select(_key(slot), words):
        if pool[i].text not in seen:
            seen.add(pool[i].text)
            out.append(pool[i])
    return out


def _quoted(word: str, quote: str) -> str:
    """`word` as it must be typed: quoted when it holds blanks or special characters."""
    if not quote and not _NEEDS_QUOTES.search(word):
        return word
    if quote == '"' or (not quote and "'" in word):
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if "'" in word:  # a single-quoted word cannot hold a quote: close, escape, reopen
        return "'" + word.replace("'", "'\\''") + "'"
    return f"'{word}'"


def _words(words: Iterable[str], slot: Slot, meta: str | Callable[[str], str] = "") -> list[Candidate]:
    """Candidates for the words matching the slot, at most MAX_SHOWN of them.

    Only the words shown become candidates, so 10,000 VM names cost one pass of string
    comparisons. When some are left out, a last entry holds the common prefix of all matches,
    so Tab never completes further than every match allows.
    """
    words = list(dict.fromkeys(words))
    chosen = _select(_key(slot), words)
    out = _Matched(
        Candidate(_quoted(words[i], slot.quote) + " ", words[i], meta(words[i]) if callable(meta) else meta)
        for i in chosen[:MAX_SHOWN]
    )
    left = len(chosen) - MAX_SHOWN
    if left > 0:
        common = os.path.commonprefix([words[i] for i in chosen])
        if common.lower().startswith(_key(slot)) and not (slot.quote and slot.quote in common):
            text = _quoted(common, slot.quote)
            if text != common:  # keep the quote open: more is to be typed
                text = text[:-1]
            out.append(Candidate(text, f"… {left} more", "type more to narrow"))
    return out


def _commands(slot: Slot, context: Context) -> Iterable[Candidate]:
    words = sorted(
        w for w, spec in context.specs.items() if w.isidentifier() and (context.connected or spec.offline)
    )
    return _words(words, slot, lambda w: context.specs[w].summary)


def _index_verb(context: Context, verb: str) -> str:
    spec = context.specs.get(verb)
    return spec.name if spec else verb


def _types_for(context: Context, verb: str, slot: Slot) -> Iterable[Candidate]:
    index = context.index
    if index is None:
        return []
    name = _index_verb(context, verb)
    try:
        names = index.type_names(name)
    except Exception:  # noqa: BLE001 - a verb without types (help console)
        return []
    # Top-level types first (what is typed most), then those living only under a parent.
    names = sorted(names, key=lambda n: (all(r.parent is not None for r in index.resources(n)), n))
    if name == "list":
        return (
            Candidate(_quoted(index.plural(n), slot.quote) + " ", index.plural(n), _places(index, n))
            for n in names
        )
    return _words(names, slot, lambda n: _places(index, n))


def _places(index: Index, name: str) -> str:
    """Where a type lives, for the menu: "under vm, template" for sub-collections."""
    parents = sorted({r.parent.name for r in index.resources(name) if r.parent is not None})
    top = any(r.parent is None for r in index.resources(name))
    if not parents:
        return ""
    listed = ", ".join(parents[:3]) + (", …" if len(parents) > 3 else "")
    return f"also under {listed}" if top else f"under {listed}"


def _types(slot: Slot, context: Context) -> Iterable[Candidate]:
    found = list(_types_for(context, slot.verb, slot))
    if _index_verb(context, slot.verb) == "show":  # show settings: the shell's own
        found.append(Candidate("settings ", "settings", "the shell's settings"))
    return found


def _help_types(slot: Slot, context: Context) -> Iterable[Candidate]:
    spec = context.specs.get(slot.args[0]) if slot.args else None
    if spec is None or not spec.typed:
        return []
    return _types_for(context, slot.args[0], slot)


def _help_actions(slot: Slot, context: Context) -> Iterable[Candidate]:
    if _index_verb(context, slot.args[0]) != "action" or context.index is None:
        return []
    return _actions_of(context, slot.args[1], (), slot)


def parents_given(options: Iterable[tuple[str, str | None]]) -> tuple[tuple[str, str, str], ...]:
    """(parent type, "name" | "id", value) for each parent option on the line."""
    found = []
    for name, value in options:
        match = _PARENT.match(name)
        if match and value is not None:
            parent = match.group(1) or match.group(3)
            kind = "name" if match.group(2) == "name" else "id"
            found.append((parent.replace("_", ""), kind, value))
    return tuple(found)


def _type_name(context: Context, word: str) -> str | None:
    if context.index is None:
        return None
    return context.index.resolve(word)


def _objects(slot: Slot, context: Context) -> Iterable[Candidate]:
    if slot.only and context.names is not None and context.index is not None:
        name = context.index.resolve(slot.type_word)
        if name is None:
            return []
        return _words(context.names(name, (), only=STATES[slot.only]), slot, f"{slot.only} {name}")
    return _names_of(context, slot.type_word, parents_given(slot.options), slot)


def _actions_of(context: Context, type_word: str, parents: Sequence[str], slot: Slot) -> Iterable[Candidate]:
    name = _type_name(context, type_word)
    if name is None:
        return []
    return _words(sorted(context.index.actions(name, parents)), slot, "action")


def _actions(slot: Slot, context: Context) -> Iterable[Candidate]:
    parents = [p for p, _, _ in parents_given(slot.options)]
    return _actions_of(context, slot.args[0], parents, slot)


def _option_specs(slot: Slot, context: Context) -> list[Any] | None:
    """The metadata option specs of the line's verb, type and action.

    [] when the command takes no type; None when the type needs parent options first.
    """
    spec = context.specs.get(slot.verb)
    index = context.index
    if spec is None or not spec.typed or index is None or not slot.args:
        return []
    name = index.resolve(slot.args[0])
    if name is None:
        return []
    parents = [p for p, _, _ in parents_given(slot.options)]
    action = slot.args[2] if spec.name == "action" and len(slot.args) > 2 else None
    try:
        return list(index.options(spec.name, name, parents, action).specs)
    except Exception:  # noqa: BLE001 - e.g. a sub-collection whose parent is not given yet
        return None


#: The capability a place needs for a verb to work there (the verbs taking a type).
_CAPABILITY = {"list": "can_list", "show": "can_get", "create": "can_add", "update": "can_update",
               "delete": "can_remove"}


def _parent_options(context: Context, slot: Slot) -> list[str]:
    """--parent-X-name/-identifier that lead somewhere the line's verb works on its type.

    The direct parent of each such place first; the outer parents of a deeper place once its
    direct parent is given (vms of an affinity group need the group, then its cluster), so
    `list vms` never offers `--parent-cluster-name` alone, which cannot work.
    """
    index = context.index
    if index is None:
        return []
    verb = _index_verb(context, slot.verb)
    given = {p for p, _, _ in parents_given(slot.options)}
    out: list[str] = []
    for resource in index.resources(slot.args[0]):
        if not resource.parents or not _works(resource, verb) or not given <= set(resource.parents):
            continue
        direct = resource.parents[-1]
        wanted = [direct] if direct not in given else [p for p in resource.parents if p not in given]
        for parent in wanted:
            for option in (f"parent-{parent}-name", f"parent-{parent}-identifier"):
                if option not in out:
                    out.append(option)
    return out


def _works(resource: Any, verb: str) -> bool:
    if verb == "action":
        return bool(resource.actions)
    capability = _CAPABILITY.get(verb)
    return capability is None or bool(getattr(resource, capability, False))


def _options(slot: Slot, context: Context) -> Iterable[Candidate]:
    used = {name for name, _ in slot.options}
    spec = context.specs.get(slot.verb)
    seen: set[str] = set()
    out: list[Candidate] = []

    def add(name: str, meta: str, repeatable: bool = False) -> None:
        if name in seen or (name in used and not repeatable):
            return
        seen.add(name)
        out.append(Candidate(f"--{name} ", f"--{name}", meta))

    specs = _option_specs(slot, context)
    for option in sorted(specs or (), key=lambda o: o.rank):  # required, documented, the rest
        meta = "|".join(option.values[:4]) + ("|…" if len(option.values) > 4 else "") if option.values else option.kind
        if getattr(option, "secret", False):  # never a literal value: the file form
            add(f"{option.name}-file", "FILE (secret; or --" + option.name + " - to be asked)")
            continue
        add(option.name, f"{meta} (repeatable)" if option.is_list else meta, option.is_list)
    if spec is not None and spec.typed and slot.args:
        for name in _parent_options(context, slot):
            add(name, "parent")
    if spec is not None:
        for doc in spec.options:
            add(doc.name, doc.help)
    add("output", "output format for this command (also -o)")
    add("help", "this command's help")
    return out


def _values(slot: Slot, context: Context) -> Iterable[Candidate]:
    option = slot.option
    if option == "output":
        return _words(context.settings.get("output", ()), slot, "format")
    if option in FIELD_OPTIONS and slot.verb in ("list", "show"):
        return _field_paths(slot, context)
    parent = _PARENT.match(option)
    if parent and parent.group(2) == "name":
        others = tuple(p for p in parents_given(slot.options) if p[0] != parent.group(1))
        return _names_of(context, parent.group(1), others, slot)
    for meta in _option_specs(slot, context) or ():
        if getattr(meta, "secret", False) and option == f"{meta.name}-file":
            return _files(slot, context)
        if meta.name != option and option not in meta.aliases:
            continue
        if meta.values:
            return _words(meta.values, slot, meta.kind)
        if meta.kind == "boolean":
            return _words(("true", "false"), slot, "boolean")
        if meta.kind == "name" and len(meta.path) >= 2 and meta.target != "parent":
            return _names_of(context, meta.path[-2], (), slot, top_level=True)
        if meta.kind == "struct":
            return _fields(meta, slot)
        return []
    spec = context.specs.get(slot.verb)
    doc = spec.option(option) if spec else None
    if doc is not None:
        if doc.values:
            return _words(doc.values, slot)
        if doc.metavar in FILE_METAVARS or option.endswith("file"):
            return _files(slot, context)
        if doc.metavar == "BOOL":
            return _words(("true", "false"), slot, "boolean")
    return []


#: Options whose value is a comma-separated list of the type's fields (`cpu-topology-cores`).
FIELD_OPTIONS = frozenset({"fields", "sort"})


def _field_paths(slot: Slot, context: Context) -> Iterable[Candidate]:
    """`--fields name,cpu-to<Tab>`: the next field of the listed type, nested ones joined
    with '-' (a struct's own fields once its name and a '-' are typed)."""
    index = context.index
    name = _type_name(context, slot.args[0]) if slot.args else None
    if index is None or name is None or slot.quote:
        return []
    places = index.resources(name)
    head, _, partial = slot.prefix.rpartition(",")
    head = f"{head}," if head or slot.prefix.startswith(",") else ""
    path, _, last = partial.rpartition("-")
    kind = index.model.path_type(places[0].item_type or "", path.split("-") if path else ()) if places else None
    if kind is None or kind.kind != "struct":
        return []
    stem = f"{head}{path}-" if path else head
    out = [
        Candidate(f"{stem}{m.name}", f"{path}-{m.name}" if path else m.name, m.type)
        for m in sorted((*kind.attributes, *kind.links), key=lambda m: m.name)
        if m.name.startswith(last)
    ]
    if not path and "id".startswith(last) and not any(c.display == "id" for c in out):
        out.insert(0, Candidate(f"{head}id", "id", "string"))
    return _Matched(out[:MAX_SHOWN])


def _fields(meta: Any, slot: Slot) -> Iterable[Candidate]:
    """A struct list element's next field (`--bricks server_id=H,br<Tab>`), documented first."""
    if slot.quote:
        return []  # a quoted value is JSON or a finished element
    head, _, partial = slot.prefix.rpartition(",")
    head = f"{head}," if head or slot.prefix.startswith(",") else ""
    given = {part.split("=", 1)[0] for part in head.split(",") if "=" in part}
    names = [f for f in meta.hints if f in dict(meta.fields)] + [f for f, _ in meta.fields]
    kinds = dict(meta.fields)
    out = []
    for name in dict.fromkeys(names):
        if name.startswith(partial) and name not in given:
            if is_secret(name.rsplit(".", 1)[-1]):  # a secret is only taken from a file or a prompt
                out.append(Candidate(f"{head}{name}-file=", f"{name}-file=", "secret, from a file"))
            else:
                out.append(Candidate(f"{head}{name}=", f"{name}=", kinds[name]))
    return _Matched(out[:MAX_SHOWN])  # matched here: the prefix is the whole value so far


def _names_of(
    context: Context,
    type_word: str,
    parents: tuple[tuple[str, str, str], ...],
    slot: Slot,
    *,
    top_level: bool = False,
) -> Iterable[Candidate]:
    """Live names of a type (--cluster-name, --parent-vm-name …) from the cache."""
    if context.names is None or context.index is None:
        return []
    name = context.index.resolve(type_word)
    if name is None:
        return []
    if top_level and not any(r.parent is None and r.can_list for r in context.index.resources(name)):
        return []
    return _words(context.names(name, parents), slot, name)


def _files(slot: Slot, context: Context) -> Iterable[Candidate]:
    typed = slot.prefix
    expanded = os.path.expanduser(typed)
    directory, base = os.path.split(expanded)
    shown_dir = typed[: len(typed) - len(base)]
    out = []
    for entry, is_dir in sorted(context.listdir(directory)):
        if entry.startswith(".") and not base.startswith("."):
            continue
        word = shown_dir + entry + ("/" if is_dir else "")
        text = _quoted(word, slot.quote) + ("" if is_dir else " ")
        out.append(Candidate(text, entry + ("/" if is_dir else ""), "directory" if is_dir else "file"))
    # Matched on the entry name, not on the whole path typed so far.
    return _Matched(_match(dataclasses.replace(slot, prefix=base, kind=FILE), out))


class _Matched(list):
    """Candidates a producer has already matched against the prefix."""


def _settings(slot: Slot, context: Context) -> Iterable[Candidate]:
    return _words(sorted(context.settings), slot, "setting")


def _setting_values(slot: Slot, context: Context) -> Iterable[Candidate]:
    return _words(context.settings.get(slot.args[0], ()), slot)


_PRODUCERS: dict[str, Callable[[Slot, Context], Iterable[Candidate]]] = {
    COMMAND: _commands,
    TYPE: _types,
    "help-type": _help_types,
    "help-action": _help_actions,
    OBJECT: _objects,
    ACTION: _actions,
    OPTION: _options,
    VALUE: _values,
    FILE: _files,
    SETTING: _settings,
    SETTING_VALUE: _setting_values,
}
