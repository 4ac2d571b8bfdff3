"""Generate the man pages, completion scripts and command reference from the specs.

Nothing here describes a command by hand: the command specs (``commands/*.SPEC``), the outer
options (``outer.OPTIONS``), ``status.status_table()`` and the simulator's argparse parser
are the sources, so the documentation cannot drift from the code. The output is deterministic
(no dates, paths or terminal widths) and committed; ``--check`` fails when a copy is stale.

    python -m ovirtshell.docgen            # rewrite the generated files
    python -m ovirtshell.docgen --check    # exit 1, naming each stale file
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

from ovirtshell import __version__, config, helptext, outer
from ovirtshell.commands import Registry
from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.status import status_table

COMMAND = "python -m ovirtshell.docgen"
SOURCES = "the command specs, the outer options and ovirtshell/status.py"

MAN_SHELL = "man/ovirt-shell.1"
MAN_SIM = "man/ovirt-sim.1"
BASH_SHELL = "completion/ovirt-shell.bash"
ZSH_SHELL = "completion/_ovirt-shell"
BASH_SIM = "completion/ovirt-sim.bash"
COMMANDS_MD = "docs/commands.md"

# Text about the program's surroundings (not about commands), checked against the code by tests.
ENVIRONMENT = (
    ("OVIRT_URL", "The API URL, as for --url."),
    ("OVIRT_USERNAME", "The user, as for --username."),
    ("OVIRT_PASSWORD", "The password; otherwise it is read from --password-file or asked for on a terminal."),
    ("OVIRT_CAFILE", "The engine's CA certificate, as for --ca-file."),
    ("OVIRT_PROFILE", "The connection profile to use when --profile is not given."),
    ("https_proxy", "The HTTP proxy (http://[user:password@]host[:port]) through which an https engine is reached, in a CONNECT tunnel; HTTPS_PROXY too (the lower-case name wins)."),
    ("HTTPS_PROXY", "See https_proxy."),
    ("http_proxy", "The HTTP proxy for a plain-http engine; HTTP_PROXY too."),
    ("HTTP_PROXY", "See http_proxy."),
    ("no_proxy", "Hosts, domains (.example.com), networks (10.0.0.0/8) or * reached without the proxy; NO_PROXY too. Loopback engines never use a proxy."),
    ("NO_PROXY", "See no_proxy."),
    ("NO_COLOR", "When set, the output is never coloured."),
    ("PAGER", "The pager for output taller than the terminal (set pager on)."),
    ("OVIRTSHELL_CONFIG_DIR", "The configuration directory; it overrides XDG_CONFIG_HOME."),
    ("XDG_CONFIG_HOME", "The configuration directory is $XDG_CONFIG_HOME/ovirtshell (default ~/.config/ovirtshell)."),
    ("XDG_CACHE_HOME", "The cache directory is $XDG_CACHE_HOME/ovirtshell (default ~/.cache/ovirtshell)."),
    ("XDG_DATA_HOME", "The data directory is $XDG_DATA_HOME/ovirtshell (default ~/.local/share/ovirtshell)."),
)

FILES = (
    ("~/.ovirtshellrc", "Settings in the original ovirt-shell's format: [cli] and [ovirt-shell] sections."),
    ("~/.config/ovirtshell/profiles.ini", "Named connection profiles: one [NAME] section each, with the keys of the rc file (url, username, ca_file, insecure, ...)."),
    ("~/.cache/ovirtshell/model-*.pickle", "The API models read from engines, one per engine URL and version; safe to delete."),
    ("~/.local/share/ovirtshell/history", "The interactive command history, private to the user; connect lines and passwords are never recorded."),
)

# Invocations of the outer command line; a test checks that every flag used exists.
SHELL_EXAMPLES = (
    ("ovirt-shell --url https://engine.example.com/ovirt-engine/api --username admin@internal --ca-file ca.pem",
     "Start the interactive shell; the password is asked for."),
    ("ovirt-shell --profile production list vms --query status=up -o table", "Run one command and exit with its status."),
    ("ovirt-shell -E 'list hosts; show vm web1' -o json", "Run several commands, printing JSON."),
    ("ovirt-shell -f maintenance.cli --continue-on-error", "Run a script, going on after failing commands."),
    ("ovirt-shell --demo", "Try the shell against a local simulated engine."),
)

SIM_SEEDS = (
    ("empty", "What a fresh engine has: data center and cluster Default, the Blank template, admin@internal, roles, the default MAC pool."),
    ("demo", "empty, plus hosts host0..host2, storage domain data, network ovirtmgmt, template centos9, VMs vm0..vm4 "
     "(vm0, vm1 and vm3 up) with a disk and a nic each, tags, and user@internal (password user) with UserRole on vm0."),
    ("scale:N", "demo with VMs up to vm{N-1}, for benchmarks."),
)

SIM_CONTROL = (
    ("POST /sim/faults", 'Inject a fault: JSON {"method", "path_regex", "status", "reason", "detail", "count", "delay"}; '
     "the next count matching requests get it (null: all)."),
    ("GET|DELETE /sim/faults", "List or remove the fault rules."),
    ("POST /sim/reset", "Restore the seed inventory; tokens stay valid."),
    ("GET|DELETE /sim/requests", "The request log (method, path, status, query), without credentials."),
    ("GET /sim/health", 'Answers {"status":"ok"}.'),
)

SIM_EXIT = (
    (0, "stopped by SIGINT or SIGTERM"),
    (1, "could not start: the address is in use, the data file cannot be opened, ..."),
    (2, "bad command line"),
)

SIM_EXAMPLES = (
    ("ovirt-sim --listen 127.0.0.1:0 --time-scale 0 > sim.env &", "Serve on a free port; sim.env receives the export lines once it is ready."),
    ("ovirt-sim --data sim.db --seed scale:1000 --tls", "Keep the state in sim.db across restarts, with 1000 VMs, over https."),
)


# ---------------------------------------------------------------------------------------------
# The sources, read into plain rows.


class OptionRow(NamedTuple):
    """One option of a program, whichever parser declared it."""

    names: list[str]
    metavar: str | None  # None: a flag
    help: str
    choices: tuple[str, ...]


def _specs() -> list[CommandSpec]:
    return sorted(Registry().specs(), key=lambda s: s.name)


def shell_options() -> list[OptionRow]:
    """(names, metavar, help, choices) of each outer option, in declaration order."""
    return [OptionRow(list(o.names), o.metavar, o.help, o.choices) for o in outer.OPTIONS]


def sim_parser() -> argparse.ArgumentParser:
    """The simulator's own parser; it is read from outside so the simulator imports nothing of ours."""
    from ovirtsim.__main__ import build_parser

    return build_parser()


def sim_options() -> list[OptionRow]:
    """(names, metavar, help, choices) of each ovirt-sim option."""
    parser = sim_parser()
    rows = []
    for action in parser._actions:  # argparse has no public iterator over its actions
        if not action.option_strings:
            continue
        choices = tuple(str(c) for c in action.choices) if action.choices else ()
        metavar = None if action.nargs == 0 else (action.metavar or ("|".join(choices) if choices else action.dest.upper()))
        text = action.help % {**vars(action), "prog": parser.prog} if action.help else ""
        rows.append(OptionRow(list(action.option_strings), metavar, text, choices))
    return rows


def sim_export_lines(tls: bool) -> list[str]:
    """The lines ovirt-sim prints when ready, made by its own function with placeholders."""
    from ovirtsim.server import export_lines

    prepared = SimpleNamespace(url="http://127.0.0.1:PORT/ovirt-engine/api",
                               pki=SimpleNamespace(ca_file="DIR/ca.pem") if tls else None)
    return export_lines(prepared, password="PASSWORD")  # type: ignore[arg-type]


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _precedence() -> str:
    """The settings precedence, as config.py's docstring states it."""
    for paragraph in inspect.cleandoc(config.__doc__ or "").split("\n\n"):
        if paragraph.startswith("Precedence"):
            return " ".join(paragraph.split()).replace("`", "")
    return ""


# ---------------------------------------------------------------------------------------------
# roff


def _esc(text: str) -> str:
    """Text for a roff text line: backslashes, minus signs (copy-pastable options), non-ASCII."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in text.split("\n"))


def _arg(text: str) -> str:
    return '"' + _esc(text).replace('"', "\\(dq") + '"'


def _b(text: str) -> str:
    return f"\\fB{_esc(text)}\\fR"


def _i(text: str) -> str:
    return f"\\fI{_esc(text)}\\fR"


def _option_tag(names: Sequence[str], metavar: str | None) -> str:
    return ", ".join(_b(n) for n in names) + (f" {_i(metavar)}" if metavar else "")


def _choices_note(choices: Sequence[str]) -> str:
    return f" (one of: {', '.join(choices)})" if choices else ""


def _tp(tag: str, body: str) -> list[str]:
    return [".TP", tag, body]


def _example_block(examples: Iterable[tuple[str, str]]) -> list[str]:
    lines = []
    for command, text in examples:
        lines += [".PP", _esc(text), ".RS 4", ".nf", _b(command), ".fi", ".RE"]
    return lines


def _header(title: str, name: str, sources: str) -> list[str]:
    return [
        f'.\\" Generated by `{COMMAND}` from {sources}; do not edit.',
        f'.\\" Run `{COMMAND}` to regenerate it.',
        f'.TH {_esc(title.upper())} 1 "" {_arg(f"{name} {__version__}")} "User Commands"',
        ".nh",  # no hyphenation: options and metavars must stay whole
        ".ad l",
    ]


def _spec_section(spec: CommandSpec) -> list[str]:
    lines = [f".SS {_arg(f'{spec.name} - {spec.summary}')}", _b(spec.usage), ".PP", _esc(spec.description)]
    notes = []
    if spec.aliases:
        notes.append("Also: " + ", ".join(_b(a) for a in spec.aliases) + ".")
    notes.append("Works while disconnected." if spec.offline else "Needs a connection.")
    lines += [".PP", " ".join(notes)]
    if spec.options:
        lines += [".PP", "Options:", ".RS 4"]
        for o in spec.options:
            lines += _tp(_option_tag([f"--{o.name}"], o.metavar), _esc(o.help + _choices_note(o.values)))
        lines.append(".RE")
    for title, text in spec.extra.items():
        lines += [".PP", f"{_esc(title)}:", ".RS 4", _esc(text), ".RE"]
    if spec.examples:
        lines += [".PP", "Examples:", ".RS 4", ".nf", *(_esc(e) for e in spec.examples), ".fi", ".RE"]
    return lines


def man_shell(specs: list[CommandSpec]) -> str:
    lines = _header("ovirt-shell", "ovirt-shell", SOURCES)
    lines += [".SH NAME", _esc(f"ovirt-shell - {_lower_first(outer.DESCRIPTION.split(':')[0].rstrip('.'))}")]
    lines += [".SH SYNOPSIS", f"{_b('ovirt-shell')} [{_i('OPTIONS')}] [{_i('COMMAND')} [{_i('ARGUMENTS')}...]]"]
    lines += [".SH DESCRIPTION", _esc(outer.DESCRIPTION), ".PP", _esc(helptext.INTRODUCTION)]
    lines += [".PP", _esc("Words after the first argument belong to the command: options after it are the command's, "
                          "not ovirt-shell's. " + _precedence())]
    lines += [".PP", "Command syntax:", ".RS 4", ".nf", _esc(helptext.SYNTAX), ".fi", ".RE"]
    lines.append(".SH OPTIONS")
    for names, metavar, text, choices in shell_options():
        lines += _tp(_option_tag(names, metavar), _esc(text + _choices_note(choices)))
    lines += [".SH COMMANDS", _esc("help COMMAND, or COMMAND --help, shows the same text in the shell; "
                                    "help COMMAND TYPE lists a type's options, derived from the engine's API model.")]
    for spec in specs:
        lines += _spec_section(spec)
    verb, name = helptext.SAMPLE_PAGE
    lines += [".SH TYPE OPTIONS", _esc(helptext.TYPE_OPTIONS), ".PP",
              _esc(f"help {verb} {name}, from the bundled oVirt 4.6 model:"), ".RS 4", ".nf",
              *(_esc(line) if line else "" for line in sample_page(specs).splitlines()), ".fi", ".RE"]
    lines.append(".SH ENVIRONMENT")
    for name, text in ENVIRONMENT:
        lines += _tp(_b(name), _esc(text))
    lines.append(".SH FILES")
    for name, text in FILES:
        lines += _tp(_i(name), _esc(text))
    lines += [".SH EXIT STATUS", _esc("One-shot commands and scripts exit with these statuses; in the shell, status prints the last command's:")]
    for code, name, text in status_table():
        lines += _tp(f"{_b(str(code))} {_esc(name)}", _esc(text))
    lines += [".SH EXAMPLES", *_example_block(SHELL_EXAMPLES)[1:]]
    lines += [".SH SEE ALSO", f"{_b('ovirt-sim')}(1)", ""]
    return "\n".join(lines)


def man_sim() -> str:
    parser = sim_parser()
    options = sim_options()
    lines = _header("ovirt-sim", "ovirt-sim", "the simulator's argparse parser (ovirtsim/__main__.py)")
    lines += [".SH NAME", _esc(f"ovirt-sim - {_lower_first((parser.description or '').rstrip('.'))}")]
    synopsis = " ".join(f"[{_b(names[-1])}{' ' + _i(metavar) if metavar else ''}]" for names, metavar, _, _ in options)
    lines += [".SH SYNOPSIS", f"{_b('ovirt-sim')} {synopsis}", ".br", f"{_b('python -m ovirtsim')} ..."]
    lines += [".SH DESCRIPTION", _esc(parser.description or ""), ".PP",
              _esc("When it is ready it prints these lines to standard output, flushed, so that a script can "
                   "read the URL of a server started on port 0:"),
              ".RS 4", ".nf", *(_esc(line) for line in sim_export_lines(tls=False)), ".fi", ".RE", ".PP",
              _esc(f"With --tls it adds {sim_export_lines(tls=True)[-1]}. It serves until SIGINT or SIGTERM, "
                   "then shuts down cleanly.")]
    lines.append(".SH OPTIONS")
    for names, metavar, text, _choices in options:
        lines += _tp(_option_tag(names, metavar), _esc(text))
    lines += [".SH SEEDS", _esc("Ids are derived from each object's kind and name, so a seed always gives the same ids.")]
    for name, text in SIM_SEEDS:
        lines += _tp(_b(name), _esc(text))
    lines += [".SH CONTROL API", _esc("For tests, outside /ovirt-engine, without authentication:")]
    for request, text in SIM_CONTROL:
        lines += _tp(_b(request), _esc(text))
    lines.append(".SH EXIT STATUS")
    for code, text in SIM_EXIT:
        lines += _tp(_b(str(code)), _esc(text))
    lines += [".SH EXAMPLES", *_example_block(SIM_EXAMPLES)[1:]]
    lines += [".SH SEE ALSO", f"{_b('ovirt-shell')}(1)", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Completion scripts: written out from the parameters, so they need no Python at <Tab> time and do
# not depend on any installed library.


def _words(items: Iterable[str]) -> str:
    return " ".join(items)


def _completable(word: str) -> bool:
    return re.fullmatch(r"[A-Za-z][\w-]*", word) is not None


def _bash_value_cases(rows: Iterable[OptionRow], indent: str) -> list[str]:
    """`case $prev` arms completing the value of an option: choices, files, or nothing."""
    arms: dict[str, list[str]] = {}  # action -> option names, in first-seen order
    for names, metavar, _, choices in rows:
        if metavar is None:
            continue
        if choices:
            action = f'mapfile -t COMPREPLY < <(compgen -W "{_words(choices)}" -- "$cur")'
        elif metavar == "FILE":
            action = 'mapfile -t COMPREPLY < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null'
        else:
            action = ":"
        arms.setdefault(action, []).extend(names)
    return [f"{indent}{'|'.join(names)}) {action}; return 0 ;;" for action, names in arms.items()]


_BASH_WORDS = """\
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    # --option=value: bash splits it at '='.
    if [[ $cur == = ]]; then cur=""; elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi
    COMPREPLY=()"""


def bash_shell(specs: list[CommandSpec]) -> str:
    rows = shell_options()
    takes_value = "|".join(n for names, metavar, _, _ in rows if metavar for n in names)
    commands = sorted(w for s in specs for w in (s.name, *s.aliases) if _completable(w))
    lines = [
        f"# bash completion for ovirt-shell. Generated by `{COMMAND}` from {SOURCES}; do not edit.",
        "# Source it, or install it as /usr/share/bash-completion/completions/ovirt-shell.",
        "",
        "_ovirt_shell_completion() {",
        _BASH_WORDS,
        "    # The first word that is not an option (or an option's value) is the shell command.",
        "    local i=1 command=\"\"",
        "    while (( i < COMP_CWORD )); do",
        "        case ${COMP_WORDS[i]} in",
        f"            {takes_value}) if [[ ${{COMP_WORDS[i+1]}} == = ]]; then (( i += 3 )); else (( i += 2 )); fi ;;",
        "            =|:) (( i += 2 )) ;;  # the rest of --opt=value or of a URL, split by COMP_WORDBREAKS",
        "            -*) (( i += 1 )) ;;",
        "            *) command=${COMP_WORDS[i]}; break ;;",
        "        esac",
        "    done",
        "    if [[ -z $command ]]; then",
        "        case $prev in",
        *_bash_value_cases(rows, "            "),
        "        esac",
        "        if [[ $cur == -* ]]; then",
        f'            mapfile -t COMPREPLY < <(compgen -W "{_words(n for names, _, _, _ in rows for n in names)}" -- "$cur")',
        "        else",
        f'            mapfile -t COMPREPLY < <(compgen -W "{_words(commands)}" -- "$cur")',
        "        fi",
        "        return 0",
        "    fi",
        "    # After the command: its own options (types and names come from the engine, not from here).",
        "    local options=\"\"",
        "    case $command in",
    ]
    for spec in specs:
        if not spec.options:
            continue
        pattern = "|".join(f"'{w}'" for w in (spec.name, *spec.aliases))
        lines.append(f"        {pattern})")
        value_rows = [OptionRow([f"--{o.name}"], o.metavar, o.help, o.values) for o in spec.options]
        cases = _bash_value_cases(value_rows, "                ")
        if cases:
            lines += ["            case $prev in", *cases, "            esac"]
        lines.append(f'            options="{_words(f"--{o.name}" for o in spec.options)}" ;;')
    lines += [
        "    esac",
        '    [[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")',
        "    return 0",
        "}",
        "",
        "complete -F _ovirt_shell_completion ovirt-shell",
        "",
    ]
    return "\n".join(lines)


def bash_sim() -> str:
    rows = sim_options()
    return "\n".join([
        f"# bash completion for ovirt-sim. Generated by `{COMMAND}` from the simulator's parser; do not edit.",
        "",
        "_ovirt_sim_completion() {",
        _BASH_WORDS,
        "    case $prev in",
        *_bash_value_cases(rows, "        "),
        "    esac",
        f'    mapfile -t COMPREPLY < <(compgen -W "{_words(n for names, _, _, _ in rows for n in names)}" -- "$cur")',
        "    return 0",
        "}",
        "",
        "complete -F _ovirt_sim_completion ovirt-sim",
        "",
    ])


def _zq(text: str) -> str:
    """Inside a single-quoted zsh word."""
    return text.replace("'", "'\\''")


def _zdesc(text: str) -> str:
    """An _arguments description in [...]: brackets escaped."""
    return _zq(text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]"))


def _zaction(metavar: str | None, choices: Sequence[str]) -> str:
    if metavar is None:
        return ""
    message = _zq(metavar.replace(":", "\\:"))
    if choices:
        return f":{message}:({' '.join(choices)})"
    return f":{message}:_files" if metavar == "FILE" else f":{message}: "


def _zspec(names: Sequence[str], metavar: str | None, text: str, choices: Sequence[str], exclusive: str = "") -> str:
    """One _arguments spec; several names become a brace list sharing one exclusion group."""
    action = _zaction(metavar, choices)
    if len(names) == 1:
        group = f"({exclusive})" if exclusive else ""
        return f"'{group}{names[0]}[{_zdesc(text)}]{action}'"
    return f"'({exclusive or ' '.join(names)})'{{{','.join(names)}}}'[{_zdesc(text)}]{action}'"


def zsh_shell(specs: list[CommandSpec]) -> str:
    lines = [
        "#compdef ovirt-shell",
        f"# zsh completion for ovirt-shell. Generated by `{COMMAND}` from {SOURCES}; do not edit.",
        "# Install it as _ovirt-shell in a directory of $fpath.",
        "",
        "_ovirt-shell() {",
        "    local curcontext=$curcontext state state_descr line ret=1",
        "    typeset -A opt_args",
        "    local -a commands",
        "    commands=(",
    ]
    for spec in specs:
        for word in (spec.name, *spec.aliases):
            if _completable(word):
                summary = _zq(spec.summary.replace(":", "\\:"))
                lines.append(f"        '{word}:{summary}'")
    lines += ["    )", "    _arguments -C -S \\"]
    for names, metavar, text, choices in shell_options():
        exclusive = "- *" if "--help" in names or "--version" in names else ""  # they stand alone
        lines.append(f"        {_zspec(names, metavar, text + _choices_note(choices), choices, exclusive)} \\")
    lines += [
        "        '1: :->command' \\",
        "        '*:: :->argument' && ret=0",
        "    case $state in",
        "        command) _describe -t commands 'ovirt-shell command' commands && ret=0 ;;",
        "        argument)",
        "            case $words[1] in",
    ]
    for spec in specs:
        if not spec.options:
            continue
        pattern = "|".join(f"'{w}'" for w in (spec.name, *spec.aliases))
        specs_z = " ".join(_zspec([f"--{o.name}"], o.metavar, o.help, o.values) for o in spec.options)
        lines.append(f"                {pattern}) _arguments {specs_z} '*:argument:( )' && ret=0 ;;")
    lines += [
        "            esac ;;",
        "    esac",
        "    return ret",
        "}",
        "",
        '_ovirt-shell "$@"',
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Markdown


def _md(text: str) -> str:
    """Prose for Markdown: characters that would become markup (or HTML tags) are escaped."""
    return re.sub(r"([\\`*_<>\[\]|#])", r"\\\1", text)


def _code(text: str) -> str:
    """A code span in a table cell (pipes still split cells in GFM)."""
    return "`" + text.replace("|", "\\|") + "`"


def commands_md(specs: list[CommandSpec]) -> str:
    lines = [
        "# Command reference",
        "",
        f"<!-- Generated by `{COMMAND}` from {SOURCES}; do not edit. -->",
        "",
        _md("Every command runs in the interactive shell, after ovirt-shell's options (ovirt-shell list vms), "
            "with -E, or in a script (-f). help COMMAND shows the same page in the shell; help COMMAND TYPE "
            "lists a type's options, derived from the engine's API model."),
        "",
        "| command | summary |",
        "|---|---|",
    ]
    lines += [f"| [{_code(s.name)}](#{s.name}) | {_md(s.summary)} |" for s in specs]
    for spec in specs:
        lines += ["", f"## {spec.name}", "", _md(_sentence(spec.summary)), "", "```", spec.usage, "```", "", _md(spec.description)]
        notes = []
        if spec.aliases:
            notes.append("Also: " + ", ".join(f"`{a}`" for a in spec.aliases) + ".")
        notes.append("Works while disconnected." if spec.offline else "Needs a connection.")
        lines += ["", " ".join(notes)]
        if spec.options:
            lines += ["", "| option | meaning |", "|---|---|"]
            lines += [f"| {_code(_option_head(o))} | {_md(o.help + _choices_note(o.values))} |" for o in spec.options]
        for title, text in spec.extra.items():
            lines += ["", f"**{_md(title)}**", "", _md(text)]
        if spec.examples:
            lines += ["", "Examples:", "", "```", *spec.examples, "```"]
    verb, name = helptext.SAMPLE_PAGE
    lines += ["", "## Type options", "", _md(helptext.TYPE_OPTIONS), "",
              _md(f"help {verb} {name}, from the bundled oVirt 4.6 model:"), "", "```", *sample_page(specs).splitlines(), "```"]
    lines += ["", "## Exit status", "", _md("One-shot commands and scripts exit with these statuses; in the shell, status prints the last command's."),
              "", "| status | name | meaning |", "|---|---|---|"]
    lines += [f"| {code} | `{name}` | {_md(text)} |" for code, name, text in status_table()]
    return "\n".join(lines) + "\n"


def sample_page(specs: list[CommandSpec]) -> str:
    """The example type page (help create disk) from the bundled model: deterministic."""
    from ovirtshell.metadata.loader import BUNDLED_MODEL, build_index

    verb, name = helptext.SAMPLE_PAGE
    spec = next(s for s in specs if s.name == verb)
    return helptext.type_page(build_index(BUNDLED_MODEL.read_bytes()), verb, name, spec).rstrip("\n")


def _option_head(option: OptionDoc) -> str:
    return f"--{option.name}" + (f" {option.metavar}" if option.metavar else "")


# ---------------------------------------------------------------------------------------------
# Writing and checking


def generate() -> dict[str, str]:
    """Every generated file, relative path -> content."""
    specs = _specs()
    makers: dict[str, Callable[[], str]] = {
        MAN_SHELL: lambda: man_shell(specs),
        MAN_SIM: man_sim,
        BASH_SHELL: lambda: bash_shell(specs),
        ZSH_SHELL: lambda: zsh_shell(specs),
        BASH_SIM: bash_sim,
        COMMANDS_MD: lambda: commands_md(specs),
    }
    return {path: make() for path, make in makers.items()}


def stale(root: Path, files: dict[str, str] | None = None) -> list[str]:
    """The generated files whose committed copy under `root` is missing or different."""
    files = generate() if files is None else files
    out = []
    for path, content in files.items():
        target = root / path
        if not target.is_file() or target.read_text(encoding="utf-8") != content:
            out.append(path)
    return out


def write(root: Path) -> list[str]:
    """Rewrite the stale files under `root`; returns their paths."""
    files = generate()
    changed = stale(root, files)
    for path in changed:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[path], encoding="utf-8", newline="\n")
    return changed


def default_root() -> Path:
    """The source checkout this package lives in (the directory with pyproject.toml)."""
    return Path(__file__).resolve().parent.parent


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description="Regenerate the man pages, completion scripts "
                                     "and docs/commands.md from the command specs.")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a committed file is stale")
    parser.add_argument("--root", type=Path, default=None, help="the source checkout (default: this package's)")
    args = parser.parse_args(argv)
    root = args.root or default_root()
    if not (root / "pyproject.toml").is_file():
        parser.error(f"{root} is not the source checkout (no pyproject.toml); give --root")
    if args.check:
        out_of_date = stale(root)
        for path in out_of_date:
            print(f"{path} is stale: run `{COMMAND}`", file=sys.stderr)
        return 1 if out_of_date else 0
    for path in write(root):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
