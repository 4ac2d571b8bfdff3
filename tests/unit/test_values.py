"""Parsing one option value: enums, booleans, sizes, decimals, dates, struct list elements."""

from __future__ import annotations

import pytest

from ovirtshell.metadata.options import OptionSpec
from ovirtshell.metadata.values import parse_value, split_escaped
from ovirtshell.status import ExitStatus, UsageError


def spec(kind: str, name: str = "opt", **extra) -> OptionSpec:
    return OptionSpec(name=name, kind=kind, type=extra.pop("type", kind), target="body", path=(name,), **extra)


CUSTOM = spec(
    "struct",
    "custom_properties",
    type="custom_property",
    is_list=True,
    element="custom_property",
    fields=(("name", "string"), ("value", "string"), ("priority", "size"), ("mode", "mode"), ("host.name", "string")),
    field_values=(("mode", ("fast", "slow")),),
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("TRUE", True), ("yes", True), ("1", True), ("false", False), ("No", False), ("0", False), (None, True)],
)
def test_booleans(raw, expected):
    assert parse_value(spec("boolean"), raw) is expected


def test_bad_boolean():
    with pytest.raises(UsageError, match=r"invalid value 'maybe' for --opt: expected true or false"):
        parse_value(spec("boolean"), "maybe")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        ("-5", -5),
        ("2GiB", 2 * 1024**3),
        ("512MiB", 512 * 1024**2),
        ("1G", 1024**3),
        ("1.5GiB", 1610612736),
        ("2gb", 2 * 1024**3),
        ("4 KiB", 4096),
        ("100B", 100),
        ("1T", 1024**4),
    ],
)
def test_byte_sizes_take_units(raw, expected):
    assert parse_value(spec("size"), raw) == expected


@pytest.mark.parametrize("raw", ["lots", "1.5", "2XiB", "0.3K", "", "1e3"])
def test_bad_sizes(raw):
    with pytest.raises(UsageError) as err:
        parse_value(spec("size", "memory"), raw)
    assert err.value.status == ExitStatus.SYNTAX_ERROR and "--memory" in str(err.value)


@pytest.mark.parametrize("raw", ["1KiB", "2G", "1.5", "lots", ""])
def test_plain_integers_take_no_units(raw):
    with pytest.raises(UsageError, match="expected an integer"):
        parse_value(spec("integer", "cpu-topology-sockets"), raw)
    assert parse_value(spec("integer"), " -3 ") == -3


def test_decimal_and_string_and_value_required():
    assert parse_value(spec("decimal"), "2.5") == 2.5
    with pytest.raises(UsageError, match="expected a decimal number"):
        parse_value(spec("decimal"), "nan")
    assert parse_value(spec("string"), " keep spaces ") == " keep spaces "
    with pytest.raises(UsageError, match="--opt needs a value"):
        parse_value(spec("string"), None)


def test_enums_are_checked_against_the_model():
    display = spec("enum", "display-type", type="display_type", values=("spice", "vnc"))
    assert parse_value(display, "VNC") == "vnc"
    with pytest.raises(UsageError) as err:
        parse_value(display, "foo")
    assert str(err.value) == "invalid value 'foo' for --display-type: expected one of spice, vnc"


@pytest.mark.parametrize("raw", ["2024-05-01", "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.123+02:00"])
def test_dates_pass_through_validated(raw):
    assert parse_value(spec("date"), raw) == raw


def test_bad_date():
    with pytest.raises(UsageError, match="ISO 8601"):
        parse_value(spec("date"), "yesterday")


def test_primitive_lists_split_on_unescaped_commas():
    devices = spec("enum", "os-boot-devices", is_list=True, values=("cdrom", "hd", "network"))
    assert parse_value(devices, "hd, cdrom") == ["hd", "cdrom"]
    assert parse_value(devices, "hd") == ["hd"]
    with pytest.raises(UsageError, match="expected one of cdrom, hd, network"):
        parse_value(devices, "hd,floppy")
    assert parse_value(spec("string", is_list=True), r"a\,b,c") == ["a,b", "c"]
    assert parse_value(spec("size", is_list=True), "1,2K") == [1, 2048]
    assert parse_value(spec("integer", is_list=True), "1,2") == [1, 2]


def test_struct_elements_in_every_accepted_form():
    assert parse_value(CUSTOM, "{name=a,value=b}") == [{"name": "a", "value": "b"}]
    assert parse_value(CUSTOM, "name=a,value=b") == [{"name": "a", "value": "b"}]
    assert parse_value(CUSTOM, "custom_property.name=a,custom_property.value=b") == [{"name": "a", "value": "b"}]
    assert parse_value(CUSTOM, r"name=x,value=1\,2") == [{"name": "x", "value": "1,2"}]
    assert parse_value(CUSTOM, "value=a=b") == [{"value": "a=b"}]


def test_struct_fields_are_typed_and_nested():
    assert parse_value(CUSTOM, "name=a,priority=2K,mode=FAST,host.name=h1") == [
        {"name": "a", "priority": 2048, "mode": "fast", "host": {"name": "h1"}}
    ]
    with pytest.raises(UsageError, match="expected one of fast, slow"):
        parse_value(CUSTOM, "mode=medium")
    with pytest.raises(UsageError, match="--custom_properties priority"):
        parse_value(CUSTOM, "priority=high")


def test_repeated_field_starts_a_new_element():
    assert parse_value(CUSTOM, "name=a,value=1,name=b,value=2") == [
        {"name": "a", "value": "1"},
        {"name": "b", "value": "2"},
    ]


def test_struct_errors_list_the_fields():
    with pytest.raises(UsageError) as err:
        parse_value(CUSTOM, "colour=red")
    assert str(err.value) == (
        "unknown field 'colour' in --custom_properties: expected one of name, value, priority, mode, host.name"
    )
    with pytest.raises(UsageError, match="expected field=value"):
        parse_value(CUSTOM, "name")
    with pytest.raises(UsageError, match="at least one field"):
        parse_value(CUSTOM, "{}")


def test_split_escaped():
    assert split_escaped(r"a\,b,c\\,d", ",") == ["a,b", "c\\", "d"]
    assert split_escaped("", ",") == [""]
