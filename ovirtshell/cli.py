"""The outer command line: flags and environment -> Settings -> a mode; returns the exit status."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

import click

from ovirtshell import __version__
from ovirtshell.environment import Environment
from ovirtshell.status import ExitStatus, ShellError

_EPILOG = """\b
Environment: OVIRT_URL, OVIRT_USERNAME, OVIRT_PASSWORD, OVIRT_CAFILE (the names ovirt-sim
prints), OVIRT_PROFILE, NO_COLOR, PAGER. Configuration: ~/.ovirtshellrc and profiles.ini in
the config directory. Exit status: 0 OK, 1 SYNTAX_ERROR, 2 COMMAND_ERROR, 3 INTERRUPTED,
4 UNKNOWN_ERROR, 5 COMMUNICATION_ERROR, 6 AUTHENTICATION_ERROR, 10 REMOTE_ERROR,
11 NOT_FOUND, 12 TIMEOUT.
"""


@click.command(
    name="ovirt-shell",
    # Words after the first positional one belong to the command: `ovirt-shell show vm x --fields name`.
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100, "allow_interspersed_args": False},
    epilog=_EPILOG,
)
@click.option("-l", "--url", metavar="URL", help="API URL, https://ENGINE/ovirt-engine/api [OVIRT_URL]")
@click.option("-u", "--username", metavar="USER", help="user@profile, e.g. admin@internal [OVIRT_USERNAME]")
@click.option("--password-file", metavar="FILE", help="read the password from FILE [or OVIRT_PASSWORD]")
@click.option("-A", "--ca-file", metavar="FILE", help="the engine's CA certificate [OVIRT_CAFILE]")
@click.option("-I", "--insecure", is_flag=True, default=None, help="do not verify the engine's certificate")
@click.option("-K", "--key-file", metavar="FILE", help="client key (PEM)")
@click.option("-C", "--cert-file", metavar="FILE", help="client certificate (PEM)")
@click.option("-F", "--filter", "filter_", is_flag=True, default=None, help="send Filter: true (non-admin users)")
@click.option("-T", "--timeout", metavar="SECONDS", help="deadline of one request (connect+send+receive; default 60)")
@click.option("--max-response-size", metavar="SIZE", help="largest engine answer accepted, e.g. 1GiB (default 256MiB)")
@click.option("-P", "--port", metavar="PORT", help="the engine's port, when the URL names none")
@click.option("-D", "--dont-validate-cert-chain", "dont_validate", is_flag=True, default=None,
              help="the original's name for --insecure")
@click.option("-r", "--renew-session", is_flag=True, default=None,
              help="log in again when the session expires (always done; kept for the original's scripts)")
@click.option("-S", "--session-timeout", metavar="MINUTES", help="session time-to-live")
@click.option("-c", "--connect", "autoconnect", is_flag=True, default=None, help="connect at start-up (the default)")
@click.option("-f", "--file", "script", metavar="FILE", help="run the commands in FILE ('-' for stdin) and exit")
@click.option("-E", "--execute-command", "commands", metavar="CMDS", help="run ';'-separated commands and exit")
@click.option("-e", "--extended-prompt", is_flag=True, default=None, help="show the engine host in the prompt")
@click.option("-d", "--debug", is_flag=True, default=None, help="show HTTP exchanges (secrets masked) and tracebacks")
@click.option("--kerberos", is_flag=True, default=None, help="authenticate with Kerberos")
@click.option("-o", "--output", type=click.Choice(["text", "table", "json", "xml", "csv"]), help="output format")
@click.option("--profile", metavar="NAME", help="use a named connection profile [OVIRT_PROFILE]")
@click.option("--demo", is_flag=True, help="start a local simulated engine (ovirt-sim) and connect to it")
@click.option("--continue-on-error", is_flag=True, default=None, help="scripts go on after a failing command")
@click.option("--no-color", is_flag=True, help="never colour the output")
@click.version_option(__version__, "--version", prog_name="ovirt-shell", message="%(prog)s %(version)s")
@click.argument("command", nargs=-1)
@click.pass_context
def command_line(ctx: click.Context, **options: object) -> int:
    """A shell for oVirt engines: interactive, or one-shot with -E, -f or a command."""
    from ovirtshell.run import run

    return run(options, ctx.obj)


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    """Run the program; `env` replaces the real streams, terminal and directories (tests)."""
    # Start-up allocates hundreds of thousands of long-lived objects (modules, the model index);
    # the cyclic collector would rescan them many times. run() re-enables it once connected.
    gc.disable()
    args = list(argv) if argv is not None else sys.argv[1:]
    err = env.stderr if env else sys.stderr
    for position, arg in enumerate(args, 1):
        if not _is_text(arg):
            err.write(f"error: argument {position} is not valid UTF-8 text\n")
            return int(ExitStatus.SYNTAX_ERROR)
    try:
        status = command_line.main(args=args, standalone_mode=False, obj=env)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        from ovirtshell.output.escape import line

        err.write(f"error: {line(exc.format_message())} (see ovirt-shell --help)\n")
        return int(ExitStatus.SYNTAX_ERROR)
    except click.Abort:
        return int(ExitStatus.INTERRUPTED)
    except ShellError as exc:
        from ovirtshell.output.escape import line

        err.write(f"error: {line(str(exc))}\n")
        return int(exc.status)
    except KeyboardInterrupt:
        return int(ExitStatus.INTERRUPTED)
    except Exception as exc:  # a bug: one line, the traceback only with --debug
        if "-d" in args or "--debug" in args:
            import traceback

            traceback.print_exc(file=err)
        err.write(f"error: unexpected error: {type(exc).__name__}: {exc}\n")
        return int(ExitStatus.UNKNOWN_ERROR)
    finally:
        gc.enable()
    return int(status) if isinstance(status, int) else 0


def _is_text(arg: str) -> bool:
    """False for bytes that were not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
