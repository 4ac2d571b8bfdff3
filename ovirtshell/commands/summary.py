"""summary: the engine's object counts (hosts, storage domains, users, VMs)."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, reject_arguments
from ovirtshell.language import Command
from ovirtshell.result import Result

SPEC = CommandSpec(
    name="summary",
    summary="show the engine's object counts",
    usage="summary",
    description="Shows how many hosts, storage domains, users and VMs the engine has, and how many are active.",
)


def run(shell, command: Command) -> Result:
    reject_arguments(command)
    from lxml import etree

    from ovirtshell.api.codec import decode, parse_document

    connection = shell.require_connection()
    xml = connection.client.api_root()
    root = parse_document(xml)
    element = root.find("summary")
    if element is None:
        return Result(message="the engine sent no summary (it does so for administrators only)")
    data = decode(connection.index.model, "api_summary", etree.tostring(element))
    return Result(data=data, kind="summary", xml=etree.tostring(element))
