"""Engine behaviours the SDK's example scripts rely on, read through the official SDK."""

from __future__ import annotations

import ovirtsdk4 as sdk
import ovirtsdk4.types as types


def _host(system, name: str):  # type: ignore[no-untyped-def]
    [host] = system.hosts_service().list(search=f"name={name}")
    return system.hosts_service().host_service(host.id)


def test_upgrade_check_events(sdk_connection: sdk.Connection) -> None:
    """HOST_AVAILABLE_UPDATES_STARTED (884), the packages found (843), then
    HOST_AVAILABLE_UPDATES_FINISHED (885), all about the host: what upgrade_host.py
    waits for with ``host.name=`` searches."""
    system = sdk_connection.system_service()
    events = system.events_service()
    last = int(events.list(max=1)[0].id)
    _host(system, "host0").upgrade_check()
    found = events.list(from_=last, search="host.name=host0")
    codes = [e.code for e in sorted(found, key=lambda e: int(e.id))]
    assert codes == [884, 843, 885]
    texts = {e.code: e.description for e in found}
    assert texts[884] == "Started to check for available updates on host host0."
    assert texts[843] == "Host host0 has available updates: vdsm, vdsm-client."
    assert texts[885] == ("Check for available updates on host host0 was completed "
                          "successfully with message 'found updates for packages "
                          "vdsm, vdsm-client'.")
    assert _host(system, "host0").get().update_available is True
