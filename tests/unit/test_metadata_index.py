"""The resource tree derived from the model: type names, parents, verbs, actions, signatures."""

from __future__ import annotations

import json
import pickle
from functools import lru_cache
from pathlib import Path

import pytest

import ovirtsim
from ovirtshell.metadata.index import Index, singular
from ovirtshell.metadata.model import Model
from ovirtshell.status import ExitStatus, UsageError

MODEL_JSON = Path(ovirtsim.__file__).parent / "data" / "model.json"

VM_ACTIONS = {
    "start", "stop", "shutdown", "suspend", "reboot", "reset", "migrate", "cancel_migration",
    "clone", "export", "ticket", "logon", "maintenance", "preview_snapshot", "commit_snapshot",
    "undo_snapshot", "detach", "freeze_filesystems", "thaw_filesystems", "reorder_mac_addresses",
    "screenshot", "auto_pin_cpu_and_numa_nodes",
}  # fmt: skip


@lru_cache(maxsize=1)
def full() -> Index:
    return Index(Model.from_json(json.loads(MODEL_JSON.read_bytes())))


def p(name: str, type_: str, *, i: bool = True, o: bool = False) -> dict:
    return {"name": name, "type": type_, "in": i, "out": o}


def small_model() -> dict:
    """A hand-written model: widgets (with parts) and people, signatures and look-alikes."""
    return {
        "root": "system",
        "types": [
            {"kind": "primitive", "name": n} for n in ("string", "boolean", "integer", "date", "decimal")
        ]
        + [
            {"kind": "enum", "name": "color", "values": [{"name": "red"}, {"name": "blue"}]},
            {
                "kind": "struct",
                "name": "widget",
                "attributes": [
                    {"name": "size", "type": "integer"},
                    {"name": "color", "type": "color"},
                    {"name": "status", "type": "string"},
                    {"name": "id", "type": "string"},
                    {"name": "name", "type": "string"},
                ],
                "links": [{"name": "owner", "type": "person"}, {"name": "parts", "type": "part[]"}],
            },
            {"kind": "struct", "name": "person", "attributes": [{"name": "id", "type": "string"}, {"name": "name", "type": "string"}]},
            {"kind": "struct", "name": "part", "attributes": [{"name": "id", "type": "string"}, {"name": "weight", "type": "integer"}]},
        ],
        "services": [
            {"name": "system", "locators": [
                {"name": "widgets", "service": "widgets", "parameters": []},
                {"name": "people", "service": "people", "parameters": []},
                {"name": "settings", "service": "settings", "parameters": []},
            ]},
            {"name": "widgets", "methods": [
                {"name": "from_paint", "parameters": [p("widget", "widget", o=True), p("clone", "boolean"), p("paint", "string")]},
                {"name": "add", "parameters": [p("widget", "widget", o=True), p("clone", "boolean")]},
                {"name": "list", "parameters": [p("widgets", "widget[]", i=False, o=True), p("search", "string"), p("max", "integer")]},
            ], "locators": [{"name": "widget", "service": "widget", "parameters": [p("id", "string", i=False)]}]},
            {"name": "widget", "methods": [
                {"name": "copy", "parameters": [p("async", "boolean"), p("owner", "person")]},
                {"name": "export", "parameters": [p("async", "boolean"), p("owner", "person")]},
                {"name": "get", "parameters": [p("widget", "widget", i=False, o=True), p("follow", "string")]},
                {"name": "to_left", "parameters": [p("async", "boolean"), p("owner", "person"), p("angle", "integer")]},
                {"name": "to_right", "parameters": [p("async", "boolean"), p("owner", "person")]},
                {"name": "turn", "parameters": [p("async", "boolean"), p("owner", "person")]},
                {"name": "polish", "parameters": [p("async", "boolean")]},
                {"name": "remove", "parameters": [p("force", "boolean")]},
                {"name": "update", "parameters": [p("widget", "widget", o=True)]},
            ], "locators": [{"name": "widget_parts", "service": "parts", "parameters": []}]},
            {"name": "parts", "methods": [
                {"name": "add", "parameters": [p("part", "part", o=True)]},
                {"name": "list", "parameters": [p("parts", "part[]", i=False, o=True)]},
            ], "locators": [{"name": "part", "service": "part", "parameters": [p("id", "string", i=False)]}]},
            {"name": "part", "methods": [{"name": "get", "parameters": [p("part", "part", i=False, o=True)]}],
             "locators": [{"name": "owners", "service": "widgets", "parameters": []}]},
            {"name": "people", "methods": [{"name": "list", "parameters": [p("people", "person[]", i=False, o=True)]}],
             "locators": [{"name": "person", "service": "person", "parameters": [p("id", "string", i=False)]}]},
            {"name": "person", "methods": [{"name": "get", "parameters": [p("person", "person", i=False, o=True)]}],
             "locators": [{"name": "widgets", "service": "widgets", "parameters": []}]},
            {"name": "settings", "methods": [{"name": "get", "parameters": [p("setting", "person", i=False, o=True)]}]},
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def small() -> Index:
    return Index(Model.from_json(small_model()))


# -- type names -------------------------------------------------------------------------------


def test_type_names_follow_the_collection_segment_in_singular():
    names = full().all_names()
    for expected in ("vm", "host", "cluster", "datacenter", "storagedomain", "diskattachment",
                     "vnicprofile", "vmpool", "nic", "snapshot", "permission", "tag", "katelloerratum",
                     "networkattachment", "glusterbrick", "qos", "schedulingpolicy"):  # fmt: skip
        assert expected in names, expected
    assert "attachment" not in names and "profile" not in names and "pool" not in names


@pytest.mark.parametrize(
    ("plural", "hints", "expected"),
    [
        ("vnic_profiles", ["profile"], "vnic_profile"),
        ("katello_errata", ["katello_erratum"], "katello_erratum"),
        ("scheduling_policies", ["policy"], "scheduling_policy"),
        ("cpu_units", ["host_cpu_unit"], "cpu_unit"),
        ("qoss", ["qos"], "qos"),
        ("boxes", [], "box"),
        ("policies", [], "policy"),
    ],
)
def test_singular(plural, hints, expected):
    assert singular(plural, hints) == expected


def test_type_names_per_verb():
    index = full()
    assert "vm" in index.type_names("create") and "vm" in index.type_names("action")
    assert "event" in index.type_names("list") and "event" not in index.type_names("update")
    assert "statistic" in index.type_names("show") and "statistic" not in index.type_names("create")
    assert "externalvmimport" in index.type_names("create")
    assert "externalvmimport" not in index.type_names("list")
    with pytest.raises(UsageError):
        index.type_names("frobnicate")


def test_resolve_accepts_singular_plural_and_underscored_forms():
    index = full()
    assert index.resolve("vms") == "vm"
    assert index.resolve("vm") == "vm"
    assert index.resolve("datacenters") == "datacenter"
    assert index.resolve("data_centers") == "datacenter"
    assert index.resolve("DiskAttachments") == "diskattachment"
    assert index.resolve("katelloerrata") == "katelloerratum"
    assert index.resolve("nosuchthing") is None
    assert index.plural("vmpool") == "vmpools"


# -- resources and parents --------------------------------------------------------------------


def test_nic_lives_under_vm_and_host_with_different_item_types():
    index = full()
    chains = {r.parents for r in index.resources("nic")}
    assert {("vm",), ("host",), ("template",)} <= chains
    vm_nic = index.resource("nic", ["vm"])
    assert vm_nic.item_type == "nic" and vm_nic.path_template() == "/vms/{vm}/nics/{nic}"
    assert vm_nic.collection_template() == "/vms/{vm}/nics"
    host_nic = index.resource("nic", ["host"])
    assert host_nic.item_type == "host_nic" and host_nic.entity_service == "host_nic"
    assert not host_nic.can_add and vm_nic.can_add and vm_nic.can_update and vm_nic.can_remove


def test_a_type_that_needs_a_parent_says_which():
    with pytest.raises(UsageError) as err:
        full().resource("nic")
    message = str(err.value)
    assert err.value.status == ExitStatus.SYNTAX_ERROR
    assert message.startswith("nic needs a parent: ")
    assert "--parent-vm-name|identifier" in message and "--parent-host-name|identifier" in message
    assert "\n" not in message


def test_parents_of_diskattachment_and_snapshot():
    index = full()
    assert index.resource("diskattachment", ["vm"]).parents == ("vm",)
    assert index.resource("diskattachment", ["vm"]).segment == "diskattachments"
    assert index.resource("snapshot", ["vm"]).path_template() == "/vms/{vm}/snapshots/{snapshot}"
    deep = index.resource("diskattachment", ["storagedomain", "vm"])
    assert deep.parents == ("storagedomain", "vm")
    assert index.resource("diskattachment", ["vm", "storagedomain"]) is deep  # any order


def test_top_level_resource_is_chosen_without_parents():
    index = full()
    vm = index.resource("vms")
    assert vm.parent is None and vm.segment == "vms" and vm.searchable
    assert vm.can_list and vm.can_get and vm.can_add and vm.can_update and vm.can_remove
    assert index.resource("tag", ["vm"]).collection_service == "assigned_tags"
    assert not index.resource("nic", ["vm"]).searchable


def test_wrong_parent_is_a_usage_error_listing_the_right_ones():
    with pytest.raises(UsageError, match=r"nic has no parent cluster: use .*--parent-vm-name\|identifier"):
        full().resource("nic", ["cluster"])
    with pytest.raises(UsageError, match="unknown type"):
        full().resource("frob")


def test_gluster_brick_has_two_parents():
    r = full().resource("glusterbrick", ["glustervolume", "cluster"])
    assert r.parents == ("cluster", "glustervolume")
    assert r.path_template() == "/clusters/{cluster}/glustervolumes/{glustervolume}/glusterbricks/{glusterbrick}"


# -- actions and signatures -------------------------------------------------------------------


def test_vm_actions_are_exactly_the_real_ones():
    assert set(full().actions("vm")) == VM_ACTIONS


def test_host_actions_without_signature_methods():
    actions = set(full().actions("host"))
    assert {"activate", "deactivate", "install", "fence", "approve", "upgrade", "setup_networks"} <= actions
    assert not actions & {"using_ssh", "using_root_password"}


def test_signature_methods_are_merged_into_their_base():
    index = full()
    add = index.method("vms", "add")
    assert add is not None and add.parameter("clone") is not None and add.parameter("vm") is not None
    assert index.method("vms", "from_scratch") is None
    assert index.signatures("vms") == {"from_scratch", "from_snapshot", "from_configuration"}
    assert index.signatures("host") == {"using_ssh", "using_root_password"}
    assert index.signatures("vm") == {"to_export_domain", "to_path_on_host"}
    export = index.method("vm", "export")
    names = [x.name for x in export.parameters]
    assert {"storage_domain", "exclusive", "host", "directory", "filename"} <= set(names)
    assert len(names) == len(set(names))
    install = index.method("host", "install")
    assert install.parameter("ssh") is not None and install.parameter("root_password") is not None
    for service, signature in [("disks", "lun"), ("storage_domains", "direct_lun"),
                               ("disk_attachments", "signature1"), ("assigned_permissions", "user_level"),
                               ("templates", "from_vm"), ("image_transfers", "for_disk")]:  # fmt: skip
        assert index.method(service, signature) is None, signature
        assert index.method(service, "add") is not None


def test_look_alike_actions_are_not_signatures():
    index = full()
    assert index.method("template_disk", "copy") is not None  # same inputs as export, one alone
    assert index.method("template_disk", "export") is not None
    assert {"reset_option", "set_option"} <= set(index.resource("glustervolume", ["cluster"]).actions)
    assert {"reduce_luns", "refresh_luns"} <= set(index.resource("storagedomain").actions)


def test_action_method_accepts_url_form_and_suggests():
    index = full()
    vm = index.resource("vm")
    assert index.action_method(vm, "cancelmigration").name == "cancel_migration"
    assert index.action_method(vm, "cancel_migration").name == "cancel_migration"
    with pytest.raises(UsageError, match=r"did you mean migrate\?"):
        index.action_method(vm, "migrat")
    with pytest.raises(UsageError):
        index.action_method(vm, "from_scratch")


# -- the small hand-written model -------------------------------------------------------------


def test_small_model_tree(small):
    assert small.all_names() == ["owner", "person", "setting", "widget", "widgetpart"]
    widget = small.resource("widgets")
    assert widget.actions == ("copy", "export", "turn", "polish")
    assert small.method("widget", "turn").parameter("angle") is not None  # from to_left
    assert small.method("widgets", "add").parameter("paint") is not None  # from from_paint
    assert small.method("widget", "copy").parameter("angle") is None
    part = small.resource("widgetpart", ["widget"])
    assert part.path_template() == "/widgets/{widget}/widgetparts/{widgetpart}"
    assert part.can_add and part.can_get and not part.can_update
    # widgets -> parts -> owners (the widgets service again) is listed, but not walked into
    assert [r.parents for r in small.resources("widget")] == [(), ("person",)]
    assert [r.parents for r in small.resources("owner")] == [("widget", "widgetpart"), ("person", "widget", "widgetpart")]
    setting = small.resource("setting")
    assert setting.singleton and setting.can_get and setting.path_template() == "/settings"
    assert small.type_names("update") == ["owner", "widget"]


def test_index_is_immutable_and_picklable(small):
    with pytest.raises(AttributeError):
        small.model = None  # type: ignore[misc]
    copy = pickle.loads(pickle.dumps(small))
    assert copy.all_names() == small.all_names()
    assert copy.resource("widget") == small.resource("widget")
    assert copy.options("create", "widget").names() == small.options("create", "widget").names()
