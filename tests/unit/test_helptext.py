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
                assert "ATTRIBUTE OPTIONS" in page and "EXAMPLES" in page
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


def test_create_vm_page_groups_options_and_lists_enums(registry, index):
    page = helptext.type_page(index, "create", "vm", registry.get("create").SPEC)
    lines = page.splitlines()
    general = lines.index("  [general]")
    assert lines[general + 1].split()[0] == "--name"
    assert "  [cpu]" in lines
    assert any(line.split()[:1] == ["--cluster-id|name"] for line in lines)
    display = next(line for line in lines if line.split()[:1] == ["--display-type"])
    assert "spice" in display and "vnc" in display
    assert any("--custom_properties-custom_property--LIST: {name=string" in line for line in lines)
