"""Gluster volumes: bricks validated against the cluster's hosts, start/stop/rebalance,
replace-brick (migrate), and volume and brick status."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import event, finished_job, scheduled_job
from ..web.routing import Node

REPLICA = {"replicate": 2, "distributed_replicate": 2}


def _bricks_checked(ctx: Context, cluster_id: str, bricks: list[dict],
                    existing: list[dict]) -> list[dict]:
    seen = {(b.get("server_id"), b.get("brick_dir")) for b in existing}
    out = []
    for b in bricks:
        server, path = b.get("server_id"), b.get("brick_dir")
        if not server or not path:
            raise Fault(400, "Incomplete parameters", "GlusterBrick [serverId, brickDir] "
                        "required for add")
        host = ctx.store.get("hosts", str(server)) or ctx.store.find_by_name("hosts",
                                                                             str(server))
        if host is None or (host.get("cluster") or {}).get("id") != cluster_id:
            raise conflict("add", "Gluster Volume Brick", f"Server {server} is not part of "
                           "the Cluster.")
        if not str(path).startswith("/"):
            raise conflict("add", "Gluster Volume Brick", f"Brick directory {path} must be "
                           "an absolute path.")
        if (host["id"], path) in seen:
            raise conflict("add", "Gluster Volume Brick", f"Brick {host['name']}:{path} is "
                           "used more than once.")
        seen.add((host["id"], path))
        out.append({**b, "server_id": host["id"], "name": f"{host['address']}:{path}",
                    "status": "down"})
    return out


@on.before("add", "gluster_volume")
def volume_defaults(ctx: Context, node: Node, data: dict) -> None:
    cluster = node.ancestor("cluster")
    cid = str(cluster.id) if cluster else ""
    bricks = data.pop("bricks", None) or []
    if not bricks:
        raise Fault(400, "Incomplete parameters", "GlusterVolume [bricks] required for add")
    kind = data.setdefault("volume_type", "distribute")
    need = int(data.get("replica_count") or REPLICA.get(kind, 1))
    if len(bricks) % need:
        raise conflict("create", "Gluster Volume", f"The number of bricks must be a "
                       f"multiple of the replica count {need}.")
    for v in ctx.store.items(node.coll or ""):
        if v.get("name") == data.get("name"):
            raise conflict("create", "Gluster Volume", "Volume name already exists.")
    data["_bricks"] = _bricks_checked(ctx, cid, bricks, [])
    data.update(status="down", cluster={"id": cid})
    data.setdefault("transport_types", ["tcp"])


@on.after("add", "gluster_volume")
def volume_bricks(ctx: Context, node: Node, data: dict) -> None:
    coll = f"{node.coll}/{data['id']}/glusterbricks"
    for b in data.get("_bricks") or []:
        ctx.store.put(coll, "gluster_brick", {**b, "id": ctx.new_id(),
                                              "gluster_volume": {"id": data["id"]}})
    ctx.store.update(node.coll or "", data["id"], _bricks=None)
    event(ctx, 4000, "normal", f"Gluster Volume {data['name']} created.")


def _volume(ctx: Context, node: Node) -> tuple[str, dict]:
    coll = node.coll or ""
    return coll, ctx.store.get(coll, str(node.id)) or {}


def _set_status(ctx: Context, node: Node, status: str, verb: str, code: int) -> dict:
    coll, vol = _volume(ctx, node)
    ctx.store.update(coll, vol["id"], status=status)
    bcoll = f"{coll}/{vol['id']}/glusterbricks"
    for b in ctx.store.items(bcoll):
        ctx.store.update(bcoll, b["id"], status=status)
    event(ctx, code, "normal", f"Gluster Volume {vol.get('name')} {verb}ed.")
    return finished_job(ctx, f"{verb.capitalize()} Gluster Volume {vol.get('name')}")


@on.action("gluster_volume", "start")
def start(ctx: Context, node: Node, params: dict) -> dict:
    _, vol = _volume(ctx, node)
    if vol.get("status") == "up" and not params.get("force"):
        raise conflict("start", "Gluster Volume", f"Gluster Volume {vol.get('name')} is "
                       "already started.", True)
    return _set_status(ctx, node, "up", "start", 4004)  # GLUSTER_VOLUME_START


@on.action("gluster_volume", "stop")
def stop(ctx: Context, node: Node, params: dict) -> dict:
    _, vol = _volume(ctx, node)
    if vol.get("status") != "up" and not params.get("force"):
        raise conflict("stop", "Gluster Volume", f"Gluster Volume {vol.get('name')} is "
                       "already stopped.", True)
    return _set_status(ctx, node, "down", "stopp", 4006)  # GLUSTER_VOLUME_STOP


@on.before("remove", "gluster_volume")
def removable(ctx: Context, node: Node) -> None:
    if (node.obj or {}).get("status") == "up":
        raise conflict("delete", "Gluster Volume", "Gluster Volume is up; stop it first.")


@on.action("gluster_volume", "rebalance")
def rebalance(ctx: Context, node: Node, params: dict) -> dict:
    coll, vol = _volume(ctx, node)
    if vol.get("status") != "up":
        raise conflict("rebalance", "Gluster Volume", "Gluster Volume is not up.", True)
    ctx.store.update(coll, vol["id"], _rebalance="started")

    def done() -> None:
        ctx.store.update(coll, vol["id"], _rebalance="finished")
        event(ctx.background(), 4087, "normal", f"Gluster Volume {vol.get('name')} "
              "rebalance finished.")

    return scheduled_job(ctx, f"Rebalancing Gluster Volume {vol.get('name')}",
                         f"rebalance:{vol['id']}", [(3.0, done)])


@on.action("gluster_volume", "stop_rebalance")
def stop_rebalance(ctx: Context, node: Node, params: dict) -> dict:
    coll, vol = _volume(ctx, node)
    if vol.get("_rebalance") != "started":
        raise conflict("stop rebalance", "Gluster Volume", "Rebalance is not running.", True)
    ctx.scheduler.cancel(f"rebalance:{vol['id']}")
    ctx.store.update(coll, vol["id"], _rebalance="stopped")
    return {}


@on.before("add", "gluster_brick")
def brick_add(ctx: Context, node: Node, data: dict) -> None:
    cluster = node.ancestor("cluster")
    existing = ctx.store.items(node.coll or "")
    [checked] = _bricks_checked(ctx, str(cluster.id) if cluster else "", [data], existing)
    data.update(checked)
    vol = node.ancestor("gluster_volume")
    data["gluster_volume"] = {"id": vol.id if vol else None}
    data["status"] = (vol.obj or {}).get("status", "down") if vol else "down"


@on.action("gluster_bricks", "migrate")
def migrate(ctx: Context, node: Node, params: dict) -> dict:
    """Remove-brick start: the named bricks migrate their data away. The volume keeps the
    task (``_remove_brick``: bricks, status) that stop_migrate and activate act on."""
    coll = f"{node.parent.path}" if node.parent else ""
    ids = []
    for b in params.get("bricks") or []:
        if ctx.store.get(coll, str(b.get("id"))) is None:
            raise conflict("migrate", "Gluster Volume Brick", f"Brick {b.get('id')} does "
                           "not exist.", True)
        ids.append(str(b.get("id")))
    vnode = node.ancestor("gluster_volume")
    vcoll, vol = _volume(ctx, vnode) if vnode else ("", {})
    if not vol:
        return finished_job(ctx, "Migrating Gluster Volume Bricks")
    ctx.store.update(vcoll, vol["id"], _remove_brick={"bricks": ids, "status": "started"})

    def done() -> None:
        ctx.store.update(vcoll, vol["id"], _remove_brick={"bricks": ids, "status": "finished"})
        event(ctx.background(), 4088, "normal", f"Migrate Data Completed for brick(s) on "
              f"volume {vol.get('name')}. Please review to abort or commit.")

    return scheduled_job(ctx, "Migrating Gluster Volume Bricks", f"remove-brick:{vol['id']}",
                         [(3.0, done)])
