"""The execution core shared by the REPL, -E, -f and stdin: one line in, one Result out.

Nothing here imports prompt_toolkit; the REPL is a front-end that calls `Shell.execute`.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import TextIO

from ovirtshell.commands import Registry
from ovirtshell.config import Settings
from ovirtshell.connection import Connection, open_connection
from ovirtshell.environment import Environment
from ovirtshell.language import Command, parse
from ovirtshell.result import Result
from ovirtshell.status import CommandError, ExitStatus, ShellError, UsageError


class Shell:
    def __init__(
        self,
        env: Environment,
        settings: Settings,
        *,
        interactive: bool = False,
        ask_password: Callable[[str], str] | None = None,  # given the prompt
        confirm: Callable[[str], bool] | None = None,
    ):
        self.env = env
        self.settings = settings
        self.interactive = interactive
        self.ask_password = ask_password
        self.ask_confirm = confirm
        self.registry = Registry()
        self.connection: Connection | None = None
        self.last_status: ExitStatus | None = None
        self.exiting = False
        self.history: list[str] = []  # lines of this session, filled by the REPL
        self.last_shell_output = ""  # what the last `!` printed, for `echo $out`
        self.listeners: list[Callable[[str], None]] = []  # told the type name after own create/delete
        self.current_format: str | None = None  # the running command's -o, when it gave one
        self.current_fields: tuple[str, ...] | None = None  # and its --fields

    # -- connection -------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.connection is not None

    def connect(self, settings: Settings | None = None) -> Connection:
        if settings is not None:
            self.settings = settings
        if self.connection is not None:
            raise CommandError("already connected: use disconnect first")
        self.connection = open_connection(
            self.settings,
            self.env.cache_dir,
            debug=self.debug_line if self.settings.debug else None,
            ask_password=self.ask_password,
        )
        return self.connection

    def disconnect(self, *, keep_session: bool = False) -> None:
        """Log out (the token is revoked and its saved copy removed); with `keep_session`, on
        leaving, a saved login is kept for the next run instead."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            if keep_session and connection.session_file is not None and connection.client.token:
                return
            if connection.session_file is not None:
                from ovirtshell.api.tokencache import forget

                forget(connection.session_file)
            connection.client.logout()
        finally:
            connection.client.close()

    def require_connection(self) -> Connection:
        if self.connection is None:
            raise CommandError("not connected: use connect, or give --url (see help connect)")
        return self.connection

    def changed(self, type_name: str) -> None:
        """Own create/delete: tell listeners (the completion name cache) to refresh that type."""
        for listener in self.listeners:
            listener(type_name)

    # -- execution --------------------------------------------------------------------------

    def flags_for(self, verb: str) -> frozenset[str]:
        """Options of a verb that never take a value (so `delete vm --yes web1` parses)."""
        module = self.registry.get(verb)
        common = frozenset({"help"})
        return common | module.SPEC.flags if module else common

    def execute(self, text: str, *, where: tuple[str, int] | None = None) -> Result:
        """Parse, run and render one command line; remember its status.

        `where` is the (file, line) of a script's command: its errors name it.
        """
        command: Command | None = None
        fmt: str | None = None
        try:
            check_input(text)
            verb = text.strip().split(None, 1)[0] if text.strip() else ""
            command = parse(text, flags=self.flags_for(verb))
            if command is None:
                return Result()
            command, fmt, fields = _render_options(command)
            self.current_format, self.current_fields = fmt, fields
            if fields:
                check_fields(self, command, fields)
            result = self.run(command)
            result.format = fmt
            result.fields = fields or result.fields
            if fields and result.data is not None:
                check_fields_in(result.data, fields, command)
        except KeyboardInterrupt:
            result = Result(ExitStatus.INTERRUPTED, error="interrupted")
        except ShellError as exc:
            result = Result(exc.status, error=str(exc), format=fmt, details=error_details(exc))
        except RecursionError:
            result = Result(ExitStatus.SYNTAX_ERROR, error="the command is nested too deeply", format=fmt)
        except Exception as exc:  # a bug: short message, traceback with --debug
            if self.settings.debug:
                import traceback

                traceback.print_exc(file=self.env.stderr)
            result = Result(ExitStatus.UNKNOWN_ERROR, error=f"unexpected error: {type(exc).__name__}: {exc}", format=fmt)
        if where is not None and result.error:
            result.error = f"{where[0]}:{where[1]}: {result.error}"
            result.details = {**(result.details or {}), "file": where[0], "line": where[1]}
        shown = result.data
        try:
            self.emit(result, command)
        except BrokenPipeError:  # `ovirt-shell -E … | head`: the reader has all it wants
            self._reader_gone()
        except KeyboardInterrupt:
            result = Result(ExitStatus.INTERRUPTED, error="interrupted")
            self.emit(result, None)
        except ShellError as exc:
            result = Result(exc.status, error=str(exc), format=fmt)
            self.emit(result, None)
        except OSError as exc:  # stdout on a full disk, a closed terminal: nothing more can be shown
            result = Result(ExitStatus.COMMAND_ERROR, error=f"cannot write the output: {exc.strerror or exc}")
            self._output_lost(result)
        _release(shown)
        self.last_status = result.status
        return result

    def run(self, command: Command) -> Result:
        module = self.registry.get(command.verb)
        if module is None:
            raise UsageError(self._unknown_command(command.verb))
        if any(name == "help" for name, _ in command.options) and command.verb != "help":
            helper = self.registry.get("help")
            args = (command.verb, *command.args)
            options = tuple(o for o in command.options if o[0] == "all" or o[0].startswith("parent-") or o[0].endswith("-identifier"))
            return helper.run(self, Command("help", args, options, text=command.text))
        offline = module.SPEC.offline or getattr(module, "offline_for", lambda _: False)(command)
        if not offline and not self.connected:
            raise CommandError(f'"{command.verb}" needs a connection: use connect first (see help connect)')
        return module.run(self, command)

    def _unknown_command(self, verb: str) -> str:
        import difflib

        if verb in RETIRED:
            return RETIRED[verb]
        close = difflib.get_close_matches(verb, self.registry.words(), n=1)
        hint = f" (did you mean {close[0]}?)" if close else " (see help)"
        return f"unknown command {verb!r}{hint}"

    # -- output -----------------------------------------------------------------------------

    def color(self) -> bool:
        if self.settings.color is not None:
            return self.settings.color and "NO_COLOR" not in self.env.environ
        return self.env.color_allowed

    def emit(self, result: Result, command: Command | None) -> None:
        """Render a result to stdout, a pipe or a file; errors always go to stderr."""
        from ovirtshell.output.render import render, render_error

        fmt = result.format or self.settings.output
        if result.error:
            render_error(
                result.status, result.error, fmt, self.env.stderr, color=self.color(), details=result.details
            )
        if result.data is None and result.message is None:
            return
        pipe = command.pipe if command else None
        redirect = command.redirect if command else None
        if fmt in ("text", "table") and result.data is not None:
            result = _for_people(result, self.env, on_terminal=pipe is None and redirect is None)
        if pipe is None and redirect is None:
            if self.interactive and self.settings.pager and self.env.stdout_isatty:
                buffer = io.StringIO()
                render(result, fmt, buffer, color=self.color(), width=self.env.terminal_size()[0])
                self._page(buffer.getvalue())
            else:
                render(result, fmt, self.env.stdout, color=self.color())
            self.env.stdout.flush()
            streamed = getattr(result.data, "map", None) is not None
            if streamed and fmt in ("text", "table") and result.data.count == 0 and self.env.stdout_isatty:
                _say_empty(result, self.env)  # a stream is known to be empty once it is read
            return
        if redirect is not None:
            self._write_file(redirect, lambda handle: render(result, fmt, handle, color=False))
            return
        buffer = io.StringIO()
        render(result, fmt, buffer, color=False)
        self._pipe(pipe, buffer.getvalue())

    def _reader_gone(self) -> None:
        """Stop quietly: nothing more can be written, and Python's final flush must not fail."""
        self.exiting = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.env.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass

    def _output_lost(self, result: Result) -> None:
        """stdout failed (ENOSPC, EIO): say so once on stderr, stop, and keep the exit quiet."""
        from ovirtshell.output.render import render_error

        self.exiting = True
        try:
            render_error(result.status, result.error or "", self.settings.output, self.env.stderr)
            self.env.stderr.flush()
        except (OSError, ValueError):
            pass
        self._reader_gone()

    def _page(self, text: str) -> None:
        from ovirtshell.output.pager import page

        height = self.env.terminal_size()[1]
        page(text, self.env.environ.get("PAGER"), self.env.stdout, height, self.env.stdout_isatty)

    def _write_file(self, redirect: tuple[str, str], write: Callable[[TextIO], None]) -> None:
        """Render straight into the file: a streamed listing is never held as text."""
        mode, path = redirect
        try:
            with open(path, "a" if mode == ">>" else "w", encoding="utf-8") as handle:
                write(handle)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None

    def _pipe(self, pipeline: str, text: str) -> None:
        """Feed the rendered output to `/bin/sh -c pipeline`; a failing pipeline is COMMAND_ERROR."""
        import subprocess

        proc = subprocess.run(
            ["/bin/sh", "-c", pipeline],
            input=text,
            capture_output=True,
            text=True,
        )
        self.env.stdout.write(proc.stdout)
        self.env.stdout.flush()
        if proc.returncode != 0:
            detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
            raise CommandError(
                f"pipeline {pipeline.strip()!r} exited with status {proc.returncode}" + (f": {detail}" if detail else "")
            )

    def debug_line(self, line: str) -> None:
        self.env.stderr.write(f"debug: {line}\n")

    def close(self) -> None:
        """Leave: log out unless the login is kept for the next run; never raises at exit."""
        try:
            self.disconnect(keep_session=True)
        except Exception as exc:  # noqa: BLE001 - leaving must not fail
            if self.settings.debug:
                print(f"debug: logout failed: {exc}", file=sys.stderr)


#: Commands of the original shell with no API v4 counterpart: where to look instead.
RETIRED = {
    "capabilities": "capabilities belonged to API v3; in v4 each cluster compatibility level lists "
    "its CPU types and permits: list clusterlevels, then show clusterlevel 4.7",
}


def check_input(text: str) -> None:
    """Characters no engine request can carry are a SYNTAX_ERROR before anything is sent.

    `echo` and `!` are exempt: they send nothing (their output is escaped on the way out).
    """
    from ovirtshell.output.escape import has_control

    bad = has_control(text)
    if bad is None:
        return
    first = text.lstrip().split(None, 1)[0] if text.strip() else ""
    if first in ("echo", "shell") or first.startswith("!"):
        if 0xD800 <= ord(bad) <= 0xDFFF:
            raise UsageError("the line is not valid UTF-8 text")
        return
    if 0xD800 <= ord(bad) <= 0xDFFF:
        raise UsageError("the line is not valid UTF-8 text")
    raise UsageError(f"control character U+{ord(bad):04X} in the command: values cannot carry control characters")


def error_details(exc: ShellError) -> dict[str, object] | None:
    """An error's own fields for JSON: the engine fault's HTTP status, reason and detail."""
    from ovirtshell.api.errors import NotFoundError, RemoteError

    if isinstance(exc, RemoteError):
        return {"http_status": exc.http_status, "reason": exc.reason, "detail": exc.detail}
    if isinstance(exc, NotFoundError):
        return {"http_status": exc.http_status}
    return None


_TYPED_VERBS = frozenset({"list", "show", "create", "update", "add"})


def check_fields(shell: Shell, command: Command, fields: tuple[str, ...]) -> None:
    """--fields of list/show/create/update checked against the type in the model."""
    from ovirtshell.output.paths import split_path

    if command.verb not in _TYPED_VERBS or not command.args or shell.connection is None:
        return
    index = shell.connection.index
    name = index.resolve(command.args[0])
    resources = index.resources(name) if name else []
    item_type = resources[0].item_type if resources else None
    model = index.model
    if item_type not in model.types:
        return
    for field in fields:
        parts = split_path(field)
        ends = [i for i, part in enumerate(parts) if part in ("id", "href")]  # any reference's
        if model.path_type(item_type, parts[: ends[0]] if ends else parts) is None:
            known = [m.name for m in (*model.types[item_type].attributes, *model.types[item_type].links)]
            raise UsageError(_unknown_field(field, name, known))


def check_fields_in(data: object, fields: tuple[str, ...], command: Command) -> None:
    """--fields of other commands: a field no element of the result has is an error."""
    from ovirtshell.output.paths import lookup, split_path

    if command.verb in _TYPED_VERBS:
        return
    items = data if isinstance(data, list) else [data]
    dicts = [item for item in items if isinstance(item, dict)]
    if not dicts:
        return
    for field in fields:
        parts = split_path(field)
        if all(lookup(item, parts) is None for item in dicts):
            known = sorted({key for item in dicts for key in item})
            raise UsageError(_unknown_field(field, command.verb, known))


def _unknown_field(field: str, what: str | None, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(field.split("-")[0].split(".")[0], known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown field {field!r} for {what}{hint}"


def _release(data: object) -> None:
    """Close a streamed listing the output did not read to its end (the engine's answer)."""
    close = getattr(data, "close", None)
    if close is not None:
        close()


def _render_options(command: Command) -> tuple[Command, str | None, tuple[str, ...] | None]:
    """`-o FORMAT`, `--output FORMAT` and `--fields F,G` on any command: how to show its result."""
    from dataclasses import replace

    from ovirtshell.config import OUTPUT_FORMATS

    fmt = None
    args = list(command.args)
    for i, word in enumerate(args):
        if word == "-o" and i + 1 < len(args):
            fmt = args[i + 1]
            del args[i : i + 2]
            break
    options = []
    fields = None
    for name, value in command.options:
        if name == "output":
            fmt = value
        elif name == "fields" and command.verb != "help":
            if not value:
                raise UsageError("--fields needs a comma-separated list of fields, e.g. --fields name,status")
            fields = tuple(f.strip() for f in value.split(",") if f.strip())
        else:
            options.append((name, value))
    if fmt is not None and fmt not in OUTPUT_FORMATS:
        raise UsageError(f"invalid output format {fmt!r}: expected one of {', '.join(OUTPUT_FORMATS)}")
    if fmt is None and fields is None:
        return command, None, None
    return replace(command, args=tuple(args), options=tuple(options)), fmt, fields


def _for_people(result: Result, env: Environment, *, on_terminal: bool) -> Result:
    """Byte sizes with units; an empty listing on a terminal says so (on stderr)."""
    from dataclasses import replace

    from ovirtshell.readable import with_units

    if result.data == [] and on_terminal and env.stdout_isatty:
        _say_empty(result, env)
    shape = getattr(result.data, "map", None)
    if shape is not None:  # a stream: each object as it comes
        shape(with_units)
        return result
    return replace(result, data=with_units(result.data))


def _say_empty(result: Result, env: Environment) -> None:
    env.stderr.write(f"no {result.kind or ''} objects found\n".replace("  ", " "))
    env.stderr.flush()
