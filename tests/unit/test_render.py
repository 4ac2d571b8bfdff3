"""The output formats, checked against whole expected outputs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ovirtshell.output.render import FORMATS, render, render_error
from ovirtshell.output.table import default_columns
from ovirtshell.result import Result
from ovirtshell.status import ExitStatus, UsageError

ROOT = Path(__file__).resolve().parents[2]

WEB1 = {
    "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "href": "/ovirt-engine/api/vms/7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "name": "web1",
    "description": "front end",
    "comment": "",
    "status": "up",
    "memory": 1073741824,
    "stateless": False,
    "origin": None,
    "cpu": {"topology": {"cores": 2, "sockets": 1}},
    "os": {"type": "rhel_7x64", "boot": {"devices": ["hd", "cdrom"]}},
    "cluster": {
        "id": "5b2d8b0e-0000-4000-8000-000000000001",
        "href": "/ovirt-engine/api/clusters/5b2d8b0e-0000-4000-8000-000000000001",
    },
    "custom_properties": [
        {"name": "sap_agent", "value": "true"},
        {"name": "hugepages", "value": "1048576"},
    ],
}
DB1 = {
    "id": "11111111-2222-3333-4444-555555555555",
    "href": "/ovirt-engine/api/vms/11111111-2222-3333-4444-555555555555",
    "name": "db1",
    "status": "down",
    "memory": 4294967296,
    "stateless": True,
    "cpu": {"topology": {"cores": 4, "sockets": 2}},
}
LEGACY = {
    "id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "name": 'legacy, "old"',
    "status": {"state": "paused"},
    "memory": 536870912,
}
VMS = [WEB1, DB1, LEGACY]


def rendered(result: Result, fmt: str, **kwargs) -> str:
    out = io.StringIO()
    render(result, fmt, out, **kwargs)
    return out.getvalue()


# --- text ----------------------------------------------------------------------------------

WEB1_TEXT = """
id                     : 7c9e6679-7425-40de-944b-e07fc1f90ae7
name                   : web1
description            : front end
cluster-id             : 5b2d8b0e-0000-4000-8000-000000000001
cpu-topology-cores     : 2
cpu-topology-sockets   : 1
custom_properties-name : sap_agent
custom_properties-value: true
custom_properties-name : hugepages
custom_properties-value: 1048576
memory                 : 1073741824
os-boot-devices        : hd
os-boot-devices        : cdrom
os-type                : rhel_7x64
stateless              : false
status                 : up

"""


def test_text_object_follows_the_original_layout():
    # id/name/description first, the rest sorted, nested joined with '-', list members repeat,
    # href/None/empty hidden, booleans lower-case, padded to the longest name, blank lines around
    assert rendered(Result(data=WEB1, kind="vm"), "text") == WEB1_TEXT


def test_text_collection_without_show_all_shows_id_name_description_at_width_11():
    assert rendered(Result(data=VMS, kind="vm"), "text") == (
        "\n"
        "id         : 7c9e6679-7425-40de-944b-e07fc1f90ae7\n"
        "name       : web1\n"
        "description: front end\n"
        "\n"
        "id         : 11111111-2222-3333-4444-555555555555\n"
        "name       : db1\n"
        "\n"
        "id         : aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n"
        'name       : legacy, "old"\n'
        "\n"
    )


def test_text_collection_with_show_all_pads_to_the_whole_collection():
    expected = WEB1_TEXT + (
        "id                     : 11111111-2222-3333-4444-555555555555\n"
        "name                   : db1\n"
        "cpu-topology-cores     : 4\n"
        "cpu-topology-sockets   : 2\n"
        "memory                 : 4294967296\n"
        "stateless              : true\n"
        "status                 : down\n"
        "\n"
        "id                     : aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n"
        'name                   : legacy, "old"\n'
        "memory                 : 536870912\n"
        "status-state           : paused\n"
        "\n"
    )
    assert rendered(Result(data=VMS, kind="vm", show_all=True), "text") == expected


def test_text_fields_on_an_object_keep_the_order_given_and_accept_both_separators():
    result = Result(data=WEB1, fields=("name", "cpu.topology.cores", "os-boot-devices", "nope"))
    assert rendered(result, "text") == (
        "\n"
        "name              : web1\n"
        "cpu-topology-cores: 2\n"
        "os-boot-devices   : hd\n"
        "os-boot-devices   : cdrom\n"
        "\n"
    )


def test_text_fields_on_a_collection_apply_to_every_element():
    result = Result(data=VMS, fields=("name", "status", "custom_properties-name"))
    assert rendered(result, "text") == (
        "\n"
        "name                  : web1\n"
        "status                : up\n"
        "custom_properties-name: sap_agent\n"
        "custom_properties-name: hugepages\n"
        "\n"
        "name                  : db1\n"
        "status                : down\n"
        "\n"
        'name                  : legacy, "old"\n'
        "status-state          : paused\n"
        "\n"
    )


def test_text_message_is_one_line():
    assert rendered(Result(message="accepted."), "text") == "accepted.\n"


def test_text_data_then_message():
    result = Result(data={"id": "1", "name": "a"}, message="done.")
    assert rendered(result, "text") == "\nid  : 1\nname: a\n\ndone.\n"


def test_text_empty_collection_is_the_leading_blank_line():
    assert rendered(Result(data=[]), "text") == "\n"


def test_text_nothing_to_show_writes_nothing():
    for fmt in FORMATS:
        assert rendered(Result(), fmt) == ""


# --- table ---------------------------------------------------------------------------------


def test_table_collection_default_columns():
    assert rendered(Result(data=VMS, kind="vm"), "table") == (
        "name           id                                    status    description\n"
        "-------------  ------------------------------------  --------  -------------\n"
        "web1           7c9e6679-7425-40de-944b-e07fc1f90ae7  up        front end\n"
        "db1            11111111-2222-3333-4444-555555555555  down\n"
        'legacy, "old"  aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee  paused\n'
    )


def test_table_fields_are_exactly_the_columns():
    result = Result(data=VMS, fields=("name", "status", "cpu-topology-cores", "os.boot.devices"))
    assert rendered(result, "table") == (
        "name           status    cpu-topology-cores    os-boot-devices\n"
        "-------------  --------  --------------------  -----------------\n"
        "web1           up        2                     hd,cdrom\n"
        "db1            down      4\n"
        'legacy, "old"  paused\n'
    )


def test_table_object_is_field_value_pairs():
    result = Result(data=DB1, kind="vm")
    assert rendered(result, "table") == (
        "field                 value\n"
        "--------------------  ------------------------------------\n"
        "id                    11111111-2222-3333-4444-555555555555\n"
        "name                  db1\n"
        "cpu-topology-cores    4\n"
        "cpu-topology-sockets  2\n"
        "memory                4294967296\n"
        "stateless             true\n"
        "status                down\n"
    )


def test_table_cut_to_width_shortens_long_cells_and_ids_last():
    data = [{**vm, "description": "a rather long description of this machine"} for vm in VMS]
    # the widest column shrinks first; headers and ids are never cut while something else can be
    assert rendered(Result(data=data), "table", width=70) == (
        "name     id                                    status    description\n"
        "-------  ------------------------------------  --------  -------------\n"
        "web1     7c9e6679-7425-40de-944b-e07fc1f90ae7  up        a rather lon…\n"
        "db1      11111111-2222-3333-4444-555555555555  down      a rather lon…\n"
        "legacy…  aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee  paused    a rather lon…\n"
    )
    for width in (80, 70, 60):
        lines = rendered(Result(data=data), "table", width=width).splitlines()
        assert max(len(line) for line in lines) == width


def test_table_empty_collection_has_the_fallback_header():
    assert rendered(Result(data=[]), "table") == "name    id\n------  ----\n"


def test_default_columns_fill_with_short_fields_when_few_preferred_ones_exist():
    events = [
        {
            "id": "1",
            "href": "/ovirt-engine/api/events/1",
            "description": "VM web1 started",
            "code": 153,
            "severity": "normal",
            "vm": {"id": "v1"},
        },
        {"id": "2", "description": "VM db1 down", "code": 61, "severity": "alert"},
    ]
    assert default_columns(events) == ["id", "description", "code", "severity"]
    permissions = [{"id": "p1", "role": {"id": "r1"}, "user": {"id": "u1"}, "tags": ["a"]}]
    assert default_columns(permissions) == ["id", "role", "user"]
    assert default_columns(VMS) == ["name", "id", "status", "description"]


# --- json ----------------------------------------------------------------------------------


def test_json_object_is_the_plain_data_in_model_order_with_href():
    result = Result(data={"id": "1", "href": "/a/1", "name": "a", "up": True, "n": 2, "l": ["x"]})
    assert rendered(result, "json") == (
        "{\n"
        '  "id": "1",\n'
        '  "href": "/a/1",\n'
        '  "name": "a",\n'
        '  "up": true,\n'
        '  "n": 2,\n'
        '  "l": [\n'
        '    "x"\n'
        "  ]\n"
        "}\n"
    )
    whole = rendered(Result(data=WEB1), "json")
    assert json.loads(whole) == WEB1
    assert list(json.loads(whole)) == list(WEB1)


def test_json_collection_is_an_array():
    assert json.loads(rendered(Result(data=VMS), "json")) == VMS
    assert rendered(Result(data=[]), "json") == "[]\n"


def test_json_fields_keep_nested_paths_nested():
    result = Result(data=VMS, fields=("name", "cpu-topology-cores", "custom_properties.name"))
    assert json.loads(rendered(result, "json")) == [
        {
            "name": "web1",
            "cpu": {"topology": {"cores": 2}},
            "custom_properties": [{"name": "sap_agent"}, {"name": "hugepages"}],
        },
        {"name": "db1", "cpu": {"topology": {"cores": 4}}},
        {"name": 'legacy, "old"'},
    ]
    one = Result(data=WEB1, fields=("status", "id"))
    assert rendered(one, "json") == (
        '{\n  "status": "up",\n  "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7"\n}\n'
    )


def test_json_message():
    assert rendered(Result(message="accepted."), "json") == '{\n  "message": "accepted."\n}\n'


# --- xml -----------------------------------------------------------------------------------

ENGINE_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<vm href="/ovirt-engine/api/vms/123" id="123"><name>web1</name>\n'
    b"  <cpu><topology><cores>2</cores></topology></cpu>"
    b"<os><boot><devices><device>hd</device><device>cdrom</device></devices></boot></os></vm>"
)


def test_xml_is_the_engine_document_pretty_printed():
    result = Result(data={"id": "123"}, kind="vm", xml=ENGINE_XML)
    assert rendered(result, "xml") == (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<vm href="/ovirt-engine/api/vms/123" id="123">\n'
        "  <name>web1</name>\n"
        "  <cpu>\n"
        "    <topology>\n"
        "      <cores>2</cores>\n"
        "    </topology>\n"
        "  </cpu>\n"
        "  <os>\n"
        "    <boot>\n"
        "      <devices>\n"
        "        <device>hd</device>\n"
        "        <device>cdrom</device>\n"
        "      </devices>\n"
        "    </boot>\n"
        "  </os>\n"
        "</vm>\n"
    )


def test_xml_without_engine_document_is_generated():
    assert rendered(Result(message="accepted & done"), "xml") == (
        "<?xml version='1.0' encoding='UTF-8'?>\n<message>accepted &amp; done</message>\n"
    )
    data = [
        {"id": "1", "href": "/h/1", "name": "a", "ok": True, "custom_properties": [{"name": "x"}]}
    ]
    assert rendered(Result(data=data, kind="vm"), "xml") == (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<vms>\n"
        '  <vm id="1" href="/h/1">\n'
        "    <name>a</name>\n"
        "    <ok>true</ok>\n"
        "    <custom_properties>\n"
        "      <custom_property>\n"
        "        <name>x</name>\n"
        "      </custom_property>\n"
        "    </custom_properties>\n"
        "  </vm>\n"
        "</vms>\n"
    )


def test_xml_that_does_not_parse_is_written_as_it_came():
    assert rendered(Result(xml=b"<vm><name>web1"), "xml") == "<vm><name>web1\n"


# --- csv -----------------------------------------------------------------------------------


def test_csv_collection_uses_the_table_columns_and_rfc4180_quoting():
    assert rendered(Result(data=VMS), "csv") == (
        "name,id,status,description\n"
        "web1,7c9e6679-7425-40de-944b-e07fc1f90ae7,up,front end\n"
        "db1,11111111-2222-3333-4444-555555555555,down,\n"
        '"legacy, ""old""",aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee,paused,\n'
    )


def test_csv_fields():
    result = Result(data=VMS, fields=("name", "stateless", "os-boot-devices"))
    expected = [
        "name,stateless,os-boot-devices",
        'web1,false,"hd,cdrom"',
        "db1,true,",
        '"legacy, ""old""",,',
    ]
    assert rendered(result, "csv") == "\n".join(expected) + "\n"
    assert rendered(Result(data=[], fields=("name", "memory")), "csv") == "name,memory\n"


def test_csv_object_is_field_value_rows():
    result = Result(data={"id": "1", "name": "a", "os": {"boot": {"devices": ["hd", "cdrom"]}}})
    assert rendered(result, "csv") == (
        "field,value\nid,1\nname,a\nos-boot-devices,hd\nos-boot-devices,cdrom\n"
    )


def test_csv_and_table_print_a_message_line():
    assert rendered(Result(message="accepted."), "csv") == "accepted.\n"
    assert rendered(Result(message="accepted."), "table") == "accepted.\n"


# --- errors, colour, formats ---------------------------------------------------------------


def test_render_error_text_is_one_line():
    for fmt in ("text", "table", "csv", "xml"):
        err = io.StringIO()
        render_error(ExitStatus.NOT_FOUND, "vm foo does not exist.", fmt, err)
        assert err.getvalue() == "error: vm foo does not exist.\n"


def test_render_error_json_is_one_object_on_one_line():
    err = io.StringIO()
    render_error(ExitStatus.NOT_FOUND, "vm foo does not exist.", "json", err)
    assert err.getvalue() == (
        '{"error": {"status": 11, "name": "NOT_FOUND", "message": "vm foo does not exist."}}\n'
    )


def test_render_error_colour():
    err = io.StringIO()
    render_error(ExitStatus.REMOTE_ERROR, "Conflict", "text", err, color=True)
    assert err.getvalue() == "\x1b[31merror: Conflict\x1b[0m\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_escape_codes_without_colour(fmt):
    result = Result(data=VMS, kind="vm", xml=ENGINE_XML, show_all=True)
    assert "\x1b" not in rendered(result, fmt)
    assert "\x1b" not in rendered(Result(data=WEB1, xml=ENGINE_XML), fmt, width=40)


@pytest.mark.parametrize("fmt", ["text", "table", "json", "xml"])
def test_escape_codes_with_colour(fmt):
    assert "\x1b[" in rendered(Result(data=WEB1, xml=ENGINE_XML), fmt, color=True)


def test_text_colour_marks_the_field_names():
    result = Result(data={"id": "1", "name": "a"})
    assert rendered(result, "text", color=True) == (
        "\n\x1b[36mid  \x1b[0m: 1\n\x1b[36mname\x1b[0m: a\n\n"
    )


def test_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="text, table, json, xml, csv"):
        render(Result(message="x"), "yaml", io.StringIO())


def test_importing_render_does_not_import_pygments_or_tabulate():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = "import ovirtshell.output.render, sys; print('pygments' in sys.modules, 'tabulate' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "False False"


def test_wide_characters_align_after_an_ascii_table() -> None:
    """wcwidth is loaded only when a cell is not ASCII; a later wide cell still aligns."""
    from ovirtshell.output.table import render_table

    first, wide = io.StringIO(), io.StringIO()
    render_table([{"name": "a", "id": "1"}], first)
    render_table([{"name": "日本語", "id": "1"}, {"name": "ab", "id": "2"}], wide)
    lines = wide.getvalue().splitlines()
    assert lines[2] == "日本語  1"  # three wide characters fill the six-column name column
    assert lines[3] == "ab      2"
