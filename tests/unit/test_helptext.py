"""Help pages build for every command, every type × verb and every action of the full 4.6 model."""

from __future__ import annotations

import pytest

from ovirtshell import helptext
from ovirtshell.commands import Registry
from ovirtshell.metadata.loader import BUNDLED_MODEL, build_index

VERBS = ("list", "show", "create", "update", "delete", "action")


@pytest.fixture(scope="module")
def index():
    return build_index(BUNDLED_MODEL.read_bytes())


@pytest.fixture(scope="module")
def registry():
    return Registry()


def test_every_command_has_a_page(registry, index):
    for spec in registry.specs():
        page = helptext.command_page(spec, index)
        assert page.startswith(f"USAGE\n  {spec.usage}")
        assert "RETURN VALUES" in page and "12 TIMEOUT" in page


def test_general_page_lists_every_command(registry):
    page = helptext.general_page(registry.specs(), connected=False)
    for spec in registry.specs():
        assert f"  {spec.name} " in page


def test_every_type_verb_and_action_page_builds(registry, index):
    pages = 0
    for verb in VERBS:
        spec = registry.get(verb).SPEC
        for name in index.type_names(verb):
            for resource in index.resources(name):
                if not _supports(resource, verb):
                    continue
                parents = resource.parents
                if verb == "action":
                    listing = helptext.type_page(index, verb, name, spec, parents)
                    assert "ACTIONS" in listing and resource.actions[0] in listing
                    for action in resource.actions:
                        page = helptext.type_page(index, verb, name, spec, parents, action)
                        assert f"action {name} <id|name> {action}" in page
                        pages += 1
                    continue
                page = helptext.type_page(index, verb, name, spec, parents)
                assert "OPTIONS" in page and "EXAMPLES" in page
                for parent in parents:
                    assert f"--parent-{parent}-name|identifier" in page
                pages += 1
    assert pages > 800


def _supports(resource, verb: str) -> bool:
    return {
        "list": resource.can_list,
        "show": resource.can_get,
        "create": resource.can_add,
        "update": resource.can_update,
        "delete": resource.can_remove,
        "action": bool(resource.actions),
    }[verb]


def test_create_vm_page_leads_with_required_options_and_lists_enums(registry, index):
    page = helptext.type_page(index, "create", "vm", registry.get("create").SPEC)
    lines = page.splitlines()
    assert lines[lines.index("REQUIRED OPTIONS") + 2].split()[0] == "--name"
    assert any(line.split()[:1] == ["--cluster-id|name"] for line in lines)
    display = next(line for line in lines if line.split()[:1] == ["--display-type"])
    assert "spice" in display and "vnc" in display
    assert any(line.split()[:2] == ["--custom_properties", "name=…,value=…,…"] for line in lines)
    assert "[cpu]" not in page  # the grouped listing of every attribute is --all's
    everything = helptext.type_page(index, "create", "vm", registry.get("create").SPEC, everything=True)
    other = everything[everything.index("OTHER OPTIONS"):]
    assert "  [general]" in other.splitlines() and "--next_run_configuration_exists" in other
    assert "fields: active (boolean), bootable (boolean), interface" in other  # --disk_attachments


def test_type_pages_wrap_to_the_width(registry, index):
    for width in (60, 78, 120):
        page = helptext.type_page(index, "create", "disk", registry.get("create").SPEC, width=width, everything=True)
        body = page.splitlines()[: page.splitlines().index("EXAMPLES")]
        for line in body:  # only a word that cannot be broken (a long field list) overflows
            assert len(line) <= width or len(line.split()[-1]) > width // 2, line
