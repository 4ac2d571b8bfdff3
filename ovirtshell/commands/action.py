"""action: run one of a type's actions (start, migrate, deactivate, ticket, …) from the engine's model."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.dryrun import dry_run
from ovirtshell.language import Command
from ovirtshell.locate import (
    find,
    parent_types,
    query_params,
    resolve_references,
    resolve_type,
    target,
)
from ovirtshell.result import Result
from ovirtshell.status import UsageError
from ovirtshell.wait import follow_up, make_waiter

SPEC = CommandSpec(
    name="action",
    summary="run an action on an object",
    usage="action <type> <id|name> <action> [parent options] [action options] [--wait [--timeout SECONDS]]",
    description=(
        "Runs an action of the engine's model on an object found by id or name. Each action's "
        "parameters are its options (help action <type> <action>). The reply is printed: its "
        "status, the job, and outputs such as a ticket. --wait returns only once the job has "
        "ended and the object has settled (e.g. a started VM is up). --dry-run prints the request "
        "instead of sending it."
    ),
    options=(
        OptionDoc("wait", "return when the action's work has finished"),
        OptionDoc("timeout", "how long --wait may take, in seconds (default 600)", "SECONDS"),
        OptionDoc("dry-run", "print the method, URL and body instead of sending them"),
    ),
    examples=(
        "action vm web1 start --wait",
        "action vm web1 migrate --host-name host1",
        "action vm web1 shutdown --reason 'kernel upgrade'",
        "action host host2 deactivate --wait",
        "action vm web1 ticket",
        "action host host0 setupnetworks --dry-run --modified_bonds "
        "'{\"name\":\"bond0\",\"bonding\":{\"slaves\":[{\"name\":\"eth1\"},{\"name\":\"eth2\"}]}}'",
    ),
    typed=True,
)


def run(shell, command: Command) -> Result:
    from ovirtshell.api.codec import decode_action, encode

    connection = shell.require_connection()
    name = resolve_type(shell, command, "action")
    if len(command.args) < 3:
        actions = ", ".join(connection.index.actions(name, parent_types(command)))
        raise UsageError(f"usage: action {name} <id|name> <action>; {name} actions: {actions}")
    resource = connection.index.resource(name, parent_types(command))
    method = connection.index.action_method(resource, command.args[2])
    t = target(shell, command, "action", action=method.name, nargs=2)
    found = find(shell, t.resource, t.collection, t.args[0])
    waiter = make_waiter(shell, t.request.shell)
    model = connection.index.model
    body = encode(model, "action", resolve_references(shell, t, "action"), tag="action")
    path = f"{found.path}/{method.name.replace('_', '')}"
    params = query_params(t.request.query)
    if t.request.shell.get("dry-run"):
        return dry_run(connection.client, "POST", path, params, body)
    xml = connection.client.post(path, body, params=params)
    reply = decode_action(model, xml) if xml else {}
    label = f"{t.resource.name} {found.data.get('name') or found.data.get('id')}"
    if waiter is not None:
        follow_up(shell, t, found.path, reply, label, waiter)
    return Result(data=reply or None, kind="action", xml=xml or None, message=None if reply else f"{label}: {method.name} accepted")
