"""Help pages, built from the command specs and the engine's model (never written by hand).

The same functions feed `help`, `<command> --help`, the man page and docs/commands.md.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ovirtshell.commands.spec import CommandSpec
from ovirtshell.status import status_table

if TYPE_CHECKING:
    from ovirtshell.metadata.index import Index
    from ovirtshell.metadata.options import OptionSet

WIDTH = 78

INTRODUCTION = (
    "ovirt-shell manages oVirt engines through their REST API. Commands take a type from the "
    "engine's API model (vm, host, cluster, nic …) and options derived from it. The same "
    "commands run interactively, with -E \"cmd; cmd\", from a file with -f, or from standard input."
)

SYNTAX = """\
command [type] [arguments] [--option value] ... [| shell pipeline] [> file | >> file]
'single' and "double" quotes group words; a backslash escapes the next character.
';' separates commands, '#' starts a comment, a trailing '\\' continues the line.
| feeds the output to a shell pipeline; > and >> write or append it to a file.
-o FORMAT (text, table, json, xml, csv) and --fields F,G after any command choose how its
result is shown.
!command runs a system command; <command> --help shows a command's help."""


def _wrap(text: str, indent: int = 2) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad) or [pad.rstrip()]


def _section(title: str, lines: Iterable[str]) -> list[str]:
    return ["", title, *lines]


def return_values() -> list[str]:
    return [f"  {code:>3} {name:<21} {text}" for code, name, text in status_table()]


def general_page(specs: list[CommandSpec], connected: bool) -> str:
    lines = ["INTRODUCTION", *_wrap(INTRODUCTION)]
    width = max(len(s.name) for s in specs)
    rows = []
    for spec in sorted(specs, key=lambda s: s.name):
        mark = "" if spec.offline or connected else "  (needs a connection)"
        rows.append(f"  {spec.name:<{width}}  {spec.summary}{mark}")
    lines += _section("COMMANDS", rows)
    lines += _section("COMMAND SYNTAX", ["  " + line for line in SYNTAX.splitlines()])
    lines += _section(
        "EXAMPLES",
        [
            "  list vms --query \"status=up\" -o table",
            "  show vm web1",
            "  create vm --name web1 --cluster-name Default --template-name Blank --memory 2GiB",
            "  action vm web1 start --wait",
            "  help create vm",
        ],
    )
    lines += _section("MORE HELP", ["  help <command>          a command's page", "  help <command> <type>   the options for a type", "  help action <type> <action>"])
    lines += _section("RETURN VALUES", return_values())
    return "\n".join(lines) + "\n"


def command_page(spec: CommandSpec, index: Index | None = None) -> str:
    lines = ["USAGE", f"  {spec.usage}"]
    if spec.aliases:
        lines.append(f"  (also: {', '.join(spec.aliases)})")
    lines += _section("DESCRIPTION", _wrap(spec.description))
    if spec.options:
        lines += _section("OPTIONS", _option_docs(spec))
    if spec.typed and index is not None:
        verb = "delete" if spec.name == "delete" else spec.name
        names = index.type_names(verb)
        lines += _section("TYPES", _wrap(", ".join(names)))
        lines += _wrap(f"help {spec.name} <type> shows the options of a type.")
    for title, text in spec.extra.items():
        lines += _section(title.upper(), _wrap(text))
    if spec.examples:
        lines += _section("EXAMPLES", [f"  {e}" for e in spec.examples])
    lines += _section("RETURN VALUES", return_values())
    return "\n".join(lines) + "\n"


def _option_docs(spec: CommandSpec) -> list[str]:
    rows = []
    for option in spec.options:
        head = f"--{option.name}" + (f" {option.metavar}" if option.metavar else "")
        rows.append(f"  {head:<26} {option.help}")
    return rows


def _describe(option) -> str:
    """One line of an option's type for ATTRIBUTE OPTIONS."""
    if option.kind == "enum" and option.values:
        what = "one of " + ", ".join(option.values)
    elif option.kind == "struct" and option.fields:
        what = "{" + ",".join(f"{name}={kind}" for name, kind in option.fields) + "}"
    elif option.kind in ("id", "name"):
        what = "an id or a name"
    else:
        what = option.kind
    if option.is_list:
        what += ", repeatable" + ("" if option.kind == "struct" else " or comma-separated")
    return what


def type_page(index: Index, verb: str, name: str, spec: CommandSpec, parents: tuple[str, ...] = (), action: str | None = None) -> str:
    """USAGE, DESCRIPTION, ATTRIBUTE OPTIONS (grouped by top-level attribute), EXAMPLES, RETURN VALUES."""
    resource = index.resource(name, parents)
    choosing = verb == "action" and action is None  # `help action vm`: which actions there are
    options: OptionSet | None = None if choosing else index.options(verb, name, parents, action)
    target = {"list": resource.plural, "create": name}.get(verb, f"{name} <id|name>")
    head = f"{spec.name} {target}" + (f" {action}" if action else " <action>" if choosing else "")
    lines = ["USAGE", f"  {head} [options]"]
    place = f"{name} under {' > '.join(resource.parents)}" if resource.parents else name
    description = f"{spec.summary.capitalize()} ({place})."
    method_doc = _method_doc(index, resource, verb, action)
    if method_doc:
        description += " " + method_doc
    type_doc = index.model.types.get(resource.item_type or "")
    if type_doc is not None and type_doc.doc:
        description += " " + type_doc.doc.strip().splitlines()[0]
    lines += _section("DESCRIPTION", _wrap(description))
    if options is not None:
        lines += _section("ATTRIBUTE OPTIONS", _grouped(options))
    else:
        lines += _section("ACTIONS", _wrap(", ".join(index.actions(name, parents))))
        lines += _wrap(f"help action {name} <action> shows an action's options.")
    mine = [e for e in spec.examples if _fits(e, name, resource, action)]
    examples = mine or [_example(verb, name, resource, options, action, index)]
    lines += _section("EXAMPLES", [f"  {e}" for e in examples])
    lines += _section("RETURN VALUES", return_values())
    return "\n".join(lines) + "\n"


def _fits(example: str, name: str, resource, action: str | None) -> bool:
    """A spec example is about this type, in this place (parents), for this action."""
    words = f" {example} "
    if f" {name} " not in words and f" {resource.plural} " not in words:
        return False
    if action is not None and f" {action} " not in words:
        return False
    wanted = {f"--parent-{p}-" for p in resource.parents}
    given = {w[: w.index("-", len("--parent-")) + 1] for w in example.split() if w.startswith("--parent-")}
    return wanted == given


def _example(verb: str, name: str, resource, options: OptionSet | None, action: str | None, index: Index) -> str:
    """A command line built from the type's own options, for types no spec example covers."""
    parents = " ".join(f"--parent-{p}-name {p.upper()}" for p in resource.parents)
    if verb == "list":
        line = f"list {resource.plural}"
    elif verb == "create":
        fields = [f"--{o} {o.upper()}" for o in ("name", "description") if options and options.get(o)]
        line = " ".join(["create", name, *fields[:1]])
    elif verb == "update":
        field = next((f"--{o} {o.upper()}" for o in ("description", "comment", "name") if options and options.get(o)), "")
        line = f"update {name} NAME {field}".rstrip()
    elif verb == "action":
        line = f"action {name} NAME {action or (index.actions(name, resource.parents) or ['ACTION'])[0]}"
    else:
        line = f"{verb} {name} NAME"
    return f"{line} {parents}".rstrip()


def _method_doc(index: Index, resource, verb: str, action: str | None) -> str:
    method_name = action or {"create": "add", "delete": "remove", "show": "get"}.get(verb, verb)
    service_name = resource.collection_service if verb in ("list", "create") else resource.entity_service
    service = index.model.services.get(service_name or "")
    method = service.method(method_name) if service else None
    return method.doc.strip().split("\n\n")[0].replace("\n", " ") if method and method.doc else ""


_FIRST = ("name", "description", "comment")


def _grouped(options: OptionSet) -> list[str]:
    """Plain top-level options first under [general], then one block per structured attribute."""
    groups: dict[str, list] = {}
    for option in options.specs:
        groups.setdefault(option.group or "general", []).append(option)
    general: list = []
    blocks: list[tuple[str, list]] = []
    for group, members in groups.items():
        if len(members) == 1 and members[0].name == group and group not in ("shell", "query", "parent"):
            general.extend(members)
        elif group == "general":
            general.extend(members)
        else:
            blocks.append((group, members))
    general.sort(key=lambda o: (_FIRST.index(o.name) if o.name in _FIRST else len(_FIRST), o.name))
    order = {"parent": 0, "query": 2, "shell": 3}
    blocks.sort(key=lambda b: (order.get(b[0], 1), b[0]))
    lines: list[str] = []
    for title, members in ([("general", general)] if general else []) + blocks:
        lines.append(f"  [{title}]")
        seen: set[str] = set()
        for option in members:
            display = option.display()
            if display in seen:  # --x-id and --x-name share one line: --x-id|name
                continue
            seen.add(display)
            lines.extend(_option_lines(option, display))
    return lines or ["  (none)"]


def _option_lines(option, display: str) -> list[str]:
    if option.kind == "struct":  # display() already spells the element's fields
        lines = [f"    {display}" + (", repeatable" if option.is_list else "")]
    elif len(display) > 40:
        lines = [f"    {display}", f"    {'':<40} {_describe(option)}"]
    else:
        lines = [f"    {display:<40} {_describe(option)}"]
    if option.doc:
        lines += _wrap(option.doc.strip().split("\n\n")[0].replace("\n", " "), 8)
    return lines
