"""list reads the engine's answer as a stream, through the same transport limits as any request."""

from __future__ import annotations

import json


def test_listing_streams_through_the_size_cap(ovirt) -> None:
    whole = ovirt("-o", "json", "-E", "list vms")
    assert whole.status == 0, whole.err
    assert len(json.loads(whole.out)) >= 2
    capped = ovirt("--max-response-size", "2KiB", "-E", "list vms")
    assert capped.status == 5, capped.err
    assert "larger than the 2 KiB limit" in capped.err and len(capped.err.strip().splitlines()) == 1


def test_formats_agree_on_a_streamed_listing(ovirt) -> None:
    items = json.loads(ovirt("-o", "json", "-E", "list vms").out)
    names = [item["name"] for item in items]
    csv = ovirt("-o", "csv", "-E", "list vms --fields name,status").out.splitlines()
    assert csv[0] == "name,status" and [line.split(",")[0] for line in csv[1:]] == names
    text = ovirt("-E", "list vms").out
    assert [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("name ")] == names
    filtered = json.loads(ovirt("-o", "json", "-E", f'list vms --kwargs "name={names[0]}"').out)
    assert [item["name"] for item in filtered] == [names[0]]
    xml = ovirt("-o", "xml", "-E", "list vms").out
    assert xml.count("<vm ") == len(names)


def test_a_failing_listing_reports_the_engine_fault(ovirt) -> None:
    done = ovirt("-E", 'list vms --query "name="')
    assert done.status in (0, 10), done.err  # an engine may accept or refuse an empty term
    missing = ovirt("-E", "list nics --parent-vm-identifier 00000000-0000-0000-0000-000000000000")
    assert missing.status == 11, missing.err
