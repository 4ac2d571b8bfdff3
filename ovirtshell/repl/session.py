"""Interactive session (placeholder loop until the prompt_toolkit session lands)."""

from __future__ import annotations

from ovirtshell.status import ExitStatus


def run_session(shell) -> ExitStatus:
    from ovirtshell.modes.repl import prompt_text

    while not shell.exiting:
        try:
            shell.env.stdout.write(prompt_text(shell))
            shell.env.stdout.flush()
            line = shell.env.stdin.readline()
        except KeyboardInterrupt:
            shell.env.stdout.write("\n")
            continue
        if not line:
            break
        shell.execute(line)
    return shell.last_status or ExitStatus.OK
