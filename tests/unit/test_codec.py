"""The model-aware codec: engine XML ⇄ plain data, against the real 4.6 model."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from lxml import etree

from ovirtshell.api import codec
from ovirtshell.api.codec import decode, decode_action, decode_fault, decode_list, encode
from ovirtshell.metadata.model import Model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model() -> Model:
    with open(ROOT / "ovirtsim" / "data" / "model.json", encoding="utf-8") as f:
        return Model.from_json(json.load(f))


def in_zone(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    time.tzset()


@pytest.fixture(autouse=True)
def paris(monkeypatch: pytest.MonkeyPatch):
    """Dates are decoded into the client's zone: here the one the samples are written in
    (+01:00 in January), so that they read back as they were written."""
    in_zone(monkeypatch, "Europe/Paris")
    yield
    monkeypatch.undo()
    time.tzset()


# The facts doc's §4 sample, extended with a followed link, lists, decimals and an unknown element.
VM_XML = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<vm href="/ovirt-engine/api/vms/123" id="123">
  <actions>
    <link href="/ovirt-engine/api/vms/123/start" rel="start"/>
    <link href="/ovirt-engine/api/vms/123/cancelmigration" rel="cancelmigration"/>
  </actions>
  <name>web1</name>
  <description></description>
  <link href="/ovirt-engine/api/vms/123/diskattachments" rel="diskattachments"/>
  <link href="/ovirt-engine/api/vms/123/permissions" rel="permissions"/>
  <cpu><architecture>x86_64</architecture><topology><cores>1</cores><sockets>2</sockets><threads>1</threads></topology></cpu>
  <creation_time>2024-01-10T10:00:00.000+01:00</creation_time>
  <custom_properties>
    <custom_property><name>sndbuf</name><value>0</value></custom_property>
    <custom_property><name>hugepages</name><value>2048</value></custom_property>
  </custom_properties>
  <memory>2147483648</memory>
  <os><boot><devices><device>hd</device><device>cdrom</device></devices></boot><type>rhel_8x64</type></os>
  <stateless>false</stateless>
  <delete_protected>true</delete_protected>
  <type>server</type>
  <cluster href="/ovirt-engine/api/clusters/456" id="456"/>
  <status>up</status>
  <host href="/ovirt-engine/api/hosts/abc" id="abc"/>
  <nics>
    <nic href="/ovirt-engine/api/vms/123/nics/n1" id="n1">
      <name>nic1</name><interface>virtio</interface><plugged>true</plugged>
      <mac><address>56:6f:1a:2b:00:01</address></mac>
      <vm href="/ovirt-engine/api/vms/123" id="123"/>
    </nic>
  </nics>
  <x_vendor_extension kind="test"><level>3</level><tags><tag>a</tag><tag>b</tag></tags></x_vendor_extension>
</vm>
"""

VM_DATA = {
    "id": "123",
    "href": "/ovirt-engine/api/vms/123",
    "name": "web1",
    "description": "",
    "cpu": {"architecture": "x86_64", "topology": {"cores": 1, "sockets": 2, "threads": 1}},
    "creation_time": "2024-01-10T10:00:00.000+01:00",
    "custom_properties": [
        {"name": "sndbuf", "value": "0"},
        {"name": "hugepages", "value": "2048"},
    ],
    "memory": 2147483648,
    "os": {"boot": {"devices": ["hd", "cdrom"]}, "type": "rhel_8x64"},
    "stateless": False,
    "delete_protected": True,
    "type": "server",
    "cluster": {"id": "456", "href": "/ovirt-engine/api/clusters/456"},
    "status": "up",
    "host": {"id": "abc", "href": "/ovirt-engine/api/hosts/abc"},
    "nics": [
        {
            "id": "n1",
            "href": "/ovirt-engine/api/vms/123/nics/n1",
            "name": "nic1",
            "interface": "virtio",
            "plugged": True,
            "mac": {"address": "56:6f:1a:2b:00:01"},
            "vm": {"id": "123", "href": "/ovirt-engine/api/vms/123"},
        }
    ],
    "x_vendor_extension": {"kind": "test", "level": "3", "tags": ["a", "b"]},
}


def test_dates_are_shown_in_the_clients_zone(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    in_zone(monkeypatch, "UTC")
    assert decode(model, "vm", VM_XML)["creation_time"] == "2024-01-10T09:00:00.000+00:00"
    in_zone(monkeypatch, "Asia/Kolkata")
    assert decode(model, "vm", VM_XML)["creation_time"] == "2024-01-10T14:30:00.000+05:30"
    for kept in ("", "yesterday", "2024-01-10T10:00:00"):  # unparsable, or naming no zone
        xml = f"<vm><creation_time>{kept}</creation_time></vm>".encode()
        assert decode(model, "vm", xml)["creation_time"] == kept


def test_decode_vm_exactly(model: Model) -> None:
    data = decode(model, "vm", VM_XML)
    assert data == VM_DATA
    # the types, not only the values: 2147483648 is an int, false a bool
    assert type(data["memory"]) is int and data["stateless"] is False
    assert "actions" not in data and "link" not in data and "permissions" not in data


def test_decode_accepts_a_parsed_element(model: Model) -> None:
    element = etree.fromstring(VM_XML)
    assert decode(model, "vm", element) == VM_DATA


def test_decode_decimal_and_dates(model: Model) -> None:
    xml = b"""<statistic id="s1"><name>cpu.current.guest</name><kind>gauge</kind><type>decimal</type>
      <unit>percent</unit><values><value><datum>12.5</datum></value><value><datum>3</datum></value></values></statistic>"""
    data = decode(model, "statistic", xml)
    assert data["values"] == [{"datum": 12.5}, {"datum": 3.0}]
    assert all(type(v["datum"]) is float for v in data["values"])
    assert data["kind"] == "gauge" and data["unit"] == "percent"


def test_decode_host_numa_nodes_wrapper_exception(model: Model) -> None:
    xml = b"""<host id="h1"><name>h1</name><host_numa_nodes><host_numa_node id="0"><index>0</index>
      <memory>1024</memory></host_numa_node></host_numa_nodes><port>54321</port></host>"""
    assert decode(model, "host", xml) == {
        "id": "h1",
        "name": "h1",
        "numa_nodes": [{"id": "0", "index": 0, "memory": 1024}],
        "port": 54321,
    }


def test_decode_list(model: Model) -> None:
    xml = b"<vms>" + VM_XML.split(b"?>", 1)[1] + b'<vm id="9"><name>db</name></vm></vms>'
    items = decode_list(model, "vm", xml)
    assert items == [VM_DATA, {"id": "9", "name": "db"}]
    assert decode_list(model, "vm", b"<vms/>") == []
    # operating systems come back as <operation_systems> (sic): the wrapper name does not matter
    oses = decode_list(
        model, "operating_system_info", b'<operation_systems><operating_system id="0"><name>other</name>'
        b"</operating_system></operation_systems>"
    )
    assert oses == [{"id": "0", "name": "other"}]


def test_decode_api_root(model: Model) -> None:
    xml = b"""<api><link href="/ovirt-engine/api/clusters" rel="clusters"/>
      <product_info><instance_id>7f3a</instance_id><name>oVirt Engine</name><vendor>ovirt.org</vendor>
      <version><build>4</build><full_version>4.5.4-1.el8</full_version><major>4</major><minor>5</minor>
      <revision>0</revision></version></product_info>
      <summary><hosts><active>1</active><total>2</total></hosts></summary>
      <time>2024-05-02T10:11:12.345+02:00</time>
      <authenticated_user href="/ovirt-engine/api/users/abc" id="abc"/></api>"""
    assert decode(model, "api", xml) == {
        "product_info": {
            "instance_id": "7f3a",
            "name": "oVirt Engine",
            "vendor": "ovirt.org",
            "version": {"build": 4, "full_version": "4.5.4-1.el8", "major": 4, "minor": 5, "revision": 0},
        },
        "summary": {"hosts": {"active": 1, "total": 2}},
        "time": "2024-05-02T10:11:12.345+02:00",
        "authenticated_user": {"id": "abc", "href": "/ovirt-engine/api/users/abc"},
    }


def test_encode_create_vm_body(model: Model) -> None:
    body = encode(
        model,
        "vm",
        {
            "name": "web2",
            "cluster": {"name": "Default"},
            "template": {"id": "00000000-0000-0000-0000-000000000000"},
            "memory": 1073741824,
            "stateless": True,
            "cpu": {"topology": {"cores": 2, "sockets": 1}},
            "os": {"boot": {"devices": ["network", "hd"]}},
            "custom_properties": [{"name": "a", "value": "b"}],
            "initialization": {"dns_servers": "8.8.8.8", "nic_configurations": []},
            "description": None,
        },
    )
    root = etree.fromstring(body)
    assert root.tag == "vm"
    assert root.findtext("name") == "web2"
    assert root.find("cluster").findtext("name") == "Default"
    assert root.find("template").get("id") == "00000000-0000-0000-0000-000000000000"
    assert root.find("template").find("id") is None  # id is an attribute, never an element
    assert root.findtext("memory") == "1073741824"
    assert root.findtext("stateless") == "true"
    assert root.findtext("cpu/topology/cores") == "2"
    assert [d.text for d in root.find("os/boot/devices")] == ["network", "hd"]
    assert [d.tag for d in root.find("os/boot/devices")] == ["device", "device"]
    props = root.find("custom_properties")
    assert [p.tag for p in props] == ["custom_property"]
    assert props[0].findtext("name") == "a" and props[0].findtext("value") == "b"
    assert root.findtext("initialization/dns_servers") == "8.8.8.8"  # a plain string attribute
    assert root.find("description") is None  # None means "not given"
    assert body.startswith(b"<vm>")  # no XML declaration


def test_encode_list_item_tags(model: Model) -> None:
    """Struct lists: items are the type name; primitive/enum lists: the singular of the attribute."""
    body = encode(
        model,
        "host",
        {"nics": [{"name": "eth0"}], "numa_nodes": [{"index": 1}], "cluster": {"id": "c1"}},
    )
    root = etree.fromstring(body)
    assert [e.tag for e in root.find("nics")] == ["host_nic"]
    assert root.find("host_numa_nodes")[0].tag == "host_numa_node"
    cluster = encode(model, "cluster", {"required_rng_sources": ["urandom", "hwrng"]})
    assert [e.tag for e in etree.fromstring(cluster).find("required_rng_sources")] == [
        "required_rng_source",
        "required_rng_source",
    ]
    network = encode(model, "network", {"usages": ["vm", "display"]})
    assert [e.tag for e in etree.fromstring(network).find("usages")] == ["usage", "usage"]
    init = encode(model, "dns", {"servers": [{"address": "1.1.1.1"}], "search_domains": [{"name": "x"}]})
    root = etree.fromstring(init)
    assert root.find("servers")[0].tag == "host" and root.find("search_domains")[0].tag == "host"


def test_encode_action_body(model: Model) -> None:
    body = encode(
        model,
        "action",
        {
            "async": False,
            "use_cloud_init": True,
            "vm": {"os": {"boot": {"devices": ["cdrom"]}}},
            "iscsi_targets": ["iqn.a", "iqn.b"],
        },
        tag="action",
    )
    assert body == (
        b"<action><async>false</async><use_cloud_init>true</use_cloud_init>"
        b"<vm><os><boot><devices><device>cdrom</device></devices></boot></os></vm>"
        b"<iscsi_targets><iscsi_target>iqn.a</iscsi_target><iscsi_target>iqn.b</iscsi_target></iscsi_targets>"
        b"</action>"
    )
    assert encode(model, "action", {}) == b"<action/>"


def test_round_trip_nested_lists(model: Model) -> None:
    data = {
        "id": "t1",
        "name": "tmpl",
        "os": {"boot": {"devices": ["hd"]}},
        "custom_properties": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}],
        "nics": [
            {"name": "n1", "interface": "e1000", "vnic_profile": {"id": "p1"}},
            {"name": "n2", "interface": "virtio"},
        ],
        "initialization": {
            "nic_configurations": [
                {"name": "eth0", "on_boot": True, "ip": {"address": "10.0.0.2", "version": "v4"}}
            ],
            "dns_servers": "1.1.1.1",
        },
        "sso": {"methods": [{"id": "guest_agent"}]},
    }
    assert decode(model, "vm", encode(model, "vm", data)) == data


def test_unknown_elements_are_kept(model: Model) -> None:
    xml = b"""<vm id="1"><name>a</name><future_feature><enabled>true</enabled><mode>x</mode></future_feature>
      <flag>on</flag><empty/><items><item>1</item></items><pair><k>1</k><k>2</k></pair></vm>"""
    data = decode(model, "vm", xml)
    assert data == {
        "id": "1",
        "name": "a",
        "future_feature": {"enabled": "true", "mode": "x"},
        "flag": "on",
        "empty": "",
        "items": ["1"],
        "pair": ["1", "2"],
    }
    # an unknown type name: decoded generically, not lost
    assert decode(model, "no_such_type", b'<thing id="7"><a>b</a></thing>') == {"id": "7", "a": "b"}
    # and unknown keys are encoded generically
    back = etree.fromstring(encode(model, "vm", {"name": "a", "future_feature": {"mode": "x"}}))
    assert back.findtext("future_feature/mode") == "x"


def test_malformed_values_are_kept_as_text(model: Model) -> None:
    data = decode(model, "vm", b"<vm><memory>lots</memory><stateless>maybe</stateless></vm>")
    assert data == {"memory": "lots", "stateless": "maybe"}
    with pytest.raises(codec.CodecError):
        decode(model, "vm", b"<html><body>Service Unavailable")


def test_fault_decoding() -> None:
    bare = b"<fault><detail>Vm [name] required for add</detail><reason>Incomplete parameters</reason></fault>"
    assert decode_fault(bare) == ("Incomplete parameters", "Vm [name] required for add")
    wrapped = (
        b"<action><fault><reason>Operation Failed</reason><detail>[Cannot run VM. VM is running.]</detail>"
        b"</fault><status>failed</status></action>"
    )
    assert decode_fault(wrapped) == ("Operation Failed", "[Cannot run VM. VM is running.]")
    assert decode_fault(b"<action><status>complete</status></action>") == (None, None)
    assert decode_fault(b"") == (None, None)
    assert decode_fault(b"<html>Unauthorized</html>") == (None, None)


def test_decode_action_reply(model: Model) -> None:
    reply = (
        b'<action><async>false</async><job href="/ovirt-engine/api/jobs/9f1c" id="9f1c"/>'
        b"<status>complete</status><use_cloud_init>true</use_cloud_init>"
        b"<ticket><value>pw</value><expiry>120</expiry></ticket>"
        b"<remote_viewer_connection_file>[virt-viewer]\ntype=spice\n</remote_viewer_connection_file>"
        b"<is_attached>false</is_attached></action>"
    )
    data = decode_action(model, reply)
    assert data == {
        "async": False,
        "job": {"id": "9f1c", "href": "/ovirt-engine/api/jobs/9f1c"},
        "status": "complete",
        "use_cloud_init": True,
        "ticket": {"value": "pw", "expiry": 120},
        "remote_viewer_connection_file": "[virt-viewer]\ntype=spice\n",
        "is_attached": False,
    }
    failed = decode_action(
        model, b"<action><fault><reason>r</reason><detail>d</detail></fault><status>failed</status></action>"
    )
    assert failed == {"fault": {"reason": "r", "detail": "d"}, "status": "failed"}
    # without an `action` type in the model, the reply is decoded generically
    bare = Model(root="system")
    assert decode_action(bare, reply)["job"] == {"id": "9f1c", "href": "/ovirt-engine/api/jobs/9f1c"}


def _synthetic(model: Model, type_name: str) -> object:
    t = model.types[type_name]
    if type_name == "integer":
        return 42
    if type_name == "boolean":
        return True
    if type_name == "decimal":
        return 1.5
    if type_name == "date":
        return "2024-01-10T10:00:00.000+01:00"
    if t.kind == "enum":
        return t.values[0] if t.values else "x"
    return "text"


def test_every_struct_round_trips_its_scalar_attributes(model: Model) -> None:
    structs = [t for t in model.types.values() if t.kind == "struct"]
    assert len(structs) > 200
    for t in structs:
        data: dict[str, object] = {}
        for m in t.attributes:
            if model.types[m.type].kind == "struct":
                continue
            value = _synthetic(model, m.type)
            data[m.name] = [value, value] if m.is_list else value
        if "id" in data:
            data["id"] = "0f0f"
        assert decode(model, t.name, encode(model, t.name, data)) == data, t.name


def test_decoding_is_not_quadratic(model: Model) -> None:
    """2,000 VMs decode well under a second (10,000 take ~0.7 s on a laptop; see the report)."""
    one = VM_XML.split(b"?>", 1)[1]
    xml = b"<vms>" + one * 2000 + b"</vms>"
    started = time.perf_counter()
    items = decode_list(model, "vm", xml)
    elapsed = time.perf_counter() - started
    assert len(items) == 2000 and items[-1] == VM_DATA
    assert elapsed < 5.0
