"""The program: the outer flags (`outer.py`) and environment -> Settings -> a mode; returns the exit status."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ovirtshell import __version__
from ovirtshell.status import ExitStatus, ShellError

if TYPE_CHECKING:
    from ovirtshell.environment import Environment


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
        from ovirtshell import outer

        try:
            options = outer.parse(args)
        except outer.ArgumentError as exc:
            from ovirtshell.output.escape import line

            err.write(f"error: {line(str(exc))} (see ovirt-shell --help)\n")
            return int(ExitStatus.SYNTAX_ERROR)
        out = env.stdout if env else sys.stdout
        if options["help"]:
            out.write(outer.help_page())
            return int(ExitStatus.OK)
        if options["version"]:
            out.write(f"ovirt-shell {__version__}\n")
            return int(ExitStatus.OK)
        from ovirtshell.run import run

        status = run(options, env)
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
