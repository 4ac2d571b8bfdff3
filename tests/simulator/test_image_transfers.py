"""Image transfers and VM backups through the official SDK, with the bytes moved over the
simulator's imageio endpoint the way ovirt-imageio clients move them."""

from __future__ import annotations

import json

import httpx
import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

MiB = 1024**2
Phase = types.ImageTransferPhase


def _new_disk(system, name: str) -> types.Disk:  # type: ignore[no-untyped-def]
    return system.disks_service().add(types.Disk(
        name=name, format=types.DiskFormat.COW, sparse=True, provisioned_size=8 * MiB,
        storage_domains=[types.StorageDomain(name="data")]))


def _transfer(system, disk_id: str, direction):  # type: ignore[no-untyped-def]
    transfers = system.image_transfers_service()
    t = transfers.add(types.ImageTransfer(disk=types.Disk(id=disk_id), direction=direction))
    return transfers.image_transfer_service(t.id)


def test_upload_then_download_reads_the_bytes_back(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    disk = _new_disk(system, "uploaded")
    upload = _transfer(system, disk.id, types.ImageTransferDirection.UPLOAD)
    t = upload.get()
    assert t.phase == Phase.TRANSFERRING and t.host is not None
    assert t.transfer_url.endswith(f"/images/{t.transfer_url.rsplit('/', 1)[1]}")
    assert t.proxy_url
    assert system.disks_service().disk_service(disk.id).get().status == types.DiskStatus.LOCKED
    payload = bytes(range(256)) * 4096  # 1 MiB
    with httpx.Client(timeout=30) as http:
        opts = http.options(t.transfer_url).json()
        assert set(opts["features"]) >= {"zero", "flush", "extents"}
        r = http.put(t.transfer_url + "?flush=n", content=payload,
                     headers={"Content-Range": f"bytes 0-{len(payload) - 1}/*"})
        assert r.status_code == 200
        r = http.put(t.transfer_url, content=b"tail",
                     headers={"Content-Range": f"bytes {3 * MiB}-{3 * MiB + 3}/*"})
        assert r.status_code == 200
        assert http.patch(t.transfer_url, content=json.dumps({"op": "flush"})).status_code == 200
        beyond = http.put(t.transfer_url, content=b"x",
                          headers={"Content-Range": f"bytes {8 * MiB}-{8 * MiB}/*"})
        assert beyond.status_code == 416
    assert upload.get().transferred == len(payload) + 4
    upload.finalize()
    assert upload.get().phase == Phase.FINISHED_SUCCESS
    done = system.disks_service().disk_service(disk.id).get()
    assert done.status == types.DiskStatus.OK and done.actual_size >= 3 * MiB + 4

    download = _transfer(system, disk.id, types.ImageTransferDirection.DOWNLOAD)
    url = download.get().transfer_url
    with httpx.Client(timeout=30) as http:
        got = http.get(url, headers={"Range": f"bytes=0-{len(payload) - 1}"})
        assert got.status_code == 206 and got.content == payload
        assert got.headers["content-range"] == f"bytes 0-{len(payload) - 1}/{8 * MiB}"
        tail = http.get(url, headers={"Range": f"bytes={3 * MiB}-{3 * MiB + 5}"})
        assert tail.content == b"tail\0\0"
        assert http.put(url, content=b"no").status_code == 403
        assert http.get(url + "/extents").json()[0]["length"] == 8 * MiB
    download.finalize()
    with httpx.Client(timeout=30) as http:
        assert http.get(url, headers={"Range": "bytes=0-1"}).status_code == 403
        assert http.get(url.rsplit("/", 1)[0] + "/nosuch").status_code == 404


def test_cancel_and_pause(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    disk = _new_disk(system, "cancelled")
    service = _transfer(system, disk.id, types.ImageTransferDirection.UPLOAD)
    service.pause()
    assert service.get().phase == Phase.PAUSED_USER
    with pytest.raises(sdk.Error, match="already being transferred"):
        _transfer(system, disk.id, types.ImageTransferDirection.UPLOAD)
    service.resume()
    assert service.get().phase == Phase.TRANSFERRING
    service.cancel()
    assert service.get().phase == Phase.FINISHED_FAILURE
    assert system.disks_service().disk_service(disk.id).get().status == types.DiskStatus.OK
    with pytest.raises(sdk.Error, match="finished_failure"):
        service.finalize()


def test_full_then_incremental_backup(sdk_connection: sdk.Connection) -> None:
    system = sdk_connection.system_service()
    vms = system.vms_service()
    [vm0] = vms.list(search="name=vm0")
    backups = vms.vm_service(vm0.id).backups_service()
    [att] = vms.vm_service(vm0.id).disk_attachments_service().list()
    full = backups.add(types.Backup(disks=[types.Disk(id=att.disk.id)]))
    service = backups.backup_service(full.id)
    assert service.get().phase == types.BackupPhase.READY
    assert [d.id for d in service.disks_service().list()] == [att.disk.id]
    with pytest.raises(sdk.Error, match="already running"):
        backups.add(types.Backup(disks=[types.Disk(id=att.disk.id)]))
    download = system.image_transfers_service().add(types.ImageTransfer(
        disk=types.Disk(id=att.disk.id), backup=types.Backup(id=full.id),
        direction=types.ImageTransferDirection.DOWNLOAD))
    system.image_transfers_service().image_transfer_service(download.id).finalize()
    service.finalize()
    done = service.get()
    assert done.phase == types.BackupPhase.SUCCEEDED
    checkpoints = vms.vm_service(vm0.id).checkpoints_service().list()
    assert [c.id for c in checkpoints] == [done.to_checkpoint_id]
    incr = backups.add(types.Backup(disks=[types.Disk(id=att.disk.id)],
                                    from_checkpoint_id=done.to_checkpoint_id))
    assert backups.backup_service(incr.id).get().from_checkpoint_id == done.to_checkpoint_id
    assert backups.backup_service(incr.id).get().phase == types.BackupPhase.READY
    with pytest.raises(sdk.Error, match="does not exist"):
        vms2 = vms.list(search="name=vm2")[0]
        vms.vm_service(vms2.id).backups_service().add(types.Backup(from_checkpoint_id="nope"))


def test_phases_follow_the_time_scale() -> None:
    import time

    from ovirtsim.testing import run_simulator

    with run_simulator(seed="demo", time_scale=0.02) as sim:
        conn = sdk.Connection(url=sim.url, username=sim.username, password=sim.password)
        try:
            system = conn.system_service()
            disk = _new_disk(system, "slow")
            while system.disks_service().disk_service(disk.id).get().status != \
                    types.DiskStatus.OK:
                time.sleep(0.02)
            service = _transfer(system, disk.id, types.ImageTransferDirection.UPLOAD)
            seen = [service.get().phase]
            while seen[-1] != Phase.TRANSFERRING:
                time.sleep(0.01)
                seen.append(service.get().phase)
            service.finalize()
            while seen[-1] != Phase.FINISHED_SUCCESS:
                time.sleep(0.01)
                seen.append(service.get().phase)
            order = list(dict.fromkeys(seen))
            assert order == [Phase.INITIALIZING, Phase.TRANSFERRING, Phase.FINALIZING_SUCCESS,
                             Phase.FINISHED_SUCCESS]
        finally:
            conn.close()
