"""From parsed outer options to a finished session: settings, the shell, the connection, the mode."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ovirtshell.config import load_settings, read_password_file, split_credentials, with_port
from ovirtshell.environment import Environment
from ovirtshell.status import ExitStatus, ShellError


def _flag_values(options: dict[str, Any]) -> dict[str, Any]:
    values = {
        "url": options.get("url"),
        "username": options.get("username"),
        "ca_file": options.get("ca_file"),
        "insecure": options.get("insecure"),
        "key_file": options.get("key_file"),
        "cert_file": options.get("cert_file"),
        "filter": options.get("filter_"),
        "timeout": options.get("timeout"),
        "max_response_size": options.get("max_response_size"),
        "renew_session": options.get("renew_session"),
        "session_timeout": options.get("session_timeout"),
        "autoconnect": options.get("autoconnect"),
        "extended_prompt": options.get("extended_prompt"),
        "debug": options.get("debug"),
        "kerberos": options.get("kerberos"),
        "output": options.get("output"),
        "continue_on_error": options.get("continue_on_error"),
    }
    if options.get("dont_validate"):
        values["insecure"] = True
    if options.get("no_color"):
        values["color"] = False
    if options.get("password_file"):
        values["password"] = read_password_file(options["password_file"])
    return values


class Hangup(BaseException):
    """SIGTERM or SIGHUP: unwind like an exit, so that every `finally` (the demo engine,
    console files, the session's logout) runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _signals_unwind() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `Hangup` in the main thread for the duration of the session."""
    def handler(signum: int, _frame: object) -> None:
        raise Hangup(signum)

    saved = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            saved[signum] = signal.signal(signum, handler)
        except ValueError:  # not the main thread (an embedding program): leave signals alone
            pass
    try:
        yield
    finally:
        for signum, previous in saved.items():
            signal.signal(signum, previous)


def _say(env: Environment, exc: ShellError, fmt: str | None) -> None:
    """A start-up error: one line, JSON when JSON output was asked for."""
    from ovirtshell.output.render import render_error
    from ovirtshell.shell import error_details

    render_error(exc.status, str(exc), "json" if fmt == "json" else "text", env.stderr, details=error_details(exc))


def run(options: dict[str, Any], env: Environment | None = None) -> int:
    env = env or Environment.from_system()
    try:
        with _signals_unwind():
            return _run(options, env)
    except Hangup as exc:
        return 128 + exc.signum
    except ShellError as exc:
        _say(env, exc, options.get("output"))
        return int(exc.status)
    except Exception as exc:  # a bug: one line; the traceback only with --debug
        if options.get("debug"):
            import traceback

            traceback.print_exc(file=env.stderr)
        env.stderr.write(f"error: unexpected error: {type(exc).__name__}: {exc}\n")
        return int(ExitStatus.UNKNOWN_ERROR)


def _run(options: dict[str, Any], env: Environment) -> int:
    def warn(text: str) -> None:
        env.stderr.write(text + "\n")

    settings = load_settings(
        env.home, env.config_dir, env.environ, _flag_values(options), options.get("profile"), warn
    )
    settings = with_port(settings, options.get("port"))
    if options.get("url") and split_credentials(str(options["url"]))[2] is not None:
        warn("warning: a password in --url is visible to other users of this machine: use --password-file or OVIRT_PASSWORD")

    demo = None
    try:
        if options.get("demo"):
            from ovirtshell.demo import DemoEngine, demo_settings

            demo = DemoEngine()
            settings = settings.merged(demo_settings(demo.start()))
        return _session(options, env, settings)
    finally:
        if demo is not None:
            demo.stop()


def _session(options: dict[str, Any], env: Environment, settings) -> int:

    commands = options.get("commands")
    if options.get("command"):
        if commands:
            env.stderr.write("error: give commands either with -E or as arguments, not both\n")
            return int(ExitStatus.SYNTAX_ERROR)
        import shlex

        commands = shlex.join(options["command"])
    script = options.get("script")
    interactive = commands is None and script is None and env.stdin_isatty

    from ovirtshell.shell import Shell

    ask = _password_prompt(env) if env.stdin_isatty else None
    shell = Shell(env, settings, interactive=interactive, ask_password=ask, confirm=_confirm_prompt(env) if interactive else None)
    try:
        if not _only_local(shell, commands):
            status = _connect_at_start(shell, interactive)
            if status is not None:
                return int(status)
        _collect_from_now_on()
        if commands is not None:
            from ovirtshell.modes import oneshot

            return int(oneshot.run(shell, commands))
        if script is not None or not env.stdin_isatty:
            from ovirtshell.modes import batch

            return int(batch.run_file(shell, script or "-"))
        from ovirtshell.modes import repl

        return int(repl.run(shell))
    except KeyboardInterrupt:
        env.stderr.write("interrupted\n")
        return int(ExitStatus.INTERRUPTED)
    finally:
        shell.close()


def _only_local(shell, commands: str | None) -> bool:
    """-E commands that never use the session (ca, echo, help…) do not connect first:
    `ca --url …` exists to fetch the CA that connecting needs."""
    if commands is None:
        return False
    from ovirtshell.language import script_commands

    try:
        verbs = [c.text.split(None, 1)[0] for c in script_commands(commands) if c.text.strip()]
    except ShellError:
        return False
    return bool(verbs) and all(verb in _SESSIONLESS for verb in verbs)


#: Commands that never use the session: a script made of these only does not connect.
_SESSIONLESS = frozenset({"ca", "echo", "exit", "clear"})


def _collect_from_now_on() -> None:
    """What start-up built lives as long as the process: keep it out of every collection."""
    import gc

    gc.freeze()
    gc.enable()


def _connect_at_start(shell, interactive: bool) -> ExitStatus | None:
    """Connect when a URL is known; a failure ends a script but leaves the REPL disconnected."""
    settings = shell.settings
    if not settings.url or not settings.autoconnect:
        return None
    if settings.insecure:
        shell.env.stderr.write("warning: TLS certificate verification is off (--insecure)\n")
    try:
        connection = shell.connect()
    except ShellError as exc:
        from ovirtshell.output.render import render_error
        from ovirtshell.shell import error_details

        render_error(exc.status, str(exc), settings.output, shell.env.stderr, details=error_details(exc))
        shell.last_status = exc.status
        return None if interactive else exc.status
    if interactive:
        from ovirtshell.output.escape import line

        shell.env.stdout.write(line(f"connected to {connection.product} {connection.version} at {connection.url}") + "\n")
    return None


def _password_prompt(env: Environment):
    def ask(prompt: str = "Password: ") -> str:
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            raise ShellError("no password given", ExitStatus.AUTHENTICATION_ERROR) from None

    return ask


def _confirm_prompt(env: Environment):
    def ask(question: str) -> bool:
        env.stdout.write(f"{question} [y/N] ")
        env.stdout.flush()
        answer = env.stdin.readline()
        return answer.strip().lower() in ("y", "yes")

    return ask
