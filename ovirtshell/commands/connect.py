"""connect: open a session with an engine (SSO login, version, API model)."""

from __future__ import annotations

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.config import profile_values, read_password_file
from ovirtshell.language import Command
from ovirtshell.result import Result
from ovirtshell.status import UsageError

SPEC = CommandSpec(
    name="connect",
    summary="connect to an engine",
    usage="connect [--url URL] [--username USER] [--password-file FILE] [--ca-file FILE] [--insecure] "
    "[--cert-file FILE] [--key-file FILE] [--filter] [--timeout SECONDS] [--session-timeout MINUTES] "
    "[--kerberos] [--profile NAME]",
    description=(
        "Logs in to an engine and loads its API model (from the cache when the engine's version "
        "is known). Options given here override the configuration, the environment and the "
        "command-line flags. The password is asked for on a terminal, or read from --password-file "
        "or OVIRT_PASSWORD; it is never accepted as an option, so it cannot leak into history or "
        "the process list. connect lines are never recorded in the history."
    ),
    options=(
        OptionDoc("url", "the API URL, https://ENGINE/ovirt-engine/api", "URL"),
        OptionDoc("username", "user@profile, e.g. admin@internal", "USER"),
        OptionDoc("user", "same as --username", "USER"),
        OptionDoc("password-file", "read the password from the first line of FILE", "FILE"),
        OptionDoc("ca-file", "the engine's CA certificate (PEM)", "FILE"),
        OptionDoc("insecure", "do not verify the engine's certificate (warns)"),
        OptionDoc("cert-file", "client certificate (PEM)", "FILE"),
        OptionDoc("key-file", "client key (PEM)", "FILE"),
        OptionDoc("filter", "send Filter: true (for non-admin users)"),
        OptionDoc("timeout", "request timeout in seconds", "SECONDS"),
        OptionDoc("session-timeout", "session time-to-live in minutes", "MINUTES"),
        OptionDoc("kerberos", "authenticate with Kerberos"),
        OptionDoc("profile", "take the connection settings from a named profile", "NAME"),
    ),
    examples=(
        "connect --url https://engine.example.com/ovirt-engine/api --username admin@internal --ca-file ca.pem",
        "connect --profile production",
    ),
    offline=True,
    local=True,
)

_SETTING = {
    "url": "url",
    "username": "username",
    "user": "username",
    "ca-file": "ca_file",
    "insecure": "insecure",
    "cert-file": "cert_file",
    "key-file": "key_file",
    "filter": "filter",
    "timeout": "timeout",
    "session-timeout": "session_timeout",
    "kerberos": "kerberos",
}
_FLAGS = {"insecure", "filter", "kerberos"}


def run(shell, command: Command) -> Result:
    if command.args:
        raise UsageError("connect takes options only, e.g. connect --url URL --username USER (see help connect)")
    values: dict[str, object] = {}
    settings = shell.settings
    for name, value in command.options:
        if name == "password":
            raise UsageError("connect does not take a password on the command line: use --password-file, OVIRT_PASSWORD, or answer the prompt")
        if name == "profile":
            if not value:
                raise UsageError("--profile needs a name")
            settings = settings.merged(profile_values(shell.env.config_dir, value))
            continue
        if name == "password-file":
            if not value:
                raise UsageError("--password-file needs a file name")
            values["password"] = read_password_file(value)
            continue
        setting = _SETTING.get(name)
        if setting is None:
            import difflib

            close = difflib.get_close_matches(name, [*_SETTING, "password-file", "profile"], n=1)
            raise UsageError(f"unknown option --{name} for connect" + (f" (did you mean --{close[0]}?)" if close else ""))
        if value is None and name not in _FLAGS:
            raise UsageError(f"--{name} needs a value")
        values[setting] = True if value is None else value
    settings = settings.merged(values)
    current = shell.connection
    if current is not None and _same_engine(settings.url, current.url) and settings.username == shell.settings.username:
        return Result(message=f"already connected to {current.product} {current.version} at {current.url}")
    if settings.insecure:
        shell.env.stderr.write("warning: TLS certificate verification is off (--insecure)\n")
    connection = shell.connect(settings)
    return Result(message=f"connected to {connection.product} {connection.version} at {connection.url}")


def _same_engine(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.rstrip("/").lower() == b.rstrip("/").lower()
