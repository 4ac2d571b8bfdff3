"""list --sort: the listing ordered on the client by fields, numbers by value, text naturally."""

from __future__ import annotations

import json

from lxml import etree

from ovirtshell.status import ExitStatus


def names(run) -> list[str]:
    assert run.status == ExitStatus.OK, run.err
    return [item["name"] for item in json.loads(run.out)]


def test_sort_by_number_then_name(ovirt) -> None:
    listed = json.loads(ovirt("-o", "json", "-E", "list vms").out)
    by_memory = names(ovirt("-o", "json", "-E", "list vms --sort memory:desc,name"))
    expected = sorted(listed, key=lambda vm: (-vm["memory"], vm["name"]))
    assert by_memory == [vm["name"] for vm in expected]
    assert len({vm["memory"] for vm in listed}) > 1  # the demo has VMs of several sizes
    ascending = names(ovirt("-o", "json", "-E", "list vms --sort memory:asc,name:desc"))
    assert ascending == [vm["name"] for vm in sorted(listed, key=lambda vm: (vm["memory"], _neg(vm["name"])))]


def _neg(text: str) -> list[int]:
    return [-ord(c) for c in text]


def test_text_sorts_naturally_and_objects_without_the_field_come_last(ovirt) -> None:
    assert ovirt("-E", "create vm --name vm10 --cluster-name Default --template-name Blank").status == 0
    assert names(ovirt("-o", "json", "-E", "list vms --sort name")) == ["vm0", "vm1", "vm2", "vm3", "vm4", "vm10"]
    for order in ("asc", "desc"):  # either direction: the VMs without a host come last
        on_hosts = json.loads(ovirt("-o", "json", "-E", f"list vms --sort host-id:{order}").out)
        placed = [vm for vm in on_hosts if vm.get("host")]
        assert placed and len(placed) < len(on_hosts) and on_hosts[: len(placed)] == placed
    csv = ovirt("-o", "csv", "-E", "list vms --sort name:desc --fields name").out.splitlines()
    assert csv == ["name", "vm10", "vm4", "vm3", "vm2", "vm1", "vm0"]


def test_sorted_xml_is_a_document_in_that_order(ovirt) -> None:
    run = ovirt("-o", "xml", "-E", "list vms --sort name:desc")
    assert run.status == ExitStatus.OK, run.err
    root = etree.fromstring(run.out.encode())
    shown = [vm.findtext("name") for vm in root]
    assert shown == names(ovirt("-o", "json", "-E", "list vms --sort name:desc")) and len(shown) >= 5


def test_bad_sort_is_a_syntax_error(ovirt) -> None:
    for line, message in [
        ("list vms --sort nosuch", "unknown field 'nosuch' for vm"),
        ("list vms --sort name:up", "invalid --sort part 'name:up'"),
        ("list vms --sort ,", "invalid --sort part ''"),
        ("list events --follow --sort time", "--sort does not apply to list events --follow"),
    ]:
        run = ovirt("-E", line)
        assert run.status == ExitStatus.SYNTAX_ERROR, (line, run.err)
        assert message in run.err and len(run.err.strip().splitlines()) == 1
