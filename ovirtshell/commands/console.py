"""console: open a running VM's graphical console in remote-viewer (or another viewer).

The engine writes the connection file itself (`remoteviewerconnectionfile`: host, ports, a
one-time ticket, the CA), so the shell only fetches it, keeps it in a private temporary file
while the viewer runs, and removes it afterwards: the ticket never lands anywhere else.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import threading

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.completer.engine import STATES
from ovirtshell.language import Command
from ovirtshell.locate import find
from ovirtshell.result import Result
from ovirtshell.status import CommandError, UsageError

DEFAULT_VIEWER = "remote-viewer"
PROTOCOLS = ("spice", "vnc")
#: VM states in which the engine hands out a console (the original shell's list, plus paused).
RUNNING = STATES["running"]

SPEC = CommandSpec(
    name="console",
    summary="open a VM's graphical console",
    usage="console <vm> [--protocol spice|vnc] [--viewer CMD] [--detach]",
    description=(
        "Opens the graphical console of a running VM: the engine's connection file (with a "
        "one-time ticket) is written to a private temporary file and given to remote-viewer "
        "(from virt-viewer), or to the command of --viewer or set viewer. The shell waits for "
        "the viewer to close, then removes the file; with --detach it returns at once and the "
        "file is removed when the viewer exits. SPICE is preferred when the VM has both."
    ),
    options=(
        OptionDoc("protocol", "the console protocol", "PROTOCOL", values=PROTOCOLS),
        OptionDoc("viewer", "the viewer command, given the file's name (default remote-viewer)", "CMD"),
        OptionDoc("detach", "return at once, leaving the viewer running"),
    ),
    examples=("console web1", "console web1 --protocol vnc", "console web1 --detach", "console web1 --viewer 'remote-viewer -f'"),
)


def _options(command: Command) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name, value in command.options:
        if name not in ("protocol", "viewer", "detach"):
            raise UsageError(f"unknown option --{name} for console (see help console)")
        if name != "detach" and not value:
            raise UsageError(f"--{name} needs a value")
        found[name] = value
    protocol = found.get("protocol")
    if protocol is not None and protocol not in PROTOCOLS:
        raise UsageError(f"unknown console protocol {protocol!r}: expected spice or vnc")
    return found


def _viewer_argv(shell, given: str | None) -> list[str]:
    line = given or shell.settings.viewer or DEFAULT_VIEWER
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read the viewer command {line!r}: {exc}") from None
    if not argv:
        raise UsageError("the viewer command is empty")
    if shutil.which(argv[0]) is None:
        if argv[0] == DEFAULT_VIEWER:
            raise CommandError("remote-viewer not found: install virt-viewer, or use --viewer CMD")
        raise CommandError(f"viewer {argv[0]!r} not found")
    return argv


def _console(shell, vm_path: str, vm_name: str, protocol: str | None) -> tuple[str, str]:
    """(console id, protocol) of the VM's console to open."""
    from ovirtshell.api.codec import decode_list

    connection = shell.require_connection()
    index = connection.index
    resource = index.resource("graphicsconsole", ["vm"])
    xml = connection.client.get(f"{vm_path}/graphicsconsoles", {"current": "true"})
    consoles = decode_list(index.model, resource.item_type, xml) if xml else []
    by_protocol = {c.get("protocol"): c for c in consoles if c.get("id")}
    if not by_protocol:
        raise CommandError(f"vm {vm_name} has no graphics console")
    wanted = [protocol] if protocol else [p for p in PROTOCOLS if p in by_protocol] or list(by_protocol)
    for name in wanted:
        if name in by_protocol:
            return str(by_protocol[name]["id"]), str(name)
    raise CommandError(f"vm {vm_name} has no {protocol} console (it has {', '.join(map(str, by_protocol))})")


def _connection_file(shell, vm_path: str, console_id: str, vm_name: str) -> str:
    from lxml import etree

    connection = shell.require_connection()
    path = f"{vm_path}/graphicsconsoles/{console_id}/remoteviewerconnectionfile"
    xml = connection.client.post(path, b"<action/>")
    if not xml or not xml.strip():  # 204: the engine has no console to give (VM not running)
        raise CommandError(f"vm {vm_name} is not running: start it first (action vm {vm_name} start)")
    text = etree.fromstring(xml).findtext("remote_viewer_connection_file")
    if not text:
        raise CommandError(f"the engine sent no console connection file for vm {vm_name}")
    return text


def _private_file(content: str) -> str:
    fd, path = tempfile.mkstemp(prefix="ovirt-console-", suffix=".vv")  # created 0600
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
    except BaseException:
        _remove(path)
        raise
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass  # remote-viewer removes it itself (delete-this-file=1)


def run(shell, command: Command) -> Result:
    options = _options(command)
    if len(command.args) != 1:
        raise UsageError("console takes one VM: console <vm> (see help console)")
    connection = shell.require_connection()
    vm = connection.index.resource("vm")
    found = find(shell, vm, f"/{vm.segment}", command.args[0])
    name = str(found.data.get("name") or command.args[0])
    status = found.data.get("status")
    if status is not None and status not in RUNNING:
        raise CommandError(f"vm {name} is {status}: a console needs a running VM (action vm {name} start)")
    argv = _viewer_argv(shell, options.get("viewer"))  # only once the VM can have a console
    console_id, protocol = _console(shell, found.path, name, options.get("protocol"))
    path = _private_file(_connection_file(shell, found.path, console_id, name))
    quiet = None if shell.settings.debug else subprocess.DEVNULL
    try:
        process = subprocess.Popen([*argv, path], stdin=subprocess.DEVNULL, stdout=quiet, stderr=quiet,
                                   start_new_session="detach" in options)
    except OSError as exc:
        _remove(path)
        raise CommandError(f"cannot start {argv[0]}: {exc.strerror}") from None
    if "detach" in options:
        threading.Thread(target=lambda: (process.wait(), _remove(path)), daemon=True).start()
        return Result(message=f"console of vm {name} ({protocol}) opened in {argv[0]}")
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        raise
    finally:
        _remove(path)
    if code != 0:
        raise CommandError(f"{argv[0]} exited with status {code}")
    return Result(message=f"console of vm {name} ({protocol}) closed")
