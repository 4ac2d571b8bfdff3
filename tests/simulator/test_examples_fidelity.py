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


def test_iscsi_domain_from_volume_group_luns(sdk_connection: sdk.Connection) -> None:
    """The engine takes a block domain's LUNs from ``storage.logical_units`` or from
    ``storage.volume_group.logical_units`` (add_iscsi_data_storage_domain.py)."""
    sds = sdk_connection.system_service().storage_domains_service()
    lun = types.LogicalUnit(id="36001405e396b3d9c9a54284a51685f9a", address="192.168.201.3",
                            port=3260, target="iqn.2014-07.org.ovirt:storage")
    sd = sds.add(types.StorageDomain(
        name="vg1", type=types.StorageDomainType.DATA, host=types.Host(name="host0"),
        storage=types.HostStorage(type=types.StorageType.ISCSI, override_luns=True,
                                  volume_group=types.VolumeGroup(logical_units=[lun]))))
    assert sds.storage_domain_service(sd.id).get().status == types.StorageDomainStatus.UNATTACHED
    try:
        sds.add(types.StorageDomain(
            name="vg2", type=types.StorageDomainType.DATA, host=types.Host(name="host0"),
            storage=types.HostStorage(type=types.StorageType.ISCSI)))
    except sdk.Error as e:
        assert "storage.logical_units" in str(e) and e.code == 400
    else:
        raise AssertionError("a block domain without LUNs was added")
