"""Property-based fuzzing of `Shell.execute`, offline and against the simulator.

Hypothesis builds command lines from the shell's words, options and hostile values (control
and bidi characters, lone surrogates as Python keeps non-UTF-8 bytes, huge numbers, open
quotes, names that look like paths). Whatever the line, the shell answers with a documented
status, never UNKNOWN_ERROR (a bug), and never a traceback. Runs are derandomized (the same
lines every run) and sized to take seconds: see docs/reliability.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovirtshell.config import Settings
from ovirtshell.shell import Shell
from ovirtshell.status import ExitStatus

from support import make_env

DOCUMENTED = {int(s) for s in ExitStatus} - {int(ExitStatus.UNKNOWN_ERROR), int(ExitStatus.INTERRUPTED)}

# Verbs that run system commands, read or write files, spawn viewers or end the session are
# left out: the fuzzer must not touch the machine it runs on.
VERBS = ["list", "show", "create", "add", "update", "delete", "remove", "action", "help", "info", "ping",
         "status", "summary", "echo", "refresh", "?", "bogus", "lst", ""]
TYPES = ["vm", "vms", "host", "hosts", "tag", "cluster", "datacenter", "disk", "nic", "nics", "event",
         "snapshot", "graphicsconsole", "bogus", "VM"]
NAMES = ["vm0", "vm1", "Default", "../tags/1", "..", "%2e%2e", "a/b", "web\x07", "x" * 300, "名前",
         "e42de890-3ac1-58fb-9265-b041085ab532", "0", "-1", "4.7", "*", "name=vm0"]
OPTIONS = ["--name", "--comment", "--description", "--memory", "--fields", "-o", "--output", "--query",
           "--parent-vm-name", "--parent-vm-identifier", "--vm-identifier", "--cpu-topology-cores",
           "--cluster-name", "--template-name", "--yes", "--bogus", "--help", "--max", "--case-sensitive",
           "--os-boot-devices", "--custom_properties", "--high_availability-enabled", "--show-all",
           "--kind", "--async", "--force", "--"]
VALUES = ["1", "0", "-5", "9" * 5000, "1e400", "nan", "2GiB", "1.5G", "true", "maybe", "json", "xml", "csv",
          "table", "text", "name,id", "nosuch", "{a=1,b=2}", '{"name":"x"}', "[1,2", "a\\,b", "'", '"',
          "\\", "'open", '"open', "\x1b[31m", "\u202e", "\u009b", "\udcff", "\x00", "\t", "a;b", "#c",
          "=", "--x=y", "é" * 70_000]

word = st.one_of(st.sampled_from(TYPES), st.sampled_from(NAMES), st.sampled_from(OPTIONS),
                 st.sampled_from(VALUES), st.text(alphabet=st.characters(blacklist_characters="|>!"), max_size=12))
line = st.builds(
    lambda verb, words, sep: (verb + " " + sep.join(words)).strip(),
    st.sampled_from(VERBS),
    st.lists(word, max_size=7),
    st.sampled_from([" ", " ", "=", ";", "\n", " \\\n"]),
).filter(lambda text: "|" not in text and ">" not in text and "!" not in text and "shell" not in text)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "") + "'"


pair = st.tuples(st.sampled_from(OPTIONS), st.one_of(st.sampled_from(VALUES), st.sampled_from(NAMES), st.text(max_size=8)))
# Lines shaped like real commands, so that most of them reach the option parser and the engine.
command = st.builds(
    lambda verb, kind, name, pairs: " ".join(
        [verb, kind, *([_quoted(name)] if name else []), *(f"{o} {_quoted(v)}" for o, v in pairs)]
    ),
    st.sampled_from(["list", "show", "update", "delete", "action", "create"]),
    st.sampled_from(["vm", "vms", "host", "tag", "cluster", "nic", "disk", "vmpool"]),
    st.one_of(st.none(), st.sampled_from(NAMES), st.text(max_size=10)),
    st.lists(pair, max_size=3),
).filter(lambda text: "|" not in text and ">" not in text and "!" not in text and "shell" not in text)


def _check(shell: Shell, text: str) -> None:
    shell.env.stderr.seek(0)
    shell.env.stderr.truncate()
    result = shell.execute(text)
    err = shell.env.stderr.getvalue()
    assert int(result.status) in DOCUMENTED, (text, result.error)
    assert "Traceback" not in err, (text, err)
    if not result.ok:
        assert result.error and "\n" not in result.error, (text, result.error)


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Shell:
    return Shell(make_env(tmp_path_factory.mktemp("offline"), {}), Settings())


@pytest.fixture(scope="module")
def online(tmp_path_factory, sim) -> Shell:
    tmp = tmp_path_factory.mktemp("online")
    shell = Shell(make_env(tmp, {}), Settings().merged(
        {"url": sim.url, "username": sim.username, "password": sim.password, "confirm": False}))
    shell.connect()
    yield shell
    shell.close()


@settings(max_examples=2500, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=line)
def test_fuzz_offline(offline: Shell, text: str):
    _check(offline, text)


@settings(max_examples=600, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.one_of(line, command, command))
def test_fuzz_against_the_simulator(online: Shell, text: str):
    _check(online, text)
    assert online.connected


@settings(max_examples=400, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_fuzz_scripts_of_arbitrary_bytes(offline: Shell, data: bytes):
    """Any bytes as a script (how -f and stdin read them): documented statuses, no traceback."""
    from ovirtshell.modes.batch import run_script

    offline.env.stderr.seek(0)
    offline.env.stderr.truncate()
    status = run_script(offline, data.decode("utf-8", "surrogateescape").replace("|", "").replace(">", "")
                        .replace("!", "").replace("shell", ""), "fuzz")
    assert int(status) in DOCUMENTED
    assert "Traceback" not in offline.env.stderr.getvalue()
    offline.exiting = False


def test_the_fuzzer_reaches_the_engine(online: Shell, tmp_path: Path):
    """A guard that the online fuzz really talks to the engine: a plain line works."""
    assert online.execute("list vms --fields name").status == ExitStatus.OK
