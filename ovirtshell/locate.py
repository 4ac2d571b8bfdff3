"""From a command line to URLs: the type, its parents, and an object named by id or name.

Shared by every verb that takes a type (list, show, create, update, delete, action, console).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovirtshell.metadata.request import Request
from ovirtshell.status import CommandError, NotFound, UsageError

if TYPE_CHECKING:
    from ovirtshell.api.stream import ObjectStream
    from ovirtshell.connection import Connection
    from ovirtshell.language import Command
    from ovirtshell.metadata.index import Resource
    from ovirtshell.metadata.options import OptionSet
    from ovirtshell.shell import Shell

_PARENT = re.compile(r"^(?:parent-([a-z0-9]+)-(?:identifier|id|name)|([a-z0-9]+)-identifier)$")
_ID_LIKE = re.compile(r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d+)$")


@dataclass
class Target:
    """A resolved command line: the resource, its option set, the parsed request and URLs."""

    connection: Connection
    resource: Resource
    options: OptionSet | None  # None: the line has no options (and its verb checks none)
    request: Request
    collection: str  # the collection's path below the API root, e.g. "/vms/123/nics"
    args: tuple[str, ...]  # positional words after the type
    via: str | None = None  # listing through attachments: the member each one wraps ("disk")


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
        import difflib

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
    try:
        resource = index.resource(name, parents)
    except UsageError:
        resource = None
    if verb == "list" and (resource is None or set(resource.parents) != {index.resolve(p) or p for p in parents}):
        route = attachment_route(index, name, parents)  # the parents name no place of the type
        if route is not None:
            return _attached_target(shell, command, route)
    if resource is None:
        resource = index.resource(name, parents)  # raises the usage error naming the places
    if command.options or verb in ("create", "update", "action"):
        options: OptionSet | None = index.options(verb, name, parents, action)
        request = options.parse(command.options)
    else:  # nothing to parse: the option set is not derived (nor its modules imported)
        options, request = None, Request()
    args = command.args[1:]
    if len(args) > nargs:
        raise UsageError(f"unexpected argument {args[nargs]!r} (see help {command.verb} {name})")
    if verb in ("create", "update", "action"):  # before anything is looked up or sent
        options.check(request, verb, f"{name} {action}" if action else name)
    collection = collection_path(shell, resource, request.parents)
    return Target(connection, resource, options, request, collection, args)


def attachment_route(index, name: str, parents: list[str]) -> tuple[Resource, Resource, str] | None:
    """`list disks --parent-vm-name X` (the original's idiom): no disks live under a VM, but
    its disk attachments wrap them. (the type's top-level place, the attachments, the member)."""
    objects = [r for r in index.resources(name) if r.parent is None and r.can_list]
    if not objects or not parents:
        return None
    item = objects[0].item_type or ""
    for candidate in index.all_names():
        for place in index.resources(candidate):
            if place.can_list and set(place.parents) == {index.resolve(p) or p for p in parents}:
                wrapper = index.model.types.get(place.item_type or "")
                member = wrapper.member(item) if wrapper is not None else None
                if member is not None and not member.is_list and (place.item_type or "").startswith(item + "_"):
                    return objects[0], place, member.name
    return None


def _attached_target(shell: Shell, command: Command, route: tuple[Resource, Resource, str]) -> Target:
    objects, place, member = route
    connection = shell.require_connection()
    options = connection.index.options("list", place.name, place.parents)
    request = options.parse(command.options)
    if len(command.args) > 1:
        raise UsageError(f"unexpected argument {command.args[1]!r} (see help list {objects.plural})")
    collection = collection_path(shell, place, request.parents)
    return Target(connection, objects, options, request, collection, (), via=member)


def attached_items(t: Target, params: dict[str, str]) -> list[dict[str, Any]]:
    """The objects the attachments at `t.collection` wrap, each read inline (`follow`)."""
    from ovirtshell.api.codec import decode_list

    index = t.connection.index
    wrapper = next((r for name in index.all_names() for r in index.resources(name)
                    if r.can_list and t.collection.endswith("/" + r.segment) and r.item_type
                    and r.item_type.startswith(f"{t.resource.item_type}_")), None)
    wrapper_type = wrapper.item_type if wrapper is not None else f"{t.resource.item_type}_attachment"
    xml = t.connection.client.get(t.collection, {**params, "follow": t.via})
    return [item[t.via] for item in decode_list(index.model, wrapper_type, xml) if isinstance(item.get(t.via), dict)]


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


def segment(value: str) -> str:
    """An identifier as one URL path segment: `../tags/1` can never leave its collection."""
    from urllib.parse import quote

    return quote(value, safe="") if value not in (".", "..") else value.replace(".", "%2E")


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
    path = f"{collection}/{segment(value)}"
    try:
        xml = connection.client.get(path)
    except NotFoundError:
        return None
    return Found(path, decode(connection.index.model, resource.item_type, xml), xml)


def read_collection(
    connection: Connection, path: str, item_type: str, params: dict[str, str] | None, *, json: bool = False
) -> ObjectStream:
    """The collection at `path` as an `ObjectStream`: objects decoded as they arrive, read as
    JSON when asked (faster to decode; not for `-o xml`, which shows the engine's document).

    The engine's status is checked here; the body is read while the result is rendered.
    """
    from ovirtshell.api.stream import ObjectStream

    body = connection.client.stream(path, params, json=json)
    return ObjectStream(connection.index.model, item_type, body.chunks, body.media)


def _by_name(shell: Shell, resource: Resource, collection: str, value: str) -> Found | None:
    """By name; objects that have none by their natural label: a snapshot by its description,
    a disk attachment by its disk's name. Several matches are ambiguous whatever the label."""
    from ovirtshell.api.codec import decode_list

    connection = shell.require_connection()
    params = {"search": f'name="{value}"'} if resource.searchable else None
    xml = connection.client.get(collection, params)
    items = decode_list(connection.index.model, resource.item_type, xml)
    label = "name"
    matches = _labelled(items, "name", value)
    if not matches and not any(item.get("name") for item in items):
        label, matches = "description", _labelled(items, "description", value)
    if not matches:
        wrapped = wrapped_member(connection.index, resource.item_type or "")
        if wrapped is not None and any(isinstance(item.get(wrapped[0]), dict) for item in items):
            member, objects = wrapped
            ids = {str(o.get("id")) for o in _named(shell, objects, value)}
            label = f"{member} name"
            matches = [item for item in items if str((item.get(member) or {}).get("id")) in ids]
    if not matches:
        return None
    if len(matches) > 1:
        shown = (lambda m: m.get(label)) if " " not in label else (lambda m: value)
        listed = ", ".join(f"{shown(m)} ({m.get('id')})" for m in matches)
        raise CommandError(f"{resource.name} {label} {value!r} is ambiguous: {listed}; use the id")
    item = matches[0]
    return Found(f"{collection}/{segment(str(item['id']))}", item, _element_xml(xml, str(item["id"])))


def _labelled(items: list[dict[str, Any]], key: str, value: str) -> list[dict[str, Any]]:
    exact = [item for item in items if item.get(key) == value]
    return exact or [item for item in items if str(item.get(key, "")).lower() == value.lower()]


def wrapped_member(index, item_type: str) -> tuple[str, Resource] | None:
    """The object an attachment-like type wraps (a disk_attachment's `disk`) and where such
    objects live at the top level; None for other types."""
    type_ = index.model.types.get(item_type)
    for member in (*type_.attributes, *type_.links) if type_ is not None else ():
        if not member.is_list and item_type.startswith(member.type + "_"):
            place = _top_level(index, member.type)
            if place is not None and place.can_list:
                return member.name, place
    return None


def _named(shell: Shell, resource: Resource, value: str) -> list[dict[str, Any]]:
    from ovirtshell.api.codec import decode_list

    connection = shell.require_connection()
    params = {"search": f'name="{value}"'} if resource.searchable else None
    items = decode_list(connection.index.model, resource.item_type, connection.client.get(f"/{resource.segment}", params))
    return _labelled(items, "name", value)


def _element_xml(collection_xml: bytes, object_id: str) -> bytes:
    """The one object's element out of a collection document (a list item is the full object)."""
    from lxml import etree

    from ovirtshell.api.codec import parse_document

    root = parse_document(collection_xml)
    for child in root:
        if child.get("id") == object_id:
            return etree.tostring(child)
    return b""


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
    for spec in t.options.specs if t.options is not None else ():
        if spec.kind != "name" or spec.target != "body" or len(spec.path) != 2:
            continue
        ref_name, _ = spec.path
        value = body.get(ref_name)
        if not isinstance(value, dict) or set(value) != {"name"} or root is None:
            continue  # other fields beside the name define a new object inline: sent as given
        member = root.member(ref_name)
        if member is not None and names_new_object(t.connection.index, root_type, member.type):
            continue
        resource = _top_level(t.connection.index, member.type) if member else None
        if resource is None or not resource.can_list:
            continue  # no collection to look in: the engine resolves it
        found = find(shell, resource, f"/{resource.segment}", str(value["name"]), by="name")
        body[ref_name] = {"id": found.data["id"]}
    return body


def names_new_object(index, root_type: str, member_type: str) -> bool:
    """Whether a reference in a body names the object the request creates, so its name is
    sent, not looked up: the body of an operation that stores nothing itself (an
    external_vm_import) describes what it makes, the type its own name contains (`vm`)."""
    if index.is_entity_type(root_type):
        return False
    return f"_{member_type}_" in f"_{root_type}_"


def _top_level(index, item_type: str) -> Resource | None:
    for name in index.all_names():
        for resource in index.resources(name):
            if resource.parent is None and resource.item_type == item_type:
                return resource
    return None
