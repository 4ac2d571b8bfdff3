"""OVF export and import: VMs and templates exported to an export domain (listed there with
their OVF) and imported back, optionally cloned under a new name onto a target domain."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..core import registry as on
from ..core.context import Context
from ..core.errors import Fault, conflict
from ..core.journal import end_job, event, start_job
from ..web.routing import Node
from .always import with_disks_on
from .images import charge, find

COPIED_OUT = ("id", "href", "host", "status", "start_time", "stop_time", "fqdn")


def ovf_text(kind: str, obj: dict, disks: list[dict]) -> str:
    """A small OVF envelope naming the object and its disks, as export domains store."""
    refs = "".join(f'<File ovf:href="{d["id"]}/{d.get("image_id", "")}" ovf:id="{d["id"]}" '
                   f'ovf:size="{d.get("provisioned_size", 0)}"/>' for d in disks)
    return ('<?xml version="1.0" encoding="UTF-8"?><ovf:Envelope '
            'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" ovf:version="4.1">'
            f'<References>{refs}</References><Content ovf:id="out" xsi:type="ovf:'
            f'{"VirtualSystem_Type" if kind == "vm" else "VirtualSystemTemplate_Type"}">'
            f'<Name>{escape(obj.get("name", ""))}</Name>'
            f'<Description>{escape(obj.get("description", "") or "")}</Description>'
            f'<MemorySize>{int(obj.get("memory", 0)) // 1024**2}</MemorySize>'
            '</Content></ovf:Envelope>')


def _export(ctx: Context, node: Node, params: dict, kind: str) -> dict:
    store = ctx.store
    coll = "vms" if kind == "vm" else "templates"
    obj = dict(store.get(coll, str(node.id)) or {})
    if kind == "vm" and obj.get("status") != "down":
        raise conflict("export", "VM", "VM is not down.", True)
    if params.get("host") and not params.get("storage_domain"):
        return _export_ova(ctx, params, kind, coll, obj)
    sd = find(ctx, "storagedomains", params.get("storage_domain"), "StorageDomain")
    if sd.get("type") != "export":
        raise conflict("export", "VM" if kind == "vm" else "Template", "The target Storage "
                       "Domain is not an export domain.", True)
    target = f"storagedomains/{sd['id']}/{coll}"
    if store.get(target, obj["id"]) is not None and not params.get("exclusive"):
        raise conflict("export", "VM" if kind == "vm" else "Template", f"{obj['name']} already "
                       "exists on the target domain; use exclusive to overwrite it.", True)
    disks = [dict(store.get("disks", a["id"]) or {}) for a in
             store.items(f"{coll}/{obj['id']}/diskattachments")]
    disks = [d for d in disks if d]
    job = start_job(ctx, f"Exporting {'VM' if kind == 'vm' else 'Template'} {obj['name']} To "
                    f"Export Domain {sd['name']}")
    prev = obj.get("status")
    store.update(coll, obj["id"], status="image_locked" if kind == "vm" else "locked")

    def done() -> None:
        copy = {k: v for k, v in obj.items() if k not in COPIED_OUT[1:]}
        copy.update(status="down" if kind == "vm" else "ok", storage_domain={"id": sd["id"]},
                    initialization={"configuration": {
                        "type": "ovf", "data": ovf_text(kind, obj, disks)}},
                    _disks=disks, _nics=store.items(f"{coll}/{obj['id']}/nics"))
        store.put(target, kind, copy)
        for d in disks:
            charge(ctx, sd["id"], int(d.get("actual_size") or 0))
        store.update(coll, obj["id"], status=prev)
        event(ctx, 1162 if kind == "vm" else 1164, "normal",
              f"{'Vm' if kind == 'vm' else 'Template'} {obj['name']} was exported "
              f"successfully to {sd['name']}")
        end_job(ctx, job)

    ctx.scheduler.sequence(f"export:{obj['id']}", [(3.0, done)])
    return {"job": {"id": job}}


@on.action("vm", "export")
def vm_export(ctx: Context, node: Node, params: dict) -> dict:
    return _export(ctx, node, params, "vm")


@on.action("template", "export")
def template_export(ctx: Context, node: Node, params: dict) -> dict:
    return _export(ctx, node, params, "template")


def _import(ctx: Context, node: Node, params: dict, kind: str) -> dict:
    src = dict(ctx.store.get(node.coll or "", str(node.id)) or {})
    return _import_doc(ctx, src, params, kind)


def _import_doc(ctx: Context, src: dict, params: dict, kind: str) -> dict:
    store = ctx.store
    coll = "vms" if kind == "vm" else "templates"
    label = "VM" if kind == "vm" else "Template"
    cluster = find(ctx, "clusters", params.get("cluster") or {"name": "Default"}, "Cluster")
    sd = find(ctx, "storagedomains", params.get("storage_domain"), "StorageDomain") \
        if params.get("storage_domain") else None
    if sd is not None and sd.get("type") != "data":
        raise conflict("import", label, "The target Storage Domain is not a data domain.",
                       True)
    name = (params.get(kind) or {}).get("name") or src.get("name")
    clone = bool(params.get("clone"))
    if not clone and store.get(coll, src["id"]) is not None:
        raise conflict("import", label, f"{label} {src['name']} already exists; import it "
                       "as a clone.", True)
    if store.find_by_name(coll, str(name)) is not None:
        raise conflict("import", label, f"The {label} name is already in use, please choose "
                       "a unique name and try again.", True)
    new_id = ctx.new_id() if clone else src["id"]
    doc = {k: v for k, v in src.items()
           if k not in ("storage_domain", "initialization", "_disks", "_nics")}
    doc.update(id=new_id, name=name, cluster={"id": cluster["id"]},
               status="image_locked" if kind == "vm" else "locked", creation_time=ctx.now())
    store.put(coll, kind, doc)
    job = start_job(ctx, f"Importing {label} {name} to Cluster {cluster['name']}")
    disk_ids = []
    for d in src.get("_disks") or []:
        did = ctx.new_id() if clone else d["id"]
        target = sd["id"] if sd else ((d.get("storage_domains") or [{}])[0].get("id"))
        store.put("disks", "disk", {**d, "id": did, "status": "locked",
                                    "storage_domains": [{"id": target}]})
        store.put(f"{coll}/{new_id}/diskattachments", "disk_attachment", {
            "id": did, "disk": {"id": did}, kind: {"id": new_id}, "interface": "virtio_scsi",
            "bootable": True, "active": True, "pass_discard": False, "read_only": False})
        charge(ctx, target, int(d.get("actual_size") or 0))
        disk_ids.append(did)
    for nic in src.get("_nics") or []:
        n = {k: v for k, v in nic.items() if k not in ("vm", "template")}
        n.update(id=ctx.new_id() if clone else nic["id"], **{kind: {"id": new_id}})
        if clone and kind == "vm":
            from .vms import new_mac
            n["mac"] = {"address": new_mac(ctx)}
        store.put(f"{coll}/{new_id}/nics", "nic", n)

    def done() -> None:
        for did in disk_ids:
            store.update("disks", did, status="ok")
        store.update(coll, new_id, status="down" if kind == "vm" else "ok")
        event(ctx.background(), 1152 if kind == "vm" else 1154, "normal",
              f"{label} {name} was imported successfully to Cluster {cluster['name']}")
        end_job(ctx, job)

    ctx.scheduler.sequence(f"import:{new_id}", [(3.0, done)])
    return {"job": {"id": job}, kind: {"id": new_id}}


@on.action("storage_domain_vm", "import")
def vm_import(ctx: Context, node: Node, params: dict) -> dict:
    return _import(ctx, node, params, "vm")


@on.action("storage_domain_template", "import")
def template_import(ctx: Context, node: Node, params: dict) -> dict:
    return _import(ctx, node, params, "template")


@on.action("storage_domain_vm", "register")
def vm_register(ctx: Context, node: Node, params: dict) -> dict:
    """Register an unregistered VM found on an attached data domain: it joins the engine
    and leaves the unregistered list."""
    return _register(ctx, node, params, "vm")


def _register(ctx: Context, node: Node, params: dict, kind: str) -> dict:
    src = dict(ctx.store.get(node.coll or "", str(node.id)) or {})
    if not src.get("_unregistered"):
        raise conflict("register", "VM" if kind == "vm" else "Template", "It is already "
                       "registered.", True)
    params = {**params, "storage_domain": None}
    out = _import_doc(ctx, src, params, kind)
    ctx.store.delete(node.coll or "", src["id"])
    return out


def _unregistered_only(ctx: Context, node: Node) -> list[dict]:
    """A domain's VMs or templates; a listing shows the unregistered ones only when asked
    (``unregistered=true``) and the others otherwise; a single one is always found."""
    items = ctx.store.items(node.path)
    seen = {o.get("id") for o in items}
    # the registered ones too: the VMs or templates with disks on this domain
    registered = [o for o in with_disks_on(ctx, node.path.rsplit("/", 1)[-1],
                                           node.path.split("/")[1]) if o.get("id") not in seen]
    req = ctx.req
    if req is None or req.method != "GET" or not req.segments or \
            req.segments[-1] != node.path.rsplit("/", 1)[-1]:
        return items + registered
    want = str(req.query.get("unregistered", "false")).lower() in ("true", "1", "yes")
    out = [o for o in items if bool(o.get("_unregistered")) == want]
    return out if want else out + registered


on.generated("storage_domain", "vms")(_unregistered_only)
on.generated("storage_domain", "templates")(_unregistered_only)


@on.action("storage_domain_template", "register")
def template_register(ctx: Context, node: Node, params: dict) -> dict:
    return _register(ctx, node, params, "template")


OVAS = "sim/ovas"  # OVA files written on hosts: not an API collection


def _ova_key(host_id: str, path: str) -> str:
    return f"{host_id}:{path}"


def _export_ova(ctx: Context, params: dict, kind: str, coll: str, obj: dict) -> dict:
    """Export as an OVA file to a directory of a host (``to_path_on_host``)."""
    host = find(ctx, "hosts", params.get("host"), "Host")
    directory = str(params.get("directory") or "")
    if not directory.startswith("/"):
        raise Fault(400, "Incomplete parameters", "Action [directory] required for "
                    "exportToPathOnHost (an absolute path)")
    if host.get("status") != "up":
        raise conflict("export", "VM" if kind == "vm" else "Template", "Host is not up.", True)
    path = f"{directory.rstrip('/')}/{params.get('filename') or obj['name'] + '.ova'}"
    disks = [dict(ctx.store.get("disks", a["id"]) or {}) for a in
             ctx.store.items(f"{coll}/{obj['id']}/diskattachments")]
    job = start_job(ctx, f"Exporting {obj['name']} as an OVA to {path} on {host['name']}")

    def done() -> None:
        ctx.store.put(OVAS, "ova", {"id": _ova_key(host["id"], path), "kind": kind,
                                    "object": obj, "_disks": [d for d in disks if d],
                                    "_nics": ctx.store.items(f"{coll}/{obj['id']}/nics")})
        event(ctx.background(), 1223, "normal", f"{obj['name']} was exported successfully "
              f"as an OVA to {path} on Host {host['name']}.")
        end_job(ctx, job)

    ctx.scheduler.sequence(f"export:{obj['id']}", [(3.0, done)])
    return {"job": {"id": job}}


def _ova_import(ctx: Context, data: dict, kind: str) -> None:
    """externalvmimports / externaltemplateimports from ``ova:///path`` on a host."""
    label = "VM" if kind == "vm" else "Template"
    url = str(data.get("url") or "")
    if not url.startswith("ova://"):
        raise conflict("import", label, "Only OVA imports (ova:///path) are simulated.")
    host = find(ctx, "hosts", data.get("host"), "Host")
    path = url[len("ova://"):]
    ova = ctx.store.get(OVAS, _ova_key(host["id"], path))
    if ova is None or ova.get("kind") != kind:
        raise conflict("import", label, f"There is no {label} OVA at {path} on Host "
                       f"{host['name']}.")
    name = data.get("name") or (data.get(kind) or {}).get("name") or ova["object"]["name"]
    src = {**ova["object"], "_disks": ova["_disks"], "_nics": ova["_nics"]}
    params = {"clone": True, kind: {"name": name}, "cluster": data.get("cluster"),
              "storage_domain": data.get("storage_domain")}
    out = _import_doc(ctx, src, params, kind)
    data[kind] = out[kind]


@on.before("add", "external_vm_import")
def external_vm_import(ctx: Context, node: Node, data: dict) -> None:
    _ova_import(ctx, data, "vm")


@on.before("add", "external_template_import")
def external_template_import(ctx: Context, node: Node, data: dict) -> None:
    _ova_import(ctx, data, "template")
