"""The generated man pages, completion scripts and command reference: current, complete, working.

The staleness test always runs; rendering and shell checks run when groff, bash or zsh exist.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ovirtshell import config, docgen
from ovirtshell.commands import Registry
from ovirtshell.commands.spec import CommandSpec
from ovirtshell.status import status_table

ROOT = Path(__file__).resolve().parents[2]
REGEN = f"run `{docgen.COMMAND}` and commit the result"


def _bold(text: str) -> str:
    """How the man page spells an option or a word in bold."""
    return "\\fB" + text.replace("-", "\\-") + "\\fR"


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return docgen.generate()


@pytest.fixture(scope="module")
def specs() -> list[CommandSpec]:
    return Registry().specs()


def test_committed_files_are_current(generated: dict[str, str]) -> None:
    stale = docgen.stale(ROOT, generated)
    assert not stale, f"stale generated files {stale}: {REGEN}"


def test_generation_is_deterministic(generated: dict[str, str]) -> None:
    assert docgen.generate() == generated
    for path, text in generated.items():
        assert str(ROOT) not in text, f"{path} holds a machine path"
        assert text.endswith("\n") and "\r" not in text


def test_check_names_a_stale_file(tmp_path: Path, generated: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    assert docgen.main(["--root", str(tmp_path), "--check"]) == 1  # nothing written yet
    assert docgen.main(["--root", str(tmp_path)]) == 0
    assert docgen.main(["--root", str(tmp_path), "--check"]) == 0
    assert {p: (tmp_path / p).read_text() for p in generated} == generated
    capsys.readouterr()
    (tmp_path / docgen.COMMANDS_MD).write_text("hand-edited\n")
    assert docgen.main(["--root", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert err == f"{docgen.COMMANDS_MD} is stale: run `{docgen.COMMAND}`\n"


def test_packaged_man_pages_exist() -> None:
    """pyproject.toml installs these as data files; `pip install .` fails without them."""
    for path in (docgen.MAN_SHELL, docgen.MAN_SIM):
        assert (ROOT / path).is_file(), f"{path} is missing: {REGEN}"


# Registry sweep (govc main_test.go): every spec is documented and collision-free.


def test_every_spec_is_documented(specs: list[CommandSpec]) -> None:
    for spec in specs:
        assert spec.summary.strip() and "\n" not in spec.summary, spec.name
        assert not spec.summary.endswith("."), f"{spec.name}: the summary is a fragment, without a final period"
        assert spec.usage.strip(), spec.name
        assert spec.usage.split()[0].lstrip("!") in (spec.name, *spec.aliases, "COMMAND"), f"{spec.name}: usage names another command"
        assert spec.description.strip(), spec.name
        for option in spec.options:
            assert option.help.strip(), f"{spec.name} --{option.name} has no help text"
            assert not option.name.startswith("-"), f"{spec.name}: option {option.name!r} is written without dashes"
            assert not option.values or option.metavar, f"{spec.name} --{option.name}: choices need a metavar"


def test_option_names_are_unique_within_a_spec(specs: list[CommandSpec]) -> None:
    for spec in specs:
        names = [o.name for o in spec.options]
        assert len(names) == len(set(names)), f"{spec.name} repeats an option: {names}"


def test_command_words_are_unique_across_specs(specs: list[CommandSpec]) -> None:
    words = [w for s in specs for w in (s.name, *s.aliases)]
    assert len(words) == len(set(words)), sorted(w for w in words if words.count(w) > 1)


# Completeness of what is generated.


def test_every_command_is_in_the_man_page_and_reference(generated: dict[str, str], specs: list[CommandSpec]) -> None:
    man = generated[docgen.MAN_SHELL]
    md = generated[docgen.COMMANDS_MD]
    for spec in specs:
        assert f'.SS "{spec.name} \\- ' in man, f"{spec.name} missing from the man page"
        assert f"\n## {spec.name}\n" in md, f"{spec.name} missing from docs/commands.md"
        assert f"```\n{spec.usage}\n```" in md
        for option in spec.options:
            assert _bold(f"--{option.name}") in man, f"{spec.name} --{option.name}"
            assert f"`--{option.name}" in md


def test_man_page_sections(generated: dict[str, str]) -> None:
    man = generated[docgen.MAN_SHELL]
    sections = re.findall(r"^\.SH (.+)$", man, re.M)
    assert sections == ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "TYPE OPTIONS", "ENVIRONMENT",
                        "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"]
    type_options = man[man.index(".SH TYPE OPTIONS"):man.index(".SH ENVIRONMENT")]
    assert "REQUIRED OPTIONS" in type_options and "\\-\\-dry\\-run" in type_options
    markdown = generated[docgen.COMMANDS_MD]
    assert "## Type options" in markdown and "REQUIRED OPTIONS\n  --format" in markdown
    assert man.startswith(f'.\\" Generated by `{docgen.COMMAND}`')
    sim = generated[docgen.MAN_SIM]
    assert re.findall(r"^\.SH (.+)$", sim, re.M)[:4] == ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"]
    assert "EXIT STATUS" in sim and "ovirt\\-shell\\fR(1)" in sim


def test_outer_options_and_statuses_are_documented(generated: dict[str, str]) -> None:
    man = generated[docgen.MAN_SHELL]
    bash = generated[docgen.BASH_SHELL]
    for names, _metavar, _help, _choices in docgen.shell_options():
        for name in names:
            assert _bold(name) in man, name
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", bash), name
    for code, name, _text in status_table():
        assert f"{_bold(str(code))} {name}" in man
        assert f"| {code} | `{name}` |" in generated[docgen.COMMANDS_MD]


def test_environment_section_covers_the_variables_read(generated: dict[str, str]) -> None:
    documented = {name for name, _ in docgen.ENVIRONMENT}
    assert set(config.ENV_VARS) <= documented
    assert {"OVIRT_PROFILE", "NO_COLOR", "PAGER", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"} <= documented


def test_examples_use_real_outer_flags() -> None:
    known = {n for names, *_ in docgen.shell_options() for n in names}
    for command, _ in docgen.SHELL_EXAMPLES:
        words = command.split()[1:]
        for word in words:
            if not word.startswith("-"):
                break  # the rest belongs to the shell command
            assert word in known, f"example uses unknown flag {word}"


def test_sim_page_follows_its_parser(generated: dict[str, str]) -> None:
    from ovirtsim.__main__ import parse_seed

    sim = generated[docgen.MAN_SIM]
    for names, *_ in docgen.sim_options():
        assert _bold(names[-1]) in sim
    for line in docgen.sim_export_lines(tls=True):
        assert docgen._esc(line) in sim
    for seed, _ in docgen.SIM_SEEDS:
        assert parse_seed(seed.replace("N", "3")), seed


# The files work in the programs that read them.


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
@pytest.mark.parametrize("page", [docgen.MAN_SHELL, docgen.MAN_SIM])
def test_man_page_renders_without_warnings(page: str, generated: dict[str, str]) -> None:
    done = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-rLL=80n"], input=generated[page],
                          capture_output=True, text=True, check=True)
    assert done.stderr == ""
    text = re.sub(r".\x08", "", done.stdout)  # drop the overstrike of bold and underline
    assert "EXIT STATUS" in text and "SEE ALSO" in text
    assert not re.search(r"\\[fe(&-]", text), "a roff escape leaked into the rendered page"


def _bash_complete(script: str, function: str, words: list[str]) -> list[str]:
    program = (
        f"source {script}\n"
        f"COMP_WORDS=({' '.join(_quote(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
        f"{function}; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], cwd=ROOT,
                          capture_output=True, text=True, check=True, timeout=30)
    return [line for line in done.stdout.splitlines() if line]


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["ovirt-shell", "--ou"], ["--output"]),
        (["ovirt-shell", "-o", "j"], ["json"]),
        (["ovirt-shell", "--output", "=", "x"], ["xml"]),
        (["ovirt-shell", "li"], ["list"]),
        (["ovirt-shell", "-l", "https", ":", "//engine/api", "rem"], ["remove"]),
        (["ovirt-shell", "-I", "list", "vms", "--qu"], ["--query"]),
        (["ovirt-shell", "console", "vm0", "--protocol", ""], ["spice", "vnc"]),
        (["ovirt-shell", "-E", "list vms", "--continue"], ["--continue-on-error"]),
    ],
)
def test_bash_completion(words: list[str], expected: list[str]) -> None:
    assert _bash_complete(docgen.BASH_SHELL, "_ovirt_shell_completion", words) == expected


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_of_ovirt_sim() -> None:
    assert _bash_complete(docgen.BASH_SIM, "_ovirt_sim_completion", ["ovirt-sim", "--se"]) == ["--seed"]
    assert _bash_complete(docgen.BASH_SIM, "_ovirt_sim_completion", ["ovirt-sim", "--log-level", "d"]) == ["debug"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_parses(generated: dict[str, str]) -> None:
    done = subprocess.run(["zsh", "-n"], input=generated[docgen.ZSH_SHELL], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
