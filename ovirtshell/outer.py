"""The outer command line: its options (one spec), the parser and the help page.

`OPTIONS` is the one description of `ovirt-shell`'s flags: `parse` reads argv with it, `help_page`
prints it, and `docgen` writes the man page and the completion scripts from it. Options come
before the first word of a command (`ovirt-shell show vm x --fields name`: `--fields` belongs to
the command); `--` ends them. Long options take `--name VALUE` or `--name=VALUE`, short ones
`-E VALUE` or `-EVALUE`, and short flags combine (`-dI`). An option given twice keeps its
last value. This is what click did for the shell, without its import cost on every start.
"""

from __future__ import annotations

import os
from typing import NamedTuple

DESCRIPTION = "A shell for oVirt engines: interactive, or one-shot with -E, -f or a command."

EPILOG = """\
Environment: OVIRT_URL, OVIRT_USERNAME, OVIRT_PASSWORD, OVIRT_CAFILE (the names ovirt-sim
prints), OVIRT_PROFILE, https_proxy, http_proxy, no_proxy, NO_COLOR, PAGER. Configuration:
~/.ovirtshellrc and profiles.ini in the config directory. Exit status: 0 OK, 1 SYNTAX_ERROR,
2 COMMAND_ERROR, 3 INTERRUPTED, 4 UNKNOWN_ERROR, 5 COMMUNICATION_ERROR,
6 AUTHENTICATION_ERROR, 10 REMOTE_ERROR, 11 NOT_FOUND, 12 TIMEOUT."""


class Option(NamedTuple):
    names: tuple[str, ...]
    dest: str  # the key in the parsed options
    metavar: str | None  # None: a flag (True when given, else `unset`)
    help: str
    choices: tuple[str, ...] = ()
    unset: bool | None = None  # a flag's value when not given (None: "not said", left to the config)


OPTIONS: tuple[Option, ...] = (
    Option(("-l", "--url"), "url", "URL", "API URL, https://ENGINE/ovirt-engine/api [OVIRT_URL]"),
    Option(("-u", "--username"), "username", "USER", "user@profile, e.g. admin@internal [OVIRT_USERNAME]"),
    Option(("--password-file",), "password_file", "FILE", "read the password from FILE [or OVIRT_PASSWORD]"),
    Option(("-A", "--ca-file"), "ca_file", "FILE", "the engine's CA certificate [OVIRT_CAFILE]"),
    Option(("-I", "--insecure"), "insecure", None, "do not verify the engine's certificate"),
    Option(("-K", "--key-file"), "key_file", "FILE", "client key (PEM)"),
    Option(("-C", "--cert-file"), "cert_file", "FILE", "client certificate (PEM)"),
    Option(("-F", "--filter"), "filter_", None, "send Filter: true (non-admin users)"),
    Option(("-T", "--timeout"), "timeout", "SECONDS", "deadline of one request (connect+send+receive; default 60)"),
    Option(("--max-response-size",), "max_response_size", "SIZE", "largest engine answer accepted, e.g. 1GiB (default 256MiB)"),
    Option(("-P", "--port"), "port", "PORT", "the engine's port, when the URL names none"),
    Option(("-D", "--dont-validate-cert-chain"), "dont_validate", None, "the original's name for --insecure"),
    Option(("-r", "--renew-session"), "renew_session", None,
           "log in again when the session expires (always done; kept for the original's scripts)"),
    Option(("-S", "--session-timeout"), "session_timeout", "MINUTES", "session time-to-live"),
    Option(("-c", "--connect"), "autoconnect", None, "connect at start-up (the default)"),
    Option(("-f", "--file"), "script", "FILE", "run the commands in FILE ('-' for stdin) and exit"),
    Option(("-E", "--execute-command"), "commands", "CMDS", "run ';'-separated commands and exit"),
    Option(("-e", "--extended-prompt"), "extended_prompt", None, "show the engine host in the prompt"),
    Option(("-d", "--debug"), "debug", None, "show HTTP exchanges (secrets masked) and tracebacks"),
    Option(("--kerberos",), "kerberos", None, "authenticate with Kerberos"),
    Option(("-o", "--output"), "output", "text|table|json|xml|csv", "output format",
           ("text", "table", "json", "xml", "csv")),
    Option(("--profile",), "profile", "NAME", "use a named connection profile [OVIRT_PROFILE]"),
    Option(("--demo",), "demo", None, "start a local simulated engine (ovirt-sim) and connect to it", unset=False),
    Option(("--continue-on-error",), "continue_on_error", None, "scripts go on after a failing command"),
    Option(("--no-color",), "no_color", None, "never colour the output", unset=False),
    Option(("--version",), "version", None, "Show the version and exit.", unset=False),
    Option(("-h", "--help"), "help", None, "Show this message and exit.", unset=False),
)

_BY_NAME = {name: option for option in OPTIONS for name in option.names}


class ArgumentError(Exception):
    """A command line the outer parser cannot read (a SYNTAX_ERROR)."""


def parse(args: list[str]) -> dict[str, object]:
    """The options by `dest` (every one present; unset ones as `Option.unset`) and `command`,
    the words after them (a tuple)."""
    values: dict[str, object] = {o.dest: o.unset for o in OPTIONS}
    rest = list(args)
    while rest:
        arg = rest[0]
        if arg == "--":
            rest.pop(0)
            break
        if not arg.startswith("-") or arg == "-":
            break
        rest.pop(0)
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            option = _option(name)
            if option.metavar is None:
                if eq:
                    raise ArgumentError(f"Option '{name}' does not take a value.")
                values[option.dest] = True
                continue
            values[option.dest] = _value(option, name, inline if eq else None, rest)
            continue
        for position in range(1, len(arg)):  # -dI, -Evalue, -E value
            name = "-" + arg[position]
            option = _option(name)
            if option.metavar is None:
                values[option.dest] = True
                continue
            inline = arg[position + 1 :]
            values[option.dest] = _value(option, name, inline or None, rest)
            break
    values["command"] = tuple(rest)
    return values


def _option(name: str) -> Option:
    option = _BY_NAME.get(name)
    if option is not None:
        return option
    message = f"No such option '{name}'."
    if name.startswith("--"):
        import difflib

        close = difflib.get_close_matches(name, [n for n in _BY_NAME if n.startswith("--")])
        if len(close) == 1:
            message += f" (Did you mean '{close[0]}'?)"
        elif close:
            message += " (Did you mean one of: " + ", ".join(f"'{c}'" for c in sorted(close)) + "?)"
    raise ArgumentError(message)


def _value(option: Option, name: str, inline: str | None, rest: list[str]) -> str:
    if inline is None:
        if not rest:
            raise ArgumentError(f"Option '{name}' requires an argument.")
        inline = rest.pop(0)
    if option.choices and inline not in option.choices:
        spelled = " / ".join(f"'{n}'" for n in option.names)
        allowed = ", ".join(f"'{c}'" for c in option.choices)
        raise ArgumentError(f"Invalid value for {spelled}: {inline!r} is not one of {allowed}.")
    return inline


def _invocation(option: Option) -> str:
    names = ", ".join(option.names)
    if option.metavar is None:
        return names
    return f"{names} [{option.metavar}]" if option.choices else f"{names} {option.metavar}"


def help_page(width: int | None = None) -> str:
    """`--help`: usage, description, the options in two columns, then the epilog."""
    import textwrap

    if width is None:
        try:
            columns = os.get_terminal_size().columns
        except OSError:
            columns = 80
        width = max(min(columns, 100) - 2, 50)
    lines = ["Usage: ovirt-shell [OPTIONS] [COMMAND]...", ""]
    lines += textwrap.wrap(DESCRIPTION, width, initial_indent="  ", subsequent_indent="  ")
    lines += ["", "Options:"]
    terms = [(_invocation(o), o.help) for o in OPTIONS]
    first = min(max(len(term) for term, _ in terms), 30) + 2
    text_width = max(width - first - 2, 10)
    for term, text in terms:
        wrapped = textwrap.wrap(text, text_width) or [""]
        if len(term) <= first - 2:
            lines.append(f"  {term:<{first}}{wrapped[0]}")
        else:
            lines.append(f"  {term}")
            lines.append(" " * (first + 2) + wrapped[0])
        lines += [" " * (first + 2) + more for more in wrapped[1:]]
    lines.append("")
    lines += ["  " + line for line in EPILOG.splitlines()]
    return "\n".join(lines) + "\n"
