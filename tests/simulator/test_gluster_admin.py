"""Gluster administration through the official SDK: volume options, profiling, the
remove-brick task (stop, activate), brick replace, hooks and the cluster's heal refresh."""

from __future__ import annotations

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest


def _one(service, name: str):  # type: ignore[no-untyped-def]
    [found] = [o for o in service.list() if o.name == name]
    return found


def _texts(conn: sdk.Connection) -> list[str]:
    return [e.description for e in conn.system_service().events_service().list(max=30)]


@pytest.fixture
def cluster(sdk_connection: sdk.Connection):  # type: ignore[no-untyped-def]
    clusters = sdk_connection.system_service().clusters_service()
    return clusters.cluster_service(_one(clusters, "Default").id)


@pytest.fixture
def volume(sdk_connection: sdk.Connection, cluster):  # type: ignore[no-untyped-def]
    hosts = sdk_connection.system_service().hosts_service()
    h0, h1 = (_one(hosts, f"host{i}") for i in (0, 1))
    volumes = cluster.gluster_volumes_service()
    vol = volumes.add(types.GlusterVolume(
        name="gv0", volume_type=types.GlusterVolumeType.REPLICATE, replica_count=2,
        bricks=[types.GlusterBrick(server_id=h0.id, brick_dir="/gluster/b1"),
                types.GlusterBrick(server_id=h1.id, brick_dir="/gluster/b1")]))
    return volumes.volume_service(vol.id)


def _options(volume) -> dict:  # type: ignore[no-untyped-def]
    return {o.name: o.value for o in volume.get().options or []}


def test_options_set_changed_reset_and_reset_all(sdk_connection: sdk.Connection,
                                                 volume) -> None:  # type: ignore[no-untyped-def]
    volume.set_option(option=types.Option(name="auth.allow", value="*"))
    volume.set_option(option=types.Option(name="nfs.disable", value="on"))
    assert _options(volume) == {"auth.allow": "*", "nfs.disable": "on"}
    volume.set_option(option=types.Option(name="nfs.disable", value="off"))
    assert _options(volume)["nfs.disable"] == "off"
    texts = _texts(sdk_connection)
    assert any(t.startswith("Volume Option auth.allow=* set on gv0 of cluster Default")
               for t in texts)
    assert any("Volume Option nfs.disable changed to off from on" in t for t in texts)
    volume.reset_option(option=types.Option(name="auth.allow"), force=True)
    assert _options(volume) == {"nfs.disable": "off"}
    assert any(t.startswith("Volume Option auth.allow=* reset on gv0") for t in
               _texts(sdk_connection))
    volume.reset_all_options()
    assert _options(volume) == {}
    assert "All Volume Options reset on gv0 of cluster Default." in _texts(sdk_connection)
    with pytest.raises(sdk.Error, match=r"Option \[name, value\] required for setOption"):
        volume.set_option(option=types.Option(name="auth.allow"))
    with pytest.raises(sdk.Error, match=r"Option \[name\] required for resetOption"):
        volume.reset_option(option=types.Option(value="x"))


def test_profiling_only_on_a_started_volume(sdk_connection: sdk.Connection,
                                            volume) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sdk.Error, match="Volume gv0 is not started"):
        volume.start_profile()
    volume.start()
    with pytest.raises(sdk.Error, match="500"):
        volume.get_profile_statistics()
    volume.start_profile()
    assert any("gv0 profiling started on cluster Default" in t for t in _texts(sdk_connection))
    with pytest.raises(sdk.Error, match="already started"):
        volume.start_profile()
    details = volume.get_profile_statistics()
    bricks = details.brick_profile_details
    assert len(bricks) == 2 and bricks[0].brick.name.endswith(":/gluster/b1")
    kinds = [p.profile_type for p in bricks[0].profile_details]
    assert kinds == ["cumulative", "interval"]
    fops = {f.name for f in bricks[0].profile_details[0].fop_statistics}
    assert {"LOOKUP", "WRITE", "READ"} <= fops
    volume.stop_profile()
    assert any("gv0 profiling stopped" in t for t in _texts(sdk_connection))
    with pytest.raises(sdk.Error, match="Profile on Volume gv0 is not started"):
        volume.stop_profile()


def test_bricks_migrate_then_activate_or_stop(sdk_connection: sdk.Connection,
                                              volume) -> None:  # type: ignore[no-untyped-def]
    bricks_service = volume.gluster_bricks_service()
    bricks = bricks_service.list()
    named = [types.GlusterBrick(id=b.id, name=b.name) for b in bricks]
    with pytest.raises(sdk.Error, match="not started"):
        bricks_service.stop_migrate(bricks=named)
    with pytest.raises(sdk.Error, match="409"):
        bricks_service.activate(bricks=named)
    with pytest.raises(sdk.Error, match="Incomplete parameters"):
        bricks_service.stop_migrate(bricks=[types.GlusterBrick(id=bricks[0].id)])
    bricks_service.migrate(bricks=named)
    assert any("Please review to abort or commit" in t for t in _texts(sdk_connection))
    bricks_service.activate(bricks=named)
    assert any(t.startswith("Stopped removing bricks from Volume gv0") for t in
               _texts(sdk_connection))
    assert len(bricks_service.list()) == 2
    bricks_service.migrate(bricks=named)
    bricks_service.stop_migrate(bricks=named)
    with pytest.raises(sdk.Error, match="not started"):
        bricks_service.stop_migrate(bricks=named)


def test_brick_replace_is_not_supported(volume) -> None:  # type: ignore[no-untyped-def]
    bricks_service = volume.gluster_bricks_service()
    brick = bricks_service.brick_service(bricks_service.list()[0].id)
    with pytest.raises(sdk.Error, match="503"):
        brick.replace()


def _hook(cluster, name: str):  # type: ignore[no-untyped-def]
    hooks = cluster.gluster_hooks_service()
    return hooks.hook_service(_one(hooks, name).id)


def test_hooks_seeded_enable_disable(sdk_connection: sdk.Connection,
                                     cluster) -> None:  # type: ignore[no-untyped-def]
    hooks = cluster.gluster_hooks_service().list()
    assert {h.name for h in hooks} >= {"S30samba-start.sh", "S30samba-stop.sh"}
    stop = _hook(cluster, "S30samba-stop.sh")
    before = stop.get()
    assert before.conflict_status == 2 and before.stage == types.HookStage.PRE
    assert before.gluster_command == "stop" and before.content_type == types.HookContentType.TEXT
    stop.disable()
    after = stop.get()
    assert after.status == types.GlusterHookStatus.DISABLED and after.conflict_status == 0
    assert "Gluster Hook S30samba-stop.sh disabled on cluster Default." in \
        _texts(sdk_connection)
    stop.enable()
    assert stop.get().status == types.GlusterHookStatus.ENABLED
    vms = sdk_connection.system_service().vms_service()
    for vm in vms.list():
        if vm.status != types.VmStatus.DOWN:
            vms.vm_service(vm.id).stop()
    hosts = sdk_connection.system_service().hosts_service()
    for h in hosts.list():
        hosts.host_service(h.id).deactivate()
    with pytest.raises(sdk.Error, match="No up server found in Default"):
        stop.disable()


def test_hooks_resolve_add_and_copy(sdk_connection: sdk.Connection,
                                    cluster) -> None:  # type: ignore[no-untyped-def]
    quota = _hook(cluster, "S28Quota-enable-root-xattr-heal.sh")
    assert quota.get().conflict_status == 4
    with pytest.raises(sdk.Error, match=r"resolutionType\] required for resolve"):
        quota.resolve()
    with pytest.raises(sdk.Error, match="No conflicting servers"):
        quota.resolve(resolution_type="copy")
    quota.resolve(resolution_type="add")
    assert quota.get().conflict_status == 0
    assert "Gluster Hook S28Quota-enable-root-xattr-heal.sh added on conflicting servers." \
        in _texts(sdk_connection)
    label = _hook(cluster, "S10selinux-label-brick.sh")
    old = label.get().checksum
    label.resolve(resolution_type="copy", host=types.Host(name="host1"))
    after = label.get()
    assert after.conflict_status == 0 and after.checksum != old
    with pytest.raises(sdk.Error, match="No conflicting servers"):
        label.resolve(resolution_type="copy")


def test_refresh_gluster_heal_status(sdk_connection: sdk.Connection,
                                     cluster) -> None:  # type: ignore[no-untyped-def]
    cluster.refresh_gluster_heal_status()
    jobs = sdk_connection.system_service().jobs_service().list()
    assert any(j.description == "Refreshing Gluster Heal Status of Cluster Default"
               for j in jobs)
    clusters = sdk_connection.system_service().clusters_service()
    empty = clusters.add(types.Cluster(name="empty", data_center=types.DataCenter(
        name="Default"), cpu=types.Cpu(type="Intel Cascadelake Server Family")))
    with pytest.raises(sdk.Error, match="No up server found in empty"):
        clusters.cluster_service(empty.id).refresh_gluster_heal_status()
