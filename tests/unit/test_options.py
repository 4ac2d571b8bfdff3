"""Option specs derived from the full 4.6 model, and command lines turned into requests."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

import ovirtsim
from ovirtshell.metadata.index import Index
from ovirtshell.metadata.model import Model
from ovirtshell.metadata.options import OptionSet, OptionSpec
from ovirtshell.status import ExitStatus, UsageError

MODEL_JSON = Path(ovirtsim.__file__).parent / "data" / "model.json"


@lru_cache(maxsize=1)
def full() -> Index:
    return Index(Model.from_json(json.loads(MODEL_JSON.read_bytes())))


# -- derivation -------------------------------------------------------------------------------


def test_create_vm_options():
    options = full().options("create", "vm")
    names = set(options.names())
    for expected in ("name", "memory", "cpu-topology-cores", "cluster-id", "cluster-name",
                     "template-name", "custom_properties", "os-boot-devices", "high_availability-enabled",
                     "high_availability-priority", "memory_policy-guaranteed", "os-type", "display-type",
                     "placement_policy-hosts", "custom_compatibility_version-major"):  # fmt: skip
        assert expected in names, expected
    for absent in ("id", "status", "statistics", "statistics-id", "href", "creation_time", "search"):
        assert absent not in names, absent
    for link in ("nics", "disk_attachments", "snapshots", "tags"):  # list links are inputs too
        assert options.get(link).kind == "struct" and options.get(link).is_list, link
    assert options.get("memory").kind == "size" and options.get("cpu-topology-sockets").kind == "integer"
    assert options.get("cpu").kind == "json" and options.get("cluster").kind == "json"
    assert options.get("display-type").values == ("spice", "vnc")
    assert options.get("display-type").kind == "enum"
    assert options.get("os-boot-devices").is_list and options.get("os-boot-devices").values == ("cdrom", "hd", "network")
    clone = options.get("clone")
    assert (clone.target, clone.kind, clone.path) == ("query", "boolean", ("clone",))
    cores = options.get("cpu-topology-cores")
    assert (cores.target, cores.path, cores.group, cores.kind) == ("body", ("cpu", "topology", "cores"), "cpu", "integer")
    cluster = options.get("cluster-name")
    assert (cluster.kind, cluster.path, cluster.pair) == ("name", ("cluster", "name"), ("id", "name"))
    custom = options.get("custom_properties")
    assert custom.kind == "struct" and custom.is_list and custom.type == "custom_property"
    assert dict(custom.fields) == {"name": "string", "regexp": "string", "value": "string"}
    assert options.get("wait").target == "shell" and options.get("timeout").target == "shell"
    assert options.get("yes") is None


def test_display_forms():
    options = full().options("create", "vm")
    assert options.get("cluster-id").display() == "--cluster-id|name"
    assert options.get("cluster-name").display() == "--cluster-id|name"
    assert options.get("memory").display() == "--memory"
    assert options.get("custom_properties").display() == "--custom_properties"
    assert options.get("custom_properties-custom_property") is options.get("custom_properties")  # the original's
    displays = options.displays()
    assert displays.count("--cluster-id|name") == 1
    assert len(displays) == len(set(displays))


def test_options_are_grouped_by_top_level_attribute():
    specs = full().options("create", "vm").specs
    body_groups = [s.group for s in specs if s.target == "body"]
    seen: list[str] = []
    for group in body_groups:
        if not seen or seen[-1] != group:
            assert group not in seen, f"group {group} is split"
            seen.append(group)
    targets = [s.target for s in specs]
    assert targets.index("query") > max(i for i, t in enumerate(targets) if t == "body")
    assert full().options("create", "vm").names() == full().options("create", "vm").names()


def test_create_nic_under_vm():
    options = full().options("create", "nic", ["vm"])
    names = options.names()
    assert "vnic_profile-name" in names and "vnic_profile-id" in names
    assert "mac-address" in names and "interface" in names
    parent = options.get("parent-vm-name")
    assert (parent.target, parent.path, parent.display()) == ("parent", ("vm", "name"), "--parent-vm-name|identifier")
    assert options.get("parent-vm-identifier").path == ("vm", "id")
    assert options.get("vm-identifier") is options.get("parent-vm-identifier")  # the original's spelling
    assert options.get("parent-vm-id") is options.get("parent-vm-identifier")


def test_action_options():
    index = full()
    migrate = index.options("action", "vm", (), "migrate")
    assert migrate.get("host-name").path == ("host", "name")
    assert migrate.get("host-id").target == "body"
    assert migrate.get("force").kind == "boolean" and migrate.get("async").target == "body"
    start = index.options("action", "vm", (), "start")
    assert start.get("vm-os-boot-devices").path == ("vm", "os", "boot", "devices")
    assert start.get("vm-id") is None  # the VM is the URL, not an option
    assert start.get("use_cloud_init").kind == "boolean"
    assert index.options("action", "vm", (), "cancelmigration").names() == index.options(
        "action", "vm", (), "cancel_migration"
    ).names()
    fence = index.options("action", "host", (), "fence")
    assert "power_management" not in fence.names()  # an output, not an input
    install = index.options("action", "host", (), "install")
    assert {"ssh-port", "ssh-authentication_method", "root_password", "host-address"} <= set(install.names())
    setup = index.options("action", "host", (), "setup_networks")
    attachments = setup.get("modified_network_attachments")
    assert attachments.kind == "struct" and ("network.name", "string") in attachments.fields


def test_shell_option_clashing_with_a_model_option_is_renamed():
    upgrade = full().options("action", "host", (), "upgrade")
    assert upgrade.get("timeout").target == "body"
    renamed = upgrade.get("shell-timeout")
    assert renamed.target == "shell" and renamed.path == ("timeout",)
    request = upgrade.parse([("timeout", "30"), ("shell-timeout", "600"), ("wait", None)])
    assert request.body == {"timeout": 30}
    assert request.shell == {"timeout": 600, "wait": True}


def test_list_show_delete_options():
    index = full()
    listing = index.options("list", "vms")
    assert {"query", "max", "case_sensitive", "all_content", "follow", "kwargs", "fields", "show-all"} <= set(listing.names())
    assert listing.get("search") is None
    assert listing.get("case-sensitive") is listing.get("case_sensitive")
    assert listing.get("max").target == "query" and listing.get("query").target == "shell"
    show = index.options("show", "vm")
    assert {"fields", "follow", "all_content", "next_run"} <= set(show.names())
    delete = index.options("delete", "vm")
    assert {"force", "detach_only", "async", "yes", "wait", "timeout"} <= set(delete.names())
    assert delete.get("yes").target == "shell" and delete.get("force").target == "query"
    with pytest.raises(UsageError, match="cannot update event"):
        index.options("update", "event")
    with pytest.raises(UsageError, match="needs an action name"):
        index.options("action", "vm")


# -- parsing ----------------------------------------------------------------------------------


def test_parse_a_realistic_create_vm_command_line():
    options = full().options("create", "vm")
    request = options.parse(
        [
            ("--name", "web1"),
            ("memory", "2GiB"),
            ("cpu-topology-cores", "2"),
            ("cpu-topology-sockets", "1"),
            ("cluster-name", "Default"),
            ("template-name", "Blank"),
            ("os-boot-devices", "hd,cdrom"),
            ("os-type", "rhel_9x64"),
            ("display-type", "VNC"),
            ("high_availability-enabled", "true"),
            ("memory_policy-guaranteed", "1GiB"),
            ("custom_properties", "{name=sap_agent,value=true}"),
            ("custom_properties-custom_property", r"custom_property.name=a,custom_property.value=b\,c"),
            ("clone", None),
            ("wait", None),
        ]
    )
    assert request.body == {
        "name": "web1",
        "memory": 2 * 1024**3,
        "cpu": {"topology": {"cores": 2, "sockets": 1}},
        "cluster": {"name": "Default"},
        "template": {"name": "Blank"},
        "os": {"boot": {"devices": ["hd", "cdrom"]}, "type": "rhel_9x64"},
        "display": {"type": "vnc"},
        "high_availability": {"enabled": True},
        "memory_policy": {"guaranteed": 1024**3},
        "custom_properties": [{"name": "sap_agent", "value": "true"}, {"name": "a", "value": "b,c"}],
    }
    assert request.query == {"clone": True}
    assert request.shell == {"wait": True}
    assert request.parents == {}


def test_parse_parents_action_and_repeats():
    index = full()
    nic = index.options("create", "nic", ["vm"]).parse(
        [("parent-vm-name", "web1"), ("name", "nic2"), ("vnic_profile-name", "ovirtmgmt")]
    )
    assert nic.parents == {"vm": ("name", "web1")}
    assert nic.body == {"name": "nic2", "vnic_profile": {"name": "ovirtmgmt"}}
    old = index.options("list", "nic", ["vm"]).parse([("vm-identifier", "123"), ("max", "5")])
    assert old.parents == {"vm": ("id", "123")} and old.query == {"max": 5}
    migrate = index.options("action", "vm", (), "migrate").parse([("host-name", "host1"), ("force", "yes")])
    assert migrate.body == {"host": {"name": "host1"}, "force": True}
    start = index.options("action", "vm", (), "start").parse(
        [("vm-os-boot-devices", "cdrom"), ("vm-os-boot-devices", "hd"), ("async", "false")]
    )
    assert start.body == {"vm": {"os": {"boot": {"devices": ["cdrom", "hd"]}}}, "async": False}


def test_unknown_option_suggests_and_fails_with_syntax_error():
    options = full().options("create", "vm")
    assert options.suggest("memroy") == "memory"
    assert options.suggest("--cpu-topology-core") == "cpu-topology-cores"
    assert options.suggest("zzzzzzzzzz") is None
    with pytest.raises(UsageError) as err:
        options.parse([("memroy", "1G")])
    assert err.value.status == ExitStatus.SYNTAX_ERROR
    assert str(err.value) == "unknown option --memroy (did you mean --memory?)"
    with pytest.raises(UsageError, match="given more than once"):
        options.parse([("name", "a"), ("name", "b")])


def test_hyphen_underscore_variants_when_unambiguous():
    options = full().options("create", "vm")
    assert options.get("--memory-policy-guaranteed") is options.get("memory_policy-guaranteed")
    assert options.get("high-availability-enabled").name == "high_availability-enabled"
    assert options.get("--nonexistent") is None


def test_value_errors_name_the_option():
    options = full().options("create", "vm")
    with pytest.raises(UsageError, match=r"invalid value 'foo' for --display-type: expected one of spice, vnc"):
        options.parse([("display-type", "foo")])
    with pytest.raises(UsageError, match="--memory"):
        options.parse([("memory", "lots")])
    with pytest.raises(UsageError, match=r"unknown field 'colour' in --custom_properties: expected one of name, regexp, value"):
        options.parse([("custom_properties", "colour=red")])
    with pytest.raises(UsageError, match="--name needs a value"):
        options.parse([("name", None)])


def test_option_set_rejects_duplicates():
    spec = OptionSpec("x", "string", "string", "body", ("x",))
    with pytest.raises(ValueError, match="duplicate"):
        OptionSet((spec, OptionSpec("y", "string", "string", "body", ("y",), aliases=("x",))))


# -- the sweep --------------------------------------------------------------------------------

VERB_FLAGS = {"list": "can_list", "show": "can_get", "create": "can_add", "update": "can_update", "delete": "can_remove"}


def test_every_type_verb_and_action_of_the_full_model_derives_cleanly():
    index = full()
    built = 0
    for name in index.all_names():
        for resource in index.resources(name):
            jobs = [(verb, None) for verb, flag in VERB_FLAGS.items() if getattr(resource, flag)]
            jobs += [("action", action) for action in resource.actions]
            for verb, action in jobs:
                options = index.options(verb, name, resource.parents, action)
                accepted = options.all_names()
                assert len(accepted) == len(set(accepted)), (verb, name, action)
                assert len(options.names()) == len(set(options.names()))
                for spec in options.specs:
                    assert spec.display().startswith("--")
                    assert spec.target in ("body", "query", "parent", "shell")
                    assert options.get(spec.name) is spec
                    if spec.kind == "enum":
                        assert spec.values, spec.name
                    if spec.kind == "struct":
                        assert spec.fields and spec.is_list, spec.name
                for parent in resource.parents:
                    assert options.get(f"parent-{parent}-name") is not None
                built += 1
    assert built > 800


# -- secrets ----------------------------------------------------------------------------------


def test_secret_options_are_derived_from_the_attribute_names():
    from ovirtshell.metadata.options import is_secret

    assert is_secret("password") and is_secret("root_password")
    assert not is_secret("passwords") and not is_secret("public_key") and not is_secret("pass_through")
    secret = {s.name for s in full().options("create", "host").specs if s.secret}
    assert {"root_password", "ssh-user-password", "power_management-password"} <= secret
    assert all(name.endswith("password") for name in secret)
    assert {s.name for s in full().options("create", "user").specs if s.secret} == {"password"}
    assert "root_password" in {s.name for s in full().options("action", "host", (), "install").specs if s.secret}
    assert not [s for s in full().options("create", "vm").specs if s.secret and s.kind == "json"]
    for type_name, name in (("storagedomain", "storage-password"), ("externalvmimport", "password"),
                            ("storageconnection", "password"), ("fenceagent", "password")):
        parents = ("host",) if type_name == "fenceagent" else ()
        assert full().options("create", type_name, parents).get(name).secret, type_name


def test_a_secret_comes_from_its_file_form_and_never_from_the_line(tmp_path):
    options = full().options("create", "host")
    secret = tmp_path / "pw"
    secret.write_text("s3cret\nsecond line\n")
    request = options.parse([("root_password-file", str(secret)), ("ssh-user-password_file", str(secret))])
    assert request.body["root_password"] == "s3cret"
    assert request.body["ssh"]["user"]["password"] == "s3cret"
    assert options.get("root_password").display() == "--root_password-file"
    assert options.get("name-file") is None  # only secrets have a file form
    for pairs in ([("root_password", "s3cret")], [("root_password", None)], [("root_password-file", None)],
                  [("ssh", '{"user": {"password": "s3cret"}}')]):
        with pytest.raises(UsageError) as caught:
            options.parse(pairs)
        assert "s3cret" not in str(caught.value) and "-file" in str(caught.value)
        assert caught.value.status == ExitStatus.SYNTAX_ERROR
    with pytest.raises(UsageError, match="asks on a terminal and there is none"):
        options.parse([("root_password", "-")])  # pytest's stdin is no terminal
