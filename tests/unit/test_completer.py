"""The completion engine over the full oVirt 4.6 model, with a small in-memory names source."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from ovirtshell.commands import Registry
from ovirtshell.commands.set import VARIABLES
from ovirtshell.completer.engine import (
    ACTION,
    COMMAND,
    FILE,
    MAX_SHOWN,
    NONE,
    OBJECT,
    OPTION,
    SETTING,
    SETTING_VALUE,
    TYPE,
    VALUE,
    Context,
    analyse,
    candidates,
    parents_given,
)
from ovirtshell.metadata.index import Index
from ovirtshell.metadata.model import Model

NAMES = {
    ("vm", ()): ("web1", "web2", "db 1"),
    ("cluster", ()): ("Default", "Lab"),
    ("host", ()): ("host0", "host1"),
    ("nic", (("vm", "name", "web1"),)): ("nic1", "nic2"),
}


@pytest.fixture(scope="module")
def index() -> Index:
    data = resources.files("ovirtsim").joinpath("data/model.json").read_text()
    return Index(Model.from_json(json.loads(data)))


@pytest.fixture(scope="module")
def specs():
    registry = Registry()
    return {word: registry.get(word).SPEC for word in registry.words()}


@pytest.fixture
def asked() -> list:
    return []


@pytest.fixture
def context(index, specs, asked) -> Context:
    def names(type_name, parents):
        asked.append((type_name, parents))
        return NAMES.get((type_name, parents), ())

    return Context(
        specs=specs,
        index=index,
        names=names,
        settings={name: info[2] for name, info in VARIABLES.items()},
    )


def complete(context: Context, text: str) -> list[str]:
    """The displayed words offered at the end of `text`."""
    return [c.display for c in candidates(analyse(text, context.specs), context)]


def texts(context: Context, text: str) -> list[str]:
    return [c.text for c in candidates(analyse(text, context.specs), context)]


# -- analyse ---------------------------------------------------------------------------------


def test_analyse_finds_the_slot_at_the_cursor(specs):
    assert analyse("", specs).kind == COMMAND
    assert analyse("li", specs).kind == COMMAND
    assert analyse("list ", specs).kind == TYPE
    assert analyse("show vm ", specs).kind == OBJECT
    assert analyse("action vm web1 ", specs).kind == ACTION
    assert analyse("action vm web1 start ", specs).kind == OPTION
    assert analyse("create vm --display-type ", specs).kind == VALUE
    assert analyse("create vm --disp", specs).kind == OPTION
    assert analyse("list vms > out", specs).kind == FILE
    assert analyse("set ", specs).kind == SETTING
    assert analyse("set pager ", specs).kind == SETTING_VALUE
    assert analyse("list vms | grep w", specs).kind == NONE
    assert analyse("!ls ", specs).kind == NONE
    assert analyse("list vms # a comment", specs).kind == NONE


def test_analyse_reads_the_replaced_part_and_the_line(specs):
    slot = analyse("show vm 'my v", specs)
    assert (slot.kind, slot.prefix, slot.replace, slot.quote) == (OBJECT, "my v", 5, "'")
    slot = analyse("create vm --display-type=sp", specs)
    assert (slot.kind, slot.option, slot.prefix, slot.replace) == (VALUE, "display-type", "sp", 2)
    slot = analyse("list nics --parent-vm-name web1 --", specs)
    assert slot.options == (("parent-vm-name", "web1"),)
    assert parents_given(slot.options) == (("vm", "name", "web1"),)


def test_analyse_follows_the_last_command_of_the_line(specs):
    assert analyse("list vms; sh", specs).kind == COMMAND
    assert analyse("list vms; show host ", specs).kind == OBJECT
    assert analyse("list vms \\\n--max 3 --fi", specs).kind == OPTION


def test_flags_take_no_value(specs):
    # --yes is a flag of delete: the word after it is the object, not the flag's value
    assert analyse("delete vm --yes ", specs).kind == OBJECT
    assert analyse("list vms --show-all ", specs).kind == OPTION


# -- candidates ------------------------------------------------------------------------------


def test_commands(context):
    words = complete(context, "")
    assert {"list", "show", "create", "delete", "action", "connect", "exit"} <= set(words)
    assert "!" not in words
    assert complete(context, "cr") == ["create"]
    assert texts(context, "cr") == ["create "]
    assert complete(context, "list vms; ex") == ["exit"]


def test_commands_offline_only_while_disconnected(context):
    context.connected, context.index = False, None
    words = complete(context, "")
    assert {"connect", "help", "set", "exit"} <= set(words)
    assert "list" not in words and "create" not in words


def test_types_per_verb(context, index):
    assert "vm" in complete(context, "show ")
    assert "vm" in complete(context, "create ")
    assert complete(context, "create clus") == ["cluster"]
    # list takes the plural
    listed = complete(context, "list ")
    assert "vms" in listed and "hosts" in listed and "vm" not in listed
    assert "vms" in complete(context, "list v")
    # each verb offers the types that support it: icons are read-only
    assert "icon" not in complete(context, "create ")
    assert "icon" in complete(context, "show ")
    assert set(complete(context, "create ")) == set(index.type_names("create"))
    assert set(complete(context, "action ")) == set(index.type_names("action"))
    assert "settings" in complete(context, "show ")


def test_sub_collections_say_where_they_live(context):
    menu = {c.display: c.meta for c in candidates(analyse("list ", context.specs), context)}
    assert menu["nics"].startswith("under ")
    assert menu["vms"].startswith("also under ")  # top level, and below affinity groups…


def test_options_per_verb_and_type(context):
    create = complete(context, "create vm --")
    assert {"--name", "--cluster-name", "--cluster-id", "--memory", "--display-type", "--wait"} <= set(create)
    assert "--query" not in create
    listed = complete(context, "list vms --")
    assert {"--query", "--max", "--show-all", "--fields", "--help"} <= set(listed)
    assert "--cluster-name" not in listed
    assert complete(context, "create vm --display-t") == ["--display-type"]
    assert complete(context, "update vm web1 --memory_policy-ball") == ["--memory_policy-ballooning"]
    # options already given are not offered again, repeatable ones are
    assert "--name" not in complete(context, "create vm --name x --")
    assert "--os-boot-devices" in complete(context, "create vm --os-boot-devices hd --")


def test_options_come_required_then_documented_then_the_rest(context):
    offered = complete(context, "create vm --")
    assert offered.index("--name") < offered.index("--memory") < offered.index("--next_run_configuration_exists")
    assert offered.index("--cluster-name") < offered.index("--description")
    assert complete(context, "create vm --n")[0] == "--name"
    disk = complete(context, "create disk --")
    assert disk.index("--provisioned_size") < disk.index("--storage_domains") < disk.index("--actual_size")


def test_struct_list_fields_documented_first(context):
    offered = complete(context, "create glustervolume --parent-cluster-name c1 --bricks ")
    assert offered[:2] == ["brick_dir=", "server_id="] and "comment=" in offered
    assert texts(context, "create glustervolume --parent-cluster-name c1 --bricks brick_dir=/b,se") == [
        "brick_dir=/b,server_id="
    ]


def test_a_secret_field_is_offered_in_its_file_form(context):
    offered = complete(context, "create storagedomain --storage-logical_units id=1,pas")
    assert offered == ["password-file="]
    assert "password=" not in complete(context, "create storagedomain --storage-logical_units ")


def test_parent_options(context):
    offered = complete(context, "list nics --")
    assert {"--parent-vm-name", "--parent-vm-identifier", "--parent-template-name"} <= set(offered)
    after = complete(context, "list nics --parent-vm-name web1 --")
    assert "--parent-template-name" not in after
    assert "--max" in after
    assert "--interface" in complete(context, "create nic --parent-vm-name web1 --")


def test_only_parent_options_that_work_for_the_type(context):
    offered = set(complete(context, "list vms --"))
    assert "--parent-cluster-name" not in offered and "--parent-datacenter-name" not in offered
    assert {"--parent-storagedomain-name", "--parent-affinitygroup-name"} <= offered
    deeper = set(complete(context, "list vms --parent-affinitygroup-name g1 --"))
    assert "--parent-cluster-name" in deeper and "--parent-storagedomain-name" not in deeper
    assert "--parent-storagedomain-name" not in complete(context, "update vms --")  # cannot be updated there


def test_action_names_and_options(context):
    actions = complete(context, "action vm web1 ")
    assert {"start", "stop", "migrate", "shutdown", "ticket"} <= set(actions)
    assert complete(context, "action vm web1 mig") == ["migrate"]
    assert complete(context, "action host host0 deact") == ["deactivate"]
    migrate = complete(context, "action vm web1 migrate --")
    assert {"--host-name", "--force", "--async", "--wait"} <= set(migrate)
    assert "--display-type" not in migrate


def test_enum_and_boolean_values(context):
    assert complete(context, "create vm --display-type ") == ["spice", "vnc"]
    assert texts(context, "create vm --display-type=s") == ["spice "]
    assert set(complete(context, "create vm --os-boot-devices ")) == {"cdrom", "hd", "network"}
    assert complete(context, "create vm --stateless ") == ["true", "false"]
    assert complete(context, "list vms --case_sensitive f") == ["false"]
    # a flag's next word may also be another option
    assert "--name" in complete(context, "create vm --stateless --")


def test_live_object_names(context, asked):
    assert complete(context, "show vm ") == ["web1", "web2", "db 1"]
    assert ("vm", ()) in asked
    assert complete(context, "delete vm w") == ["web1", "web2"]
    # a name with a blank comes quoted, and an open quote is kept
    assert texts(context, "show vm db") == ["'db 1' "]
    assert texts(context, 'show vm "d') == ['"db 1" ']
    assert complete(context, "action vm w") == ["web1", "web2"]
    # references by name complete the referenced type's names
    assert complete(context, "create vm --cluster-name ") == ["Default", "Lab"]
    assert complete(context, "action vm web1 migrate --host-name ") == ["host0", "host1"]
    # parent options complete the parent's names; sub-collections use the parent path
    assert complete(context, "list nics --parent-vm-name ") == ["web1", "web2", "db 1"]
    assert complete(context, "show nic --parent-vm-name web1 ") == ["nic1", "nic2"]
    assert ("nic", (("vm", "name", "web1"),)) in asked


def test_no_names_or_types_while_disconnected(context):
    context.index, context.connected = None, False
    assert complete(context, "show vm ") == []
    assert complete(context, "list ") == []
    assert {"--url", "--username", "--ca-file"} <= set(complete(context, "connect --"))


def test_file_names(context, tmp_path: Path):
    (tmp_path / "script.cli").write_text("list vms\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / ".hidden").write_text("")
    base = f"{tmp_path}/"
    assert complete(context, f"file {base}sc") == ["script.cli", "scripts/"]
    assert texts(context, f"file {base}scripts") == [f"{base}scripts/"]
    assert texts(context, f"list vms > {base}scr") == [f"{base}script.cli ", f"{base}scripts/"]
    assert texts(context, f"list vms >> {base}script.") == [f"{base}script.cli "]
    assert complete(context, f"file {base}") == ["script.cli", "scripts/"]
    assert complete(context, f"file {base}.h") == [".hidden"]
    assert complete(context, f"connect --ca-file {base}scri") == ["script.cli", "scripts/"]


def test_settings(context):
    assert {"output", "pager", "color", "confirm", "viewer"} <= set(complete(context, "set "))
    assert complete(context, "set out") == ["output"]
    assert complete(context, "set output ") == ["text", "table", "json", "xml", "csv"]
    assert complete(context, "set pager o") == ["on", "off"]


def test_help_topics(context):
    assert "create" in complete(context, "help ")
    assert "vm" in complete(context, "help create ")
    assert "vms" in complete(context, "help list ")
    assert "migrate" in complete(context, "help action vm ")


def test_fuzzy_match_when_no_prefix_matches(context):
    assert complete(context, "create vm --dsptyp")[0] == "--display-type"
    assert complete(context, "lst") == ["list"]
    assert complete(context, "create vm --display-type spc") == ["spice"]
    assert complete(context, "zzzz") == []


def test_nothing_breaks_on_odd_lines(context):
    for text in ("list vms --query 'name=web", "show nosuchtype ", "create nosuch --", ">", "; ;", "--x", '"'):
        candidates(analyse(text, context.specs), context)  # never raises
    assert complete(context, "show nosuchtype ") == []


def test_long_name_lists_are_cut_with_a_common_prefix_entry(context, specs, index):
    many = tuple(f"web{i}" for i in range(1000)) + ("db1",)
    context.names = lambda type_name, parents: many if type_name == "vm" else ()
    offered = candidates(analyse("show vm w", specs), context)
    assert len(offered) == MAX_SHOWN + 1
    last = offered[-1]
    assert last.display == f"… {1000 - MAX_SHOWN} more"
    assert last.text == "web"  # Tab can complete no further than every match allows
    assert [c.display for c in candidates(analyse("show vm web99", specs), context)][:3] == ["web99", "web990", "web991"]


def test_output_format_on_any_command(context, specs):
    assert complete(context, "list vms -o ") == ["text", "table", "json", "xml", "csv"]
    assert complete(context, "show vm web1 --output j") == ["json"]
    assert "--output" in complete(context, "show vm web1 --")
    # -o and its value are not positional words: the object slot is still found
    assert analyse("show vm -o json ", specs).kind == OBJECT


def test_top_level_types_come_before_sub_collection_only_ones(context):
    shown = complete(context, "list v")
    assert shown.index("vms") < shown.index("virtualfunctionallowedlabels")
    assert shown[:3] == ["vms", "vmpools", "vnicprofiles"]


def test_a_secret_option_is_offered_in_its_file_form(context, tmp_path, monkeypatch):
    offered = complete(context, "action host host0 install --root")
    assert "--root_password-file" in offered and "--root_password" not in offered
    assert "--ssh-user-password-file" in complete(context, "create host --ssh-user-p")
    (tmp_path / "pw.txt").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    assert "pw.txt" in complete(context, "action host host0 install --root_password-file p")


def test_field_paths_for_fields_and_sort(context):
    assert complete(context, "list vms --fields na") == ["name"]
    assert texts(context, "list vms --fields name,memory_p") == ["name,memory_policy"]
    assert complete(context, "list vms --sort cpu-to") == ["cpu-topology"]
    assert texts(context, "show vm web1 --fields cpu-topology-c") == ["cpu-topology-cores"]
    assert "id" in complete(context, "list hosts --sort ")
    assert complete(context, "list vms --fields nosuch-") == []
    assert complete(context, "list nosuchtype --fields n") == []
