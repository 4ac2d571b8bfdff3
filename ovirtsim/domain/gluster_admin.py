"""Gluster administration: volume options and profiling, the remove-brick task's stop and
activate, brick replace, hooks (enable, disable, resolve) and the cluster's heal refresh.

Each follows the engine's command of the same name (SetGlusterVolumeOption,
ResetGlusterVolumeOptions, Start/StopGlusterVolumeProfile, StopRemoveGlusterVolumeBricks,
Enable/DisableGlusterHook, AddGlusterHook, UpdateGlusterHook). Gluster commands need an Up
host in the cluster to run on (GlusterCommandBase). ``replace`` answers 503 as the engine's
REST layer does: API 4.x replaces bricks only through remove-brick (``migrate``).
"""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict, incomplete
from ..core.journal import event, finished_job
from ..web.routing import Node
from .gluster import _volume

CONTENT, STATUS, MISSING = 1, 2, 4  # GlusterHookEntity conflict bits


def _cluster_name(ctx: Context, cid: str) -> str:
    return str((ctx.store.get("clusters", cid) or {}).get("name", ""))


def _up_server(ctx: Context, cid: str, verb: str, type_label: str) -> None:
    """GlusterCommandBase.validate: the command runs on a random Up host of the cluster."""
    if not any(h.get("status") == "up" and (h.get("cluster") or {}).get("id") == cid
               for h in ctx.store.items("hosts")):
        raise conflict(verb, type_label, f"No up server found in {_cluster_name(ctx, cid)}.")


def _vol(ctx: Context, node: Node, verb: str, label: str = "Gluster Volume") -> tuple[str, dict]:
    coll, vol = _volume(ctx, node)
    _up_server(ctx, str((vol.get("cluster") or {}).get("id")), verb, label)
    return coll, vol


def _where(ctx: Context, vol: dict) -> str:
    cid = str((vol.get("cluster") or {}).get("id"))
    return f"{vol.get('name')} of cluster {_cluster_name(ctx, cid)}"


# ----- options -------------------------------------------------------------------------------

@on.action("gluster_volume", "set_option")
def set_option(ctx: Context, node: Node, params: dict) -> dict:
    """Adds the option to the volume's ``options``, or changes its value."""
    opt = params.get("option") or {}
    if not opt.get("name") or opt.get("value") is None:
        raise incomplete("Option", "name, value", "setOption")
    coll, vol = _vol(ctx, node, "set", "Gluster Volume Option")
    name, value = str(opt["name"]), str(opt["value"])
    options = [dict(o) for o in vol.get("options") or []]
    old = next((o for o in options if o.get("name") == name), None)
    if old is not None and str(old.get("value")).lower() != value.lower():
        event(ctx, 4052, "normal", f"Volume Option {name} changed to {value} from "
              f"{old.get('value')} on {_where(ctx, vol)}.")
        old["value"] = value
    else:
        if old is None:
            options.append({"name": name, "value": value})
        event(ctx, 4002, "normal", f"Volume Option {name}={value} set on {_where(ctx, vol)}.")
    ctx.store.update(coll, vol["id"], options=options)
    return finished_job(ctx, f"Setting Option {name} on Gluster Volume {vol.get('name')}")


@on.action("gluster_volume", "reset_option")
def reset_option(ctx: Context, node: Node, params: dict) -> dict:
    """Removes the named option (gluster resets it to its default; ``force`` is passed on)."""
    opt = params.get("option") or {}
    if not opt.get("name"):
        raise incomplete("Option", "name", "resetOption")
    coll, vol = _vol(ctx, node, "reset", "Gluster Volume Option")
    name = str(opt["name"])
    options = list(vol.get("options") or [])
    gone = next((o for o in options if o.get("name") == name), None)
    ctx.store.update(coll, vol["id"], options=[o for o in options if o is not gone])
    value = (gone or {}).get("value", "")
    event(ctx, 4008, "normal", f"Volume Option {name}={value} reset on {_where(ctx, vol)}.")
    return finished_job(ctx, f"Resetting Option {name} on Gluster Volume {vol.get('name')}")


@on.action("gluster_volume", "reset_all_options")
def reset_all_options(ctx: Context, node: Node, params: dict) -> dict:
    coll, vol = _vol(ctx, node, "reset", "Gluster Volume Option")
    ctx.store.update(coll, vol["id"], options=[])
    event(ctx, 4074, "normal", f"All Volume Options reset on {_where(ctx, vol)}.")
    return finished_job(ctx, f"Resetting All Options on Gluster Volume {vol.get('name')}")


# ----- profiling -----------------------------------------------------------------------------

def _gluster_failed(message: str) -> Fault:
    """A command that passed validation but failed on the host (glusterd's message)."""
    return Fault(400, "Operation Failed", f"[{message}]", True)


@on.action("gluster_volume", "start_profile")
def start_profile(ctx: Context, node: Node, params: dict) -> dict:
    """The engine does not validate the volume's state; glusterd refuses a stopped volume."""
    coll, vol = _vol(ctx, node, "start profiling")
    if vol.get("status") != "up":
        raise _gluster_failed(f"Volume {vol.get('name')} is not started")
    if vol.get("_profiling"):
        raise _gluster_failed(f"Profile on Volume {vol.get('name')} is already started")
    ctx.store.update(coll, vol["id"], _profiling=ctx.now())
    event(ctx, 4022, "normal", f"Gluster Volume {vol.get('name')} profiling started on "
          f"cluster {_cluster_name(ctx, vol['cluster']['id'])}.")
    return finished_job(ctx, f"Starting Profiling on Gluster Volume {vol.get('name')}")


@on.action("gluster_volume", "stop_profile")
def stop_profile(ctx: Context, node: Node, params: dict) -> dict:
    coll, vol = _vol(ctx, node, "stop profiling")
    if not vol.get("_profiling"):
        raise _gluster_failed(f"Profile on Volume {vol.get('name')} is not started")
    ctx.store.update(coll, vol["id"], _profiling=None)
    event(ctx, 4024, "normal", f"Gluster Volume {vol.get('name')} profiling stopped on "
          f"cluster {_cluster_name(ctx, vol['cluster']['id'])}.")
    return finished_job(ctx, f"Stopping Profiling on Gluster Volume {vol.get('name')}")


def _stat(name: str, value: float, unit: str) -> dict:
    return {"name": name, "kind": "counter", "type": "integer", "unit": unit,
            "values": [{"datum": value}]}


def _profile(kind: str, duration: int, n: int) -> dict:
    """One ``profile_detail`` (cumulative or interval), as the engine's mapper builds it."""
    fops = [{"name": fop, "statistics": [_stat("hits", n * k, "none"),
                                         _stat("min", 10 * k, "none"),
                                         _stat("max", 900 * k, "none")]}
            for k, fop in enumerate(("LOOKUP", "WRITE", "READ"), start=1)]
    return {"profile_type": kind, "duration": duration,
            "statistics": [_stat("total_bytes_read", 4096 * n, "bytes"),
                           _stat("total_bytes_write", 8192 * n, "bytes")],
            "block_statistics": [{"statistics": [_stat("size", 4096, "bytes"),
                                                 _stat("block_read", n, "none"),
                                                 _stat("block_write", 2 * n, "none")]}],
            "fop_statistics": fops}


@on.action("gluster_volume", "get_profile_statistics")
def get_profile_statistics(ctx: Context, node: Node, params: dict) -> dict:
    """GetGlusterVolumeProfileInfo: per brick, cumulative and interval figures; only while
    profiling (otherwise the query fails and the REST layer answers 500)."""
    coll, vol = _volume(ctx, node)
    if not vol.get("_profiling"):
        raise Fault(500, "Backend failed", None)
    bricks = ctx.store.items(f"{coll}/{vol['id']}/glusterbricks")
    duration = 60  # seconds the figures cover (the simulator keeps no real I/O counters)
    details = [{"brick": {"name": b.get("name")},
                "profile_details": [_profile("cumulative", duration, 10 + i),
                                    _profile("interval", duration, i + 1)]}
               for i, b in enumerate(bricks)]
    return {"details": {"brick_profile_details": details}}


# ----- remove-brick task ---------------------------------------------------------------------

def _named_bricks(params: dict) -> list[dict]:
    """validateBrickNames: every brick must be named (``server:/dir``); 400 without detail."""
    bricks = params.get("bricks") or []
    if not bricks:
        raise incomplete("Action", "bricks", "stopMigrate")
    if any(not b.get("name") for b in bricks):
        raise Fault(400, "Incomplete parameters", None)
    return bricks


def _stop_remove(ctx: Context, node: Node, params: dict) -> dict:
    """StopRemoveGlusterVolumeBricks: the bricks stay in the volume, the task is aborted."""
    bricks = _named_bricks(params)
    vnode = node.ancestor("gluster_volume")
    coll, vol = _volume(ctx, vnode) if vnode else ("", {})
    task = vol.get("_remove_brick") or {}
    if task.get("status") not in ("started", "finished"):
        raise conflict("stop removing", "Gluster Brick", "Remove brick operation is not "
                       "started on the volume.")
    bcoll = f"{coll}/{vol['id']}/glusterbricks"
    names = {b.get("name"): b["id"] for b in ctx.store.items(bcoll)}
    if {names.get(b["name"]) for b in bricks} != set(task.get("bricks") or []):
        raise conflict("stop removing", "Gluster Brick", "Bricks are not part of the "
                       "remove brick task.")
    ctx.scheduler.cancel(f"remove-brick:{vol['id']}")
    ctx.store.update(coll, vol["id"], _remove_brick=None)
    event(ctx, 4082, "normal", f"Stopped removing bricks from Volume {_where(ctx, vol)}")
    return finished_job(ctx, f"Stop Removing Bricks from Gluster Volume {vol.get('name')}")


@on.action("gluster_bricks", "stop_migrate")
def stop_migrate(ctx: Context, node: Node, params: dict) -> dict:
    return _stop_remove(ctx, node, params)


@on.action("gluster_bricks", "activate")
def activate(ctx: Context, node: Node, params: dict) -> dict:
    """Keeps bricks whose migration finished (the engine runs stop-migrate); before the
    migration completes the REST layer refuses with 409."""
    _named_bricks(params)
    vnode = node.ancestor("gluster_volume")
    _, vol = _volume(ctx, vnode) if vnode else ("", {})
    if (vol.get("_remove_brick") or {}).get("status") != "finished":
        raise Fault(409, "Cannot activate bricks unless data migration is completed", None)
    return _stop_remove(ctx, node, params)


@on.action("gluster_brick", "replace")
def replace(ctx: Context, node: Node, params: dict) -> dict:
    """BackendGlusterBrickResource.replace: not supported in API 4.x (503)."""
    raise Fault(503, "Replace brick is not supported", None)


# ----- hooks ---------------------------------------------------------------------------------

def _hook(ctx: Context, node: Node, verb: str, label: str = "Gluster Hook") -> dict:
    hook = dict(node.obj or ctx.store.get(node.coll or "", str(node.id)) or {})
    _up_server(ctx, str((hook.get("cluster") or {}).get("id")), verb, label)
    return hook


def _save_hook(ctx: Context, node: Node, hook: dict) -> None:
    """GlusterHookCommandBase.updateGlusterHook: no conflict left, no server copies kept."""
    if not hook.get("conflict_status"):
        hook["_server_hooks"] = []
    ctx.store.update(node.coll or "", hook["id"], **{k: v for k, v in hook.items()
                                                     if k != "id"})


def _set_hook_status(ctx: Context, node: Node, status: str, verb: str, code: int) -> dict:
    hook = _hook(ctx, node, verb)
    hook["status"] = status
    hook["conflict_status"] = int(hook.get("conflict_status") or 0) & ~STATUS
    hook["_server_hooks"] = [{**s, "status": status} if s.get("status") != "missing" else s
                             for s in hook.get("_server_hooks") or []]
    _save_hook(ctx, node, hook)
    cluster = _cluster_name(ctx, hook["cluster"]["id"])
    event(ctx, code, "normal", f"Gluster Hook {hook.get('name')} {status} on cluster "
          f"{cluster}.")
    return finished_job(ctx, f"{verb.capitalize()} Gluster Hook {hook.get('name')}")


@on.action("gluster_hook", "enable")
def enable(ctx: Context, node: Node, params: dict) -> dict:
    return _set_hook_status(ctx, node, "enabled", "enable", 4042)


@on.action("gluster_hook", "disable")
def disable(ctx: Context, node: Node, params: dict) -> dict:
    return _set_hook_status(ctx, node, "disabled", "disable", 4045)


def _no_conflict(verb: str) -> Fault:
    return conflict(verb, "Gluster Hook", "No conflicting servers found to resolve.")


def _add_missing(ctx: Context, node: Node, hook: dict) -> dict:
    """AddGlusterHook: copy the engine's script to the hosts that miss it."""
    servers = hook.get("_server_hooks") or []
    if not any(s.get("status") == "missing" for s in servers):
        raise _no_conflict("add")
    hook["_server_hooks"] = [{**s, "status": hook["status"], "checksum": hook["checksum"]}
                             if s.get("status") == "missing" else s for s in servers]
    hook["conflict_status"] = int(hook.get("conflict_status") or 0) & ~MISSING
    _save_hook(ctx, node, hook)
    event(ctx, 4061, "normal", f"Gluster Hook {hook.get('name')} added on conflicting "
          "servers.")
    return finished_job(ctx, f"Adding Gluster Hook {hook.get('name')}")


def _copy(ctx: Context, node: Node, hook: dict, params: dict) -> dict:
    """UpdateGlusterHook: the engine's copy (or the named host's) goes to every host."""
    servers = hook.get("_server_hooks") or []
    if not any(s.get("status") != "missing" and s.get("checksum") != hook.get("checksum")
               for s in servers):
        raise _no_conflict("update")
    ref = params.get("host") or {}
    if ref:
        host = ctx.store.get("hosts", str(ref.get("id"))) if ref.get("id") else \
            ctx.store.find_by_name("hosts", str(ref.get("name")))
        source = next((s for s in servers if host and s.get("host") == host["id"]), None)
        if source is None:
            raise conflict("update", "Gluster Hook", "Host is not part of the hook's "
                           "servers.")
        hook["checksum"] = source["checksum"]
        hook["content"] = f"{hook.get('content') or ''}# as on {host['name']}\n"
    hook["_server_hooks"] = [{**s, "checksum": hook["checksum"]}
                             if s.get("status") != "missing" else s for s in servers]
    hook["conflict_status"] = int(hook.get("conflict_status") or 0) & ~CONTENT
    _save_hook(ctx, node, hook)
    event(ctx, 4059, "normal", f"Gluster Hook {hook.get('name')} updated on conflicting "
          "servers.")
    return finished_job(ctx, f"Updating Gluster Hook {hook.get('name')}")


@on.action("gluster_hook", "resolve")
def resolve(ctx: Context, node: Node, params: dict) -> dict:
    """BackendGlusterHookResource.resolve: ADD runs AddGlusterHook, COPY UpdateGlusterHook;
    OVERWRITE does nothing there (the engine answers without running a command)."""
    kind = str(params.get("resolution_type") or "").lower()
    if not kind:
        raise incomplete("Action", "resolutionType", "resolve")
    if kind not in ("add", "copy", "overwrite"):
        raise Fault(400, "Invalid value", f"{kind.upper()} is not a member of ResolutionType. "
                    "Possible values for ResolutionType are: add, copy, overwrite")
    if kind == "overwrite":
        return {}
    hook = _hook(ctx, node, "add" if kind == "add" else "update")
    return _add_missing(ctx, node, hook) if kind == "add" else _copy(ctx, node, hook, params)


# ----- cluster -------------------------------------------------------------------------------

@on.action("cluster", "refresh_gluster_heal_status")
def refresh_gluster_heal_status(ctx: Context, node: Node, params: dict) -> dict:
    """Re-reads the self-heal info of the cluster's volumes from an Up host."""
    cid = str(node.id)
    _up_server(ctx, cid, "refresh", "Cluster")
    coll = f"clusters/{cid}/glustervolumes"
    for vol in ctx.store.items(coll):
        ctx.store.update(coll, vol["id"], _heal_refreshed=ctx.now())
    return finished_job(ctx, f"Refreshing Gluster Heal Status of Cluster "
                        f"{_cluster_name(ctx, cid)}")
