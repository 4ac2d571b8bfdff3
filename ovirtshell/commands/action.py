"""action: run one of a type's actions (start, migrate, deactivate, ticket, …) from the engine's model."""

from __future__ import annotations

from ovirtshell import bulk
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
from ovirtshell.retry import retries, retrying
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
        "ended and the object has settled (e.g. a started VM is up). With a plural type and "
        "--query it runs on every object the search finds (a bulk operation): one line per "
        "object as it finishes, then a summary; actions that stop or disturb objects (stop, "
        "shutdown, reboot, deactivate, …) need --yes. Exit status 13 (PARTIAL) when some failed. "
        "--dry-run prints the request instead of sending it (in bulk: lists what would be done)."
    ),
    options=(
        OptionDoc("wait", "return when the action's work has finished"),
        OptionDoc("timeout", "how long --wait may take, in seconds (default 600)", "SECONDS"),
        OptionDoc("dry-run", "print the method, URL and body instead of sending them (bulk: list the objects)"),
        OptionDoc("query", "bulk: act on every object this engine search finds (plural type)", "QUERY"),
        OptionDoc("parallel", "bulk: how many objects at a time (default 4)", "N"),
        OptionDoc("yes", "bulk: do stop-like actions without refusing"),
        OptionDoc("retry", "send again while the engine says the object is locked (409), up to N "
                  "times, waiting 2 s, 4 s, … 30 s", "N"),
        OptionDoc("curl", "print a curl command that sends the request (credentials from "
                  "$OVIRT_TOKEN, secrets masked) instead of sending it"),
    ),
    examples=(
        "action vm web1 start --wait",
        "action vm web1 migrate --host-name host1",
        "action vm web1 shutdown --reason 'kernel upgrade'",
        "action host host2 deactivate --wait",
        "action vm web1 ticket",
        "action host host0 setupnetworks --dry-run --modified_bonds "
        "'{\"name\":\"bond0\",\"bonding\":{\"slaves\":[{\"name\":\"eth1\"},{\"name\":\"eth2\"}]}}'",
        'action vms --query "cluster=Default and status=down" start --wait',
        'action vms --query "name=test-*" shutdown --yes --parallel 8',
    ),
    typed=True,
)


def run(shell, command: Command) -> Result:
    from ovirtshell.api.codec import decode_action, encode

    if bulk.requested(command):
        return run_bulk(shell, command)
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
    if t.request.shell.get("dry-run") or t.request.shell.get("curl"):
        return dry_run(connection.client, "POST", path, params, body, curl=bool(t.request.shell.get("curl")))
    xml = retrying(retries(t.request.shell), lambda: connection.client.post(path, body, params=params))
    reply = decode_action(model, xml) if xml else {}
    label = f"{t.resource.name} {found.data.get('name') or found.data.get('id')}"
    if waiter is not None:
        follow_up(shell, t, found.path, reply, label, waiter)
    return Result(data=reply or None, kind="action", xml=xml or None, message=None if reply else f"{label}: {method.name} accepted")


# -- bulk: action <types> --query QUERY <action> ----------------------------------------------


def run_bulk(shell, command: Command) -> Result:
    """The action on every object the search finds (see ovirtshell.bulk)."""
    from ovirtshell.api.codec import decode_action, encode
    from ovirtshell.wait import Waiter, follow_up, waiter_timeout

    rest, own = bulk.begin(shell, command)
    connection = shell.require_connection()
    name = resolve_type(shell, rest, "action")
    if len(rest.args) != 2:
        actions = ", ".join(connection.index.actions(name, parent_types(rest)))
        raise UsageError(f"usage: action {connection.index.plural(name)} --query QUERY <action>; {name} actions: {actions}")
    resource = connection.index.resource(name, parent_types(rest))
    method = connection.index.action_method(resource, rest.args[1])
    t = target(shell, rest, "action", action=method.name, nargs=1)
    model = connection.index.model
    body = encode(model, "action", resolve_references(shell, t, "action"), tag="action")
    wait = bool(t.request.shell.get("wait"))
    count = retries(t.request.shell)

    def apply(path: str, data: dict) -> str:
        xml = retrying(count, lambda: connection.client.post(f"{path}/{method.name.replace('_', '')}", body))
        if not wait:
            return f"{method.name} accepted"
        reply = decode_action(model, xml) if xml else {}
        settled = follow_up(shell, t, path, reply, f"{name} {data.get('name')}", Waiter(timeout=waiter_timeout(t.request.shell)))
        state = (settled or {}).get("status")
        return f"{method.name} done" + (f" ({state})" if isinstance(state, str) else "")

    plan = bulk.Plan(method.name, t, apply, destructive=method.name in bulk.DESTRUCTIVE_ACTIONS)
    return bulk.execute(shell, rest, plan, own)
