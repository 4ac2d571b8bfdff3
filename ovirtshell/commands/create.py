"""create (also add): a new object, with options derived from the engine's model."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.dryrun import dry_run
from ovirtshell.language import Command
from ovirtshell.locate import query_params, resolve_references, segment, target
from ovirtshell.result import Result
from ovirtshell.retry import retries, retrying
from ovirtshell.status import UsageError
from ovirtshell.wait import follow_up, make_waiter

SPEC = CommandSpec(
    name="create",
    summary="create an object",
    usage="create <type> [parent options] [attribute options] [--wait [--timeout SECONDS]]",
    description=(
        "Creates an object. Its options come from the engine's model: nested attributes joined "
        "with '-' (--cpu-topology-cores), references by id or name (--cluster-name Default), "
        "repeatable list options ({name=x,value=y} for lists of structs; hd,cdrom for lists of "
        "values; JSON in the model's names for any depth). help create <type> lists the required "
        "options first; a missing one is an error before anything is sent. --wait returns only "
        "once the new object has settled (e.g. left image_locked); --dry-run prints the request "
        "instead of sending it."
    ),
    options=(
        OptionDoc("wait", "return when the new object has settled"),
        OptionDoc("timeout", "how long --wait may take, in seconds (default 600)", "SECONDS"),
        OptionDoc("dry-run", "print the method, URL and body instead of sending them"),
        OptionDoc("retry", "send again while the engine says the object is locked (409), up to N "
                  "times, waiting 2 s, 4 s, … 30 s", "N"),
        OptionDoc("curl", "print a curl command that sends the request (credentials from "
                  "$OVIRT_TOKEN, secrets masked) instead of sending it"),
    ),
    examples=(
        "create vm --name web1 --cluster-name Default --template-name Blank --cpu-topology-cores 2 --memory 2GiB",
        "create nic --parent-vm-name web1 --name nic2 --vnic_profile-name ovirtmgmt",
        "create snapshot --parent-vm-name web1 --description before-upgrade --wait",
        "create disk --name d1 --provisioned_size 1GiB --format cow --interface virtio --storage_domains name=data",
        "create role --name ops --permits id=1 --permits id=4",
    ),
    aliases=("add",),
    typed=True,
)


def run(shell, command: Command) -> Result:
    from ovirtshell.api.codec import decode, encode

    t = target(shell, command, "create")
    if not t.resource.can_add:
        raise UsageError(f"{t.resource.name} objects cannot be created")
    waiter = make_waiter(shell, t.request.shell)
    model = t.connection.index.model
    body = encode(model, t.resource.item_type, resolve_references(shell, t, t.resource.item_type))
    if t.request.shell.get("dry-run") or t.request.shell.get("curl"):
        return dry_run(t.connection.client, "POST", t.collection, query_params(t.request.query), body, curl=bool(t.request.shell.get("curl")))
    params = query_params(t.request.query)
    xml = retrying(retries(t.request.shell), lambda: t.connection.client.post(t.collection, body, params=params))
    data = decode(model, t.resource.item_type, xml)
    shell.changed(t.resource.name)
    if waiter is not None and data.get("id"):
        path = f"{t.collection}/{segment(str(data['id']))}"
        data = follow_up(shell, t, path, {}, f"{t.resource.name} {data.get('name', data['id'])}", waiter)
        xml = None
    return Result(data=data, kind=t.resource.name, xml=xml)
