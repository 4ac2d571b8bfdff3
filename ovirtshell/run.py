"""From parsed outer options to a finished session: settings, the shell, the connection, the mode."""

from __future__ import annotations

import shlex
from typing import Any

from ovirtshell.config import load_settings, read_password_file
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
        "session_timeout": options.get("session_timeout"),
        "autoconnect": options.get("autoconnect"),
        "extended_prompt": options.get("extended_prompt"),
        "debug": options.get("debug"),
        "kerberos": options.get("kerberos"),
        "output": options.get("output"),
        "continue_on_error": options.get("continue_on_error"),
    }
    if options.get("no_color"):
        values["color"] = False
    if options.get("password_file"):
        values["password"] = read_password_file(options["password_file"])
    return values


def run(options: dict[str, Any], env: Environment | None = None) -> int:
    env = env or Environment.from_system()
    try:
        settings = load_settings(env.home, env.config_dir, env.environ, _flag_values(options), options.get("profile"))
    except ShellError as exc:
        env.stderr.write(f"error: {exc}\n")
        return int(exc.status)

    demo = None
    if options.get("demo"):
        from ovirtshell.demo import DemoEngine, demo_settings

        demo = DemoEngine()
        try:
            settings = settings.merged(demo_settings(demo.start()))
        except ShellError as exc:
            env.stderr.write(f"error: {exc}\n")
            return int(exc.status)

    commands = options.get("commands")
    if options.get("command"):
        if commands:
            env.stderr.write("error: give commands either with -E or as arguments, not both\n")
            return int(ExitStatus.SYNTAX_ERROR)
        commands = shlex.join(options["command"])
    script = options.get("script")
    interactive = commands is None and script is None and env.stdin_isatty

    from ovirtshell.shell import Shell

    ask = _password_prompt(env) if env.stdin_isatty else None
    shell = Shell(env, settings, interactive=interactive, ask_password=ask, confirm=_confirm_prompt(env) if interactive else None)
    try:
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
        if demo is not None:
            demo.stop()


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
        shell.env.stderr.write(f"error: {exc}\n")
        shell.last_status = exc.status
        return None if interactive else exc.status
    if interactive:
        shell.env.stdout.write(f"connected to {connection.product} {connection.version} at {connection.url}\n")
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
