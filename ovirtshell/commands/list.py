"""list: the objects of a collection, searched on the engine and filtered on the client."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from typing import Any

from ovirtshell import follow
from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.language import Command
from ovirtshell.locate import attached_items, query_params, read_collection, target
from ovirtshell.result import Result
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="list",
    summary="list objects of a type",
    usage="list <types> [parent options] [--query QUERY] [--max N] [--case_sensitive true|false] "
    "[--all_content true|false] [--follow LINKS] [--kwargs \"a=b;c=d\"] [--sort F[:desc],G] "
    "[--show-all] [--fields F,G]",
    description=(
        "Lists the objects of a type: all of them, or those matching an engine search query "
        "(--query, the engine's search syntax, e.g. \"name=web* and status=up\"). The type may be "
        "plural or singular. Objects living under another object are listed through their parent: "
        "--parent-vm-name NAME or --parent-vm-identifier ID. --kwargs filters on the client: "
        "semicolon-separated field=glob pairs, nested fields joined with '-'. --sort orders what was "
        "listed by fields (numbers by value, text naturally: vm2 before vm10; objects without the field "
        "last); FIELD:desc reverses one. By default the text output shows id, name and description; "
        "--show-all shows every field and --fields chooses them."
    ),
    options=(
        OptionDoc("query", "engine search query (searchable collections only)", "QUERY"),
        OptionDoc("max", "at most N objects", "N"),
        OptionDoc("case_sensitive", "whether the search is case-sensitive (default false)", "BOOL"),
        OptionDoc("all_content", "include all content (e.g. VM console and OVF data)", "BOOL"),
        OptionDoc("follow", "links to include inline, comma-separated (e.g. nics,disk_attachments); "
                  "on events without LINKS: print new events as they arrive, until Ctrl-C", "LINKS"),
        OptionDoc("since", "with list events --follow: start after event ID, at a TIME, or an age (10m, 2h)", "ID|TIME"),
        OptionDoc("severity", "with list events --follow: this severity and worse (normal, warning, error, alert)", "SEVERITY",
                  values=follow.SEVERITIES),
        OptionDoc("interval", "with list events --follow: seconds between polls (default 2)", "SECONDS"),
        OptionDoc("kwargs", 'client-side filter: "field=glob;other-field=glob"', "FILTERS"),
        OptionDoc("sort", "order by these fields, comma-separated; FIELD:desc for descending "
                  "(e.g. memory:desc,name)", "F[:desc],G"),
        OptionDoc("show-all", "show every field of each object"),
        OptionDoc("fields", "the fields to show, comma-separated (e.g. name,status,memory)", "F,G"),
    ),
    examples=(
        "list vms",
        'list vms --query "name=web* and status=up" -o table',
        "list nics --parent-vm-name web1",
        'list disks --kwargs "format=cow;provisioned_size=1073741824"',
        "list hosts --fields name,status,address -o csv",
        "list vms --sort memory:desc,name --fields name,memory -o table",
        "list events --follow --severity warning",
        'list events --follow --since 10m --query "vm.name=web1"',
    ),
    typed=True,
)


#: Default columns of the human formats where the generic rule picks poorly.
COLUMNS = {"event": follow.COLUMNS}


def run(shell, command: Command) -> Result:
    if follow.requested(command):
        if any(name == "sort" for name, _ in command.options):
            raise UsageError("--sort does not apply to list events --follow, which prints events as they come")
        return follow.run(shell, command, lambda rest: target(shell, rest, "list"))
    try:
        t = target(shell, command, "list")
    except UsageError as exc:
        raise UsageError(f"{exc}{search_hint(shell, command)}") from None
    if not t.resource.can_list:
        raise UsageError(f"{t.resource.name} objects cannot be listed")
    params = dict(t.request.query)
    options = t.request.shell
    if options.get("query") is not None:
        if not t.resource.searchable:
            raise UsageError(f"--query is not available for {t.resource.plural}: the engine cannot search them")
        params["search"] = options["query"]
    pairs = parse_kwargs(options["kwargs"]) if options.get("kwargs") else None
    if t.via is not None:  # list disks --parent-vm-name X: through the VM's disk attachments
        items = attached_items(t, query_params(params))
        if pairs:
            items = filter_items(items, pairs)
    else:
        as_xml = (shell.current_format or shell.settings.output) == "xml"  # the engine's own document
        items = read_collection(t.connection, t.collection, t.resource.item_type, query_params(params), json=not as_xml)
        if pairs:
            items.where(matcher(pairs), {split_key(key)[0] for key, _ in pairs})
    if options.get("sort") is not None:
        keys = parse_sort(options["sort"])
        from ovirtshell.shell import check_fields

        check_fields(shell, command, tuple("-".join(path) for path, _ in keys))
        items = sort_items(items, keys)  # the whole listing is held: sorting needs every object
    return Result(
        data=items,
        kind=t.resource.name,
        show_all=bool(options.get("show-all")),
        columns=None if options.get("show-all") else COLUMNS.get(t.resource.name),
    )


#: Search fields that differ from the parent's type name.
_SEARCH_FIELD = {"storagedomain": "storage", "vmpool": "pool"}


def search_hint(shell, command: Command) -> str:
    """For a parent that does not place the type (list vms --parent-cluster-name Default):
    the engine search that lists them, when the type is searchable."""
    from ovirtshell.locate import _PARENT

    index = shell.require_connection().index
    name = index.resolve(command.args[0]) if command.args else None
    if name is None or not any(r.parent is None and r.searchable for r in index.resources(name)):
        return ""
    for option, value in command.options:
        match = _PARENT.match(option)
        if match and value and option.endswith("-name"):
            parent = match.group(1) or match.group(2)
            field = _SEARCH_FIELD.get(parent, parent)
            return f"; to list the {index.plural(name)} of a {parent}, search: --query {field}={value}"
    return ""


def parse_kwargs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise UsageError(f'invalid --kwargs part {part!r}: expected "field=glob;other-field=glob"')
        pairs.append((key.strip(), value.strip()))
    return pairs


def _values(data: Any, path: list[str]) -> list[str]:
    if isinstance(data, list):
        return [v for item in data for v in _values(item, path)]
    if not path:
        if isinstance(data, bool):
            return ["true" if data else "false"]
        return [] if data is None or isinstance(data, dict) else [str(data)]
    if not isinstance(data, dict):
        return []
    return _values(data.get(path[0]), path[1:])


def parse_sort(text: str) -> list[tuple[list[str], bool]]:
    """`--sort memory:desc,name` as (path, descending) pairs."""
    keys = []
    for part in str(text).split(","):
        field, _, order = part.strip().partition(":")
        if not field or order not in ("", "asc", "desc"):
            raise UsageError(f"invalid --sort part {part.strip()!r}: expected FIELD, FIELD:asc or FIELD:desc")
        keys.append((split_key(field), order == "desc"))
    return keys


def sort_items(items: Iterable[dict], keys: list[tuple[list[str], bool]]) -> list[dict]:
    """The items ordered by `keys`, the first deciding first; objects lacking a field come
    after those that have it, in either direction."""
    ordered = list(items)
    for path, descending in reversed(keys):  # stable sorts, the last key first
        having = [item for item in ordered if _first(item, path) is not None]
        lacking = [item for item in ordered if _first(item, path) is None]
        having.sort(key=lambda item: _order(_first(item, path)), reverse=descending)
        ordered = having + lacking
    return ordered


def _first(item: dict, path: list[str]) -> Any:
    values = list(_values(item, path))
    return values[0] if values else None


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _order(value: str) -> tuple:
    """Numbers by value, then text naturally (digit runs as numbers: vm2 before vm10)."""
    if _NUMBER.fullmatch(value):
        return (0, float(value), ())
    parts = re.split(r"(\d+)", value.casefold())
    return (1, 0.0, tuple(int(p) if i % 2 else p for i, p in enumerate(parts)))


def split_key(key: str) -> list[str]:
    """A --kwargs field as a path: nested names joined with '-' or '.'."""
    return key.replace(".", "-").split("-")


def matcher(pairs: list[tuple[str, str]]) -> Callable[[dict], bool]:
    """Whether an item's every field (nested with '-' or '.') matches its glob, case-insensitively."""
    checks = [(split_key(key), pattern.lower()) for key, pattern in pairs]

    def keep(item: dict) -> bool:
        for path, pattern in checks:
            if not any(fnmatch.fnmatchcase(v.lower(), pattern) for v in _values(item, path)):
                return False
        return True

    return keep


def filter_items(items: list[dict], pairs: list[tuple[str, str]]) -> list[dict]:
    """The items `matcher(pairs)` keeps."""
    keep = matcher(pairs)
    return [item for item in items if keep(item)]
