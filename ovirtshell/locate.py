"""From a command line to URLs: the type, its parents, and an object named by id or name.

Shared by every verb that takes a type (list, show, create, update, delete, action, console).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovirtshell.status import CommandError, NotFound, UsageError

if TYPE_CHECKING:
    from ovirtshell.connection import Connection
    from ovirtshell.language import Command
    from ovirtshell.metadata.index import Resource
    from ovirtshell.metadata.options import OptionSet, Request
    from ovirtshell.shell import Shell

_PARENT = re.compile(r"^(?:parent-([a-z0-9]+)-(?:identifier|id|name)|([a-z0-9]+)-identifier)$")
_ID_LIKE = re.compile(r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d+)$")


@dataclass
class Target:
    """A resolved command line: the resource, its option set, the parsed request and URLs."""

    connection: Connection
    resource: Resource
    options: OptionSet
    request: Request
    collection: str  # the collection's path below the API root, e.g. "/vms/123/nics"
    args: tuple[str, ...]  # positional words after the type


def parent_types(command: Command) -> list[str]:
    """Parent type names named by parent options, in the order given."""
    found = []
    for name, _ in command.options:
        match = _PARENT.match(name)
        if match:
            found.append(match.group(1) or match.group(2))
    return found


def resolve_type(shell: Shell, command: Command, verb: str) -> str:
    index = shell.require_connection().index
    if not command.args:
        raise UsageError(f"{command.verb} needs a type: {command.verb} <type> (see help {command.verb})")
    word = command.args[0]
    name = index.resolve(word)
    if name is None or name not in index.type_names(verb):
        choices = index.type_names(verb)
        if verb == "list":
            choices = [index.plural(n) for n in choices]
        close = difflib.get_close_matches(word, choices, n=1)
        hint = f" (did you mean {close[0]}?)" if close else f" (see help {command.verb})"
        if name is not None:
            raise UsageError(f"cannot {verb} {name} objects{hint}")
        raise UsageError(f"unknown type {word!r}{hint}")
    return name


def target(shell: Shell, command: Command, verb: str, *, action: str | None = None, nargs: int = 0) -> Target:
    """Resolve the type, parse the options for this verb and find the collection URL.

    `nargs` is how many positional words must follow the type (the object, the action).
    """
    connection = shell.require_connection()
    index = connection.index
    name = resolve_type(shell, command, verb)
    parents = parent_types(command)
    resource = index.resource(name, parents)
    options = index.options(verb, name, parents, action)
    request = options.parse(command.options)
    args = command.args[1:]
    if len(args) > nargs:
        raise UsageError(f"unexpected argument {args[nargs]!r} (see help {command.verb} {name})")
    collection = collection_path(shell, resource, request.parents)
    return Target(connection, resource, options, request, collection, args)


def collection_path(shell: Shell, resource: Resource, parents: dict[str, tuple[str, str]]) -> str:
    """Walk the parent chain from the outermost parent, finding each by id or name."""
    chain = []
    node = resource.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    path = ""
    for parent in reversed(chain):
        given = parents.get(parent.name)
        if given is None:
            raise UsageError(
                f"{resource.name} needs its {parent.name}: use --parent-{parent.name}-name NAME "
                f"or --parent-{parent.name}-identifier ID"
            )
        kind, value = given
        found = find(shell, parent, f"{path}/{parent.segment}", value, by=kind)
        path = found.path
    return f"{path}/{resource.segment}"


@dataclass
class Found:
    path: str  # below the API root, e.g. "/vms/123"
    data: dict[str, Any]
    xml: bytes


def find(shell: Shell, resource: Resource, collection: str, value: str, *, by: str | None = None) -> Found:
    """One object by id or by name; a name matching several objects is a COMMAND_ERROR naming them."""
    if by == "id" or (by is None and _ID_LIKE.match(value)):
        found = _by_id(shell, resource, collection, value)
        if found is not None or by == "id":
            if found is None:
                raise NotFound(f"{resource.name} with id {value!r} not found")
            return found
    found = _by_name(shell, resource, collection, value)
    if found is None and by is None and not _ID_LIKE.match(value):
        found = _by_id(shell, resource, collection, value)  # ids that do not look like ids ("4.7")
    if found is None:
        raise NotFound(f"{resource.name} {value!r} not found")
    return found


def _by_id(shell: Shell, resource: Resource, collection: str, value: str) -> Found | None:
    from ovirtshell.api.codec import decode
    from ovirtshell.api.errors import NotFoundError

    connection = shell.require_connection()
    path = f"{collection}/{value}"
    try:
        xml = connection.client.get(path)
    except NotFoundError:
        return None
    return Found(path, decode(connection.index.model, resource.item_type, xml), xml)


def _by_name(shell: Shell, resource: Resource, collection: str, value: str) -> Found | None:
    from lxml import etree

    from ovirtshell.api.codec import decode_element, parse_document

    connection = shell.require_connection()
    params = {"search": f'name="{value}"'} if resource.searchable else None
    root = parse_document(connection.client.get(collection, params))
    model, item_type = connection.index.model, resource.item_type
    if root.tag == item_type:  # one object where a collection was expected
        elements = [root]
    else:
        elements = [c for c in root if isinstance(c.tag, str) and c.tag not in ("link", "actions")]
    # The names first: only the matching element is decoded whole.
    names = [decode_element(model, item_type, el, frozenset({"name"})) for el in elements]
    matches = [i for i, item in enumerate(names) if item.get("name") == value]
    if not matches:
        matches = [i for i, item in enumerate(names) if str(item.get("name", "")).lower() == value.lower()]
    if not matches:
        return None
    if len(matches) > 1:
        listed = ", ".join(f"{names[i].get('name')} ({names[i].get('id')})" for i in matches)
        raise CommandError(f"{resource.name} name {value!r} is ambiguous: {listed}; use the id")
    element = elements[matches[0]]
    item = decode_element(model, item_type, element)
    return Found(f"{collection}/{item['id']}", item, etree.tostring(element))


def query_params(params: dict[str, Any]) -> dict[str, str]:
    """Query-string values as the engine reads them (booleans as true/false)."""
    out = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def resolve_references(shell: Shell, t: Target, root_type: str) -> dict[str, Any]:
    """The request body with direct references given by name (`--cluster-name Default`)
    replaced by the object's id, so a name matching several objects is an error that lists
    them (COMMAND_ERROR) rather than the engine's guess, and a missing one is NOT_FOUND."""
    model = t.connection.index.model
    root = model.types.get(root_type)
    body = dict(t.request.body)
    for spec in t.options.specs:
        if spec.kind != "name" or spec.target != "body" or len(spec.path) != 2:
            continue
        ref_name, _ = spec.path
        value = body.get(ref_name)
        if not isinstance(value, dict) or set(value) != {"name"} or root is None:
            continue
        member = root.member(ref_name)
        resource = _top_level(t.connection.index, member.type) if member else None
        if resource is None or not resource.can_list:
            continue  # no collection to look in: the engine resolves it
        found = find(shell, resource, f"/{resource.segment}", str(value["name"]), by="name")
        body[ref_name] = {"id": found.data["id"]}
    return body


def _top_level(index, item_type: str) -> Resource | None:
    for name in index.all_names():
        for resource in index.resources(name):
            if resource.parent is None and resource.item_type == item_type:
                return resource
    return None
