"""console: open a running VM's graphical console in remote-viewer (or another viewer).

The engine writes the connection file itself (`remoteviewerconnectionfile`: host, ports, a
one-time ticket, the CA), so the shell only fetches it and hands it to the viewer in a private
temporary file (0600, in a 0700 directory). The file is removed as soon as the viewer has read
it (remote-viewer deletes it itself, `delete-this-file=1`; for other viewers the file's access
time tells), when the viewer exits, after `HANDOVER_TIMEOUT`, and at the latest when the shell
ends, however it ends; a directory left by a killed shell is swept by the next console command.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import tempfile
import time

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
#: How long the viewer has to read its file before the shell removes it anyway (seconds).
HANDOVER_TIMEOUT = 20.0
_PREFIX = "ovirt-console-"
_LIVE: set[str] = set()  # files not yet removed, for the exit handler

SPEC = CommandSpec(
    name="console",
    summary="open a VM's graphical console",
    usage="console <vm> [--protocol spice|vnc] [--viewer CMD] [--detach]",
    description=(
        "Opens the graphical console of a running VM: the engine's connection file (with a "
        "one-time ticket) is written to a private temporary file and given to remote-viewer "
        "(from virt-viewer), or to the command of --viewer or set viewer. The shell waits for "
        "the viewer to close; with --detach it returns once the viewer has read the file. The "
        "file is removed as soon as the viewer has read it, and never outlives the shell. "
        "SPICE is preferred when the VM has both."
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
    from ovirtshell.api.codec import parse_document
    from ovirtshell.locate import segment

    connection = shell.require_connection()
    path = f"{vm_path}/graphicsconsoles/{segment(console_id)}/remoteviewerconnectionfile"
    xml = connection.client.post(path, b"<action/>")
    if not xml or not xml.strip():  # 204: the engine has no console to give (VM not running)
        raise CommandError(f"vm {vm_name} is not running: start it first (action vm {vm_name} start)")
    text = parse_document(xml).findtext("remote_viewer_connection_file")
    if not text:
        raise CommandError(f"the engine sent no console connection file for vm {vm_name}")
    return text


def _private_file(content: str) -> str:
    _sweep()
    folder = tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-")  # created 0700
    path = os.path.join(folder, "console.vv")
    if not _LIVE:
        atexit.register(_remove_all)
    _LIVE.add(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
    except BaseException:
        _remove(path)
        raise
    return path


def _remove(path: str) -> None:
    _LIVE.discard(path)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass  # remote-viewer removes it itself (delete-this-file=1)
    try:
        os.rmdir(os.path.dirname(path))
    except OSError:
        pass


def _remove_all() -> None:
    for path in list(_LIVE):
        _remove(path)


def _sweep() -> None:
    """Directories of console files left by shells that were killed (their process is gone)."""
    base = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(base) if n.startswith(_PREFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(_PREFIX):].split("-", 1)[0]
        folder = os.path.join(base, name)
        try:
            if not pid.isdigit() or os.stat(folder).st_uid != os.getuid() or _alive(int(pid)):
                continue
        except OSError:
            continue
        _remove(os.path.join(folder, "console.vv"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_by_viewer(path: str) -> bool:
    """The file is gone (the viewer deleted it) or was read (its access time moved past its
    modification time, which every Linux mount but noatime records)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return True
    return info.st_atime_ns > info.st_mtime_ns


def _hand_over(process: subprocess.Popen, path: str, timeout: float = HANDOVER_TIMEOUT) -> None:
    """Wait until the viewer has read its file (or exited, or the time is up), then remove it."""
    give_up = time.monotonic() + timeout
    try:
        while process.poll() is None and not _read_by_viewer(path) and time.monotonic() < give_up:
            time.sleep(0.02)
    finally:
        _remove(path)


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
        try:
            _hand_over(process, path)
        except KeyboardInterrupt:
            process.terminate()
            raise
        if process.poll() not in (None, 0):
            raise CommandError(f"{argv[0]} exited with status {process.returncode}")
        return Result(message=f"console of vm {name} ({protocol}) opened in {argv[0]}")
    try:
        _hand_over(process, path)
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
