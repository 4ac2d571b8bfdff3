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

TYPE_OPTIONS = (
    "A type's options come from the engine's API model. Nested attributes join their path with '-' "
    "(--cpu-topology-cores); a reference takes --x-id or --x-name (shown as --x-id|name), and an object "
    "the body wraps or defines inline takes its own fields too (--disk-provisioned_size, --storage-type). "
    "A list of structs, attribute or link, is one repeatable option of field=value pairs "
    "(--storage_domains name=data, --permits id=1 --permits id=4, --bricks server_id=H,brick_dir=/b); "
    "a list of values takes repeats or commas (--os-boot-devices hd,cdrom). Any struct or struct list "
    "also takes JSON in the model's attribute names, to any depth (--modified_bonds "
    "'{\"name\":\"bond0\",\"bonding\":{\"slaves\":[{\"name\":\"eth1\"}]}}'). Sizes such as 2GiB are "
    "accepted only by byte-valued attributes. help COMMAND TYPE shows REQUIRED OPTIONS first (one block "
    "per input shape when there are several, e.g. a disk on a storage domain or from a LUN), then the "
    "inputs the engine documents for that operation, then the command's own options; --all adds every "
    "other input. A missing required option is a syntax error before anything is sent. --dry-run on "
    "create, update, delete and action prints the method, URL and body instead of sending them "
    "(secrets masked). An option whose attribute is a password (password, root_password, "
    "--ssh-user-password, ...) never takes its value on the command line: --NAME-file FILE reads its "
    "first line and --NAME - asks for it on a terminal without echo; such lines stay out of the history. "
    "A password field inside a list option is given the same way: password-file=FILE or password=- "
    "(--storage-logical_units id=L,username=u,password-file=F)."
)

#: The type page shown as an example in the man page and docs/commands.md.
SAMPLE_PAGE = ("create", "disk")

SYNTAX = """\
command [type] [arguments] [--option value] ... [| shell pipeline] [> file | >> file]
'single' and "double" quotes group words; a backslash escapes the next character.
';' separates commands, '#' starts a comment, a trailing '\\' continues the line.
| feeds the output to a shell pipeline; > and >> write or append it to a file.
-o FORMAT (text, table, json, xml, csv) and --fields F,G after any command choose how its
result is shown.
!command runs a system command; <command> --help shows a command's help."""


def _wrap(text: str, indent: int = 2, width: int = WIDTH) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, width, initial_indent=pad, subsequent_indent=pad,
                         break_on_hyphens=False) or [pad.rstrip()]


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
    """What an option takes, for the option tables."""
    if getattr(option, "secret", False):
        return f"FILE: a secret, read from its first line (--{option.name} - asks on a terminal)"
    if option.kind == "enum" and option.values:
        what = "one of " + ", ".join(option.values)
    elif option.kind == "struct":
        fields = [name for name, _ in option.fields]
        hinted = [f for f in option.hints if f in fields] or fields[:3]
        what = ",".join(f"{f}=…" for f in hinted) + (",…" if len(fields) > len(hinted) else "") + " or JSON"
    elif option.kind == "json":
        what = f"JSON object ({option.type})"
    elif option.kind in ("id", "name"):
        what = "an id or a name"
    elif option.kind == "size":
        what = "bytes, or a size: 2GiB, 512MiB"
    else:
        what = option.kind
    if option.is_list:
        what += ", repeatable" + ("" if option.kind == "struct" else " or comma-separated")
    return what


def _all_fields(option) -> str:
    """Every field a struct list option's element takes (its `--all` line)."""
    from ovirtshell.metadata.values import is_secret

    def shown(name: str, kind: str) -> str:
        if is_secret(name.rsplit(".", 1)[-1]):
            return f"{name}-file=FILE or {name}=- (secret)"
        return f"{name} ({kind})"

    return "fields: " + ", ".join(shown(name, kind) for name, kind in option.fields)


def type_page(index: Index, verb: str, name: str, spec: CommandSpec, parents: tuple[str, ...] = (),
              action: str | None = None, *, everything: bool = False, width: int = WIDTH) -> str:
    """USAGE, DESCRIPTION, REQUIRED OPTIONS (per input shape), OPTIONS (the documented inputs),
    COMMAND OPTIONS, with `everything` OTHER OPTIONS (every other input), EXAMPLES.

    A type that needs a parent is shown in its first place when no parent is given."""
    resource = _place(index, verb, name, parents)
    parents_given, parents = parents, resource.parents
    choosing = verb == "action" and action is None  # `help action vm`: which actions there are
    options: OptionSet | None = None if choosing else index.options(verb, name, parents, action)
    target = {"list": resource.plural, "create": name}.get(verb, f"{name} <id|name>")
    head = f"{spec.name} {target}" + (f" {action}" if action else " <action>" if choosing else "")
    lines = ["USAGE", f"  {head} [options]"]
    place = f"{name} under {' > '.join(parents)}" if parents else name
    description = f"{spec.summary.capitalize()} ({place})."
    method_doc = _method_doc(index, resource, verb, action)
    if method_doc:
        description += " " + method_doc
    type_doc = index.model.types.get(resource.item_type or "")
    if type_doc is not None and type_doc.doc:
        description += " " + type_doc.doc.strip().splitlines()[0]
    lines += _section("DESCRIPTION", _wrap(description, width=width))
    if options is not None:
        lines += _option_sections(index, options, name, verb, everything, width, given=bool(parents_given),
                                  topic=f"{name} {action}" if action else name)
    else:
        lines += _section("ACTIONS", _wrap(", ".join(index.actions(name, parents)), width=width))
        lines += _wrap(f"help action {name} <action> shows an action's options.", width=width)
    mine = [e for e in spec.examples if _fits(e, name, resource, action)]
    examples = mine or [_example(verb, name, resource, options, action, index)]
    lines += _section("EXAMPLES", [f"  {e}" for e in examples])
    return "\n".join(lines) + "\n"


def _place(index: Index, verb: str, name: str, parents: tuple[str, ...]):
    """The resource for help: the one the parents name, else the top-level one, else the first."""
    if parents:
        return index.resource(name, parents)
    flag = {"create": "can_add", "update": "can_update", "delete": "can_remove", "show": "can_get",
            "list": "can_list"}.get(verb, "actions")  # fmt: skip
    candidates = [r for r in index.resources(name) if getattr(r, flag)] or index.resources(name)
    top = [r for r in candidates if r.parent is None]
    return (top or candidates)[0]


def _option_sections(index: Index, options: OptionSet, name: str, verb: str, everything: bool, width: int,
                     given: bool = False, topic: str = "") -> list[str]:
    lines: list[str] = []
    required = _required_lines(index, options, name, width, given)
    if required:
        lines += _section("REQUIRED OPTIONS", required)
    documented = [o for o in options.specs if o.rank < 2 and o.target in ("body",) and o.kind != "json"]
    required_names = {n.option for r in options.requirements for g in r.groups for n in g}
    documented = [o for o in documented if o.name not in required_names]
    if documented:
        lines += _section("OPTIONS", _table(documented, width))
    command = [o for o in options.specs if o.target in ("query", "shell")]
    if command:
        lines += _section("COMMAND OPTIONS", _table(command, width))
    rest = [o for o in options.specs if o.target == "body" and (o.rank == 2 or o.kind == "json")]
    if everything:
        lines += _section("OTHER OPTIONS", _grouped(rest, width))
    elif rest:
        count = len({o.display() for o in rest})
        more = (f"help {verb} {topic or name} --all lists {count} more option{'s' if count != 1 else ''}: every other "
                "input the engine's model accepts.")
        lines += ["", *_wrap(more, 0, width)]
    return lines


def _required_lines(index: Index, options: OptionSet, name: str, width: int, given: bool = False) -> list[str]:
    """Parents first, then the groups common to every input shape, then each shape's own."""
    from ovirtshell.metadata.inputs import describe

    lines: list[str] = []
    parent_specs = [o for o in options.specs if o.target == "parent" and o.path[-1] == "name"]
    if parent_specs:
        places = [r.parents for r in index.resources(name) if r.parents]
        if len(places) > 1 and not given:
            alternatives = " or ".join(" ".join(f"--parent-{p}-name|identifier" for p in chain) for chain in places)
            lines += _wrap(alternatives + "  (where it lives)", 2, width)
        else:
            lines += [f"  {o.display()}" for o in parent_specs]
    requirements = _shapes(options)
    if not requirements:
        return lines
    common = [g for g in requirements[0].groups if all(g in r.groups for r in requirements[1:])]
    for line, group in options.describe_needs(common):
        lines += _need_line(options, line, group, width)
    if len(requirements) > 1:
        shown: list = []
        for requirement in requirements:
            own = [g for g in requirement.groups if g not in common]
            title = describe(requirement.signature) if requirement.signature else "otherwise"
            base = next((r for r in shown if r.groups and set(r.groups) < set(requirement.groups)), None)
            if base is not None:  # from snapshot: as from scratch, and --snapshots id=…
                own = [g for g in own if g not in base.groups]
                title += f": as {describe(base.signature)}, and"
            else:
                title += ":"
            shown.append(requirement)
            lines.append(f"  {title}" + ("" if own else " nothing more"))
            for line, group in options.describe_needs(own):
                lines += _need_line(options, line, group, width, indent=4)
    return lines


def _shapes(options: OptionSet) -> list:
    """Input shapes, a shape contained in others first (from scratch before from snapshot)."""
    shapes = [r for r in options.requirements if r.groups]

    def key(r) -> tuple[int, int]:
        inside = sum(1 for o in shapes if o is not r and set(r.groups) < set(o.groups))
        return (-inside, len(r.groups))

    return sorted(shapes, key=key)


def _need_line(options: OptionSet, text: str, group: tuple, width: int, indent: int = 2) -> list[str]:
    spec = options.get(group[0].option) if len(group) == 1 or all(n.path[:-1] == group[0].path[:-1] for n in group) else None
    what = _describe(spec) if spec is not None and not group[0].field else ""
    if " or " in text:
        what = ""
    return _row(text, what, width, indent)


def _row(display: str, what: str, width: int, indent: int = 2) -> list[str]:
    pad = " " * indent
    column = 40 if width >= 100 else min(34, width // 2)
    if not what:
        return _wrap(display, indent, width)
    if len(display) + indent < column:
        head = f"{pad}{display:<{column - indent}}"
        return textwrap.wrap(what, width, initial_indent=head, subsequent_indent=" " * column,
                             break_long_words=False, break_on_hyphens=False) or [head.rstrip()]
    return [f"{pad}{display}", *textwrap.wrap(what, width, initial_indent=" " * column, subsequent_indent=" " * column,
                                               break_long_words=False, break_on_hyphens=False)]


def _table(specs, width: int) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for option in sorted(specs, key=lambda o: _FIRST.index(o.name) if o.name in _FIRST else len(_FIRST)):
        display = option.display()
        if display in seen:  # --x-id and --x-name share one line: --x-id|name
            continue
        seen.add(display)
        doc = option.doc.strip().split("\n\n")[0].replace("\n", " ") if option.doc else ""
        if option.target == "shell" or option.target == "query" and doc:
            lines += _row(display, doc or _describe(option), width)  # a flag's doc says it all
            continue
        lines += _row(display, _describe(option), width)
        if doc:
            lines += _wrap(doc, 6, width)
    return lines


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
        required = _required_words(options) if options is not None else []
        fields = [f"--{o} {o.upper()}" for o in ("name", "description") if options and options.get(o)]
        line = " ".join(["create", name, *(required or fields[:1])])
    elif verb == "update":
        field = next((f"--{o} {o.upper()}" for o in ("description", "comment", "name") if options and options.get(o)), "")
        line = f"update {name} NAME {field}".rstrip()
    elif verb == "action":
        line = f"action {name} NAME {action or (index.actions(name, resource.parents) or ['ACTION'])[0]}"
        line = " ".join([line, *(_required_words(options) if options is not None else [])])
    else:
        line = f"{verb} {name} NAME"
    return f"{line} {parents}".rstrip()


def _required_words(options: OptionSet) -> list[str]:
    """`--x VALUE` for each mandatory group of the first input shape (its first alternative)."""
    shapes = _shapes(options)
    if not shapes:
        return []
    words: list[str] = []
    fields: dict[str, list[str]] = {}
    for group in shapes[0].groups:
        need = group[-1] if group[-1].path[-1:] == ("name",) else group[0]  # by name reads better
        spec = options.get(need.option)
        if spec is None:
            continue
        if need.field:
            if need.option not in fields:
                fields[need.option] = []
                words.append(need.option)
            fields[need.option].append(f"{need.field}={need.field.split('.')[-1].upper()}")
        else:
            words.append(need.option)
    out = []
    for word in words:
        spec = options.get(word)
        value = ",".join(fields[word]) if word in fields else _placeholder(spec)
        out.append(f"--{word}" + (f" {value}" if value else ""))
    return out


def _placeholder(spec) -> str:
    if spec.kind == "boolean" and not spec.is_list:
        return ""
    if spec.values:
        return spec.values[0]
    return {"size": "1GiB", "integer": "1"}.get(spec.kind, spec.path[-2].upper() if spec.kind in ("id", "name") and len(spec.path) > 1 else spec.name.split("-")[-1].upper())


def _method_doc(index: Index, resource, verb: str, action: str | None) -> str:
    method_name = action or {"create": "add", "delete": "remove", "show": "get"}.get(verb, verb)
    service_name = resource.collection_service if verb in ("list", "create") else resource.entity_service
    service = index.model.services.get(service_name or "")
    method = service.method(method_name) if service else None
    return method.doc.strip().split("\n\n")[0].replace("\n", " ") if method and method.doc else ""


_FIRST = ("name", "description", "comment")


def _grouped(specs, width: int = WIDTH) -> list[str]:
    """Plain top-level options first under [general], then one block per structured attribute."""
    groups: dict[str, list] = {}
    for option in specs:
        groups.setdefault(option.group or "general", []).append(option)
    general: list = []
    blocks: list[tuple[str, list]] = []
    for group, members in groups.items():
        if len(members) == 1 and members[0].name == group:
            general.extend(members)
        else:
            blocks.append((group, members))
    general.sort(key=lambda o: (_FIRST.index(o.name) if o.name in _FIRST else len(_FIRST), o.name))
    blocks.sort(key=lambda b: b[0])
    lines: list[str] = []
    for title, members in ([("general", general)] if general else []) + blocks:
        lines.append(f"  [{title}]")
        seen: set[str] = set()
        for option in members:
            display = option.display()
            if display in seen:
                continue
            seen.add(display)
            lines += _row(display, _describe(option), width, indent=4)
            if option.kind == "struct":
                lines += _wrap(_all_fields(option), 6, width)
            if option.doc:
                lines += _wrap(option.doc.strip().split("\n\n")[0].replace("\n", " "), 6, width)
    return lines or ["  (none)"]
