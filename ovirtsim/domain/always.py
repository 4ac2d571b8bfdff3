"""The sub-objects the engine always returns, completed on every new object (see
``core.defaults``), and the OVF of a VM shown with ``all_content=true``."""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from ..core import registry as on
from ..core.context import Context
from ..core.defaults import complete, vm_devices
from ..web.routing import Node


def _complete(type_name: str) -> None:
    @on.before("add", type_name)
    def fill(ctx: Context, node: Node, data: dict) -> None:
        complete(ctx.store, node.coll or "", type_name, data)


for _type in ("host", "cluster", "template", "vm"):
    _complete(_type)


@on.after("add", "vm")
def vm_devices_created(ctx: Context, node: Node, data: dict) -> None:
    vm_devices(ctx.store, data, ctx.now())


@on.extra("vm")
def ovf_configuration(ctx: Context, coll_node: Node, obj: dict) -> dict | None:
    """``all_content=true`` adds the VM's OVF as ``initialization.configuration``."""
    if ctx.req is None or ctx.req.query.get("all_content", "").lower() != "true":
        return None
    init = dict(obj.get("initialization") or {})
    init["configuration"] = {"type": "ovf", "data": _ovf(ctx, obj)}
    return {"initialization": init}


def _ovf(ctx: Context, vm: dict) -> str:
    disks = []
    for att in ctx.store.items(f"vms/{vm['id']}/diskattachments"):
        disk = ctx.store.get("disks", att["id"]) or {}
        disks.append(f'<Disk ovf:diskId="{xml_escape(str(att["id"]))}" ovf:size="'
                     f'{int(disk.get("provisioned_size", 0)) // 2**30}" ovf:fileRef="'
                     f'{xml_escape(str(att["id"]))}"/>')
    mem = int(vm.get("memory", 0)) // 2**20
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ovf:Envelope '
        'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" '
        'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/'
        'CIM_ResourceAllocationSettingData" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ovf:version="4.6.0.0">'
        f'<References/><Section xsi:type="ovf:DiskSection_Type">{"".join(disks)}</Section>'
        f'<Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type">'
        f'<Name>{xml_escape(str(vm.get("name", "")))}</Name>'
        f'<Section ovf:id="{xml_escape(str(vm["id"]))}" xsi:type="ovf:OperatingSystemSection_Type">'
        f'<Description>{xml_escape(str((vm.get("os") or {}).get("type", "other")))}</Description>'
        '</Section><Section xsi:type="ovf:VirtualHardwareSection_Type"><Item>'
        f'<rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>{mem}'
        '</rasd:VirtualQuantity></Item></Section></Content></ovf:Envelope>')


def with_disks_on(ctx: Context, owner: str, sd_id: str) -> list[dict]:
    """The VMs or templates (``owner``) that have a disk on a storage domain."""
    return [o for o in ctx.store.items(owner) if _has_disk_on(ctx, owner, {"id": sd_id}, o)]


def _has_disk_on(ctx: Context, owner: str, parent: dict, obj: dict) -> bool:
    """Whether a VM or template has a disk on the storage domain ``parent``."""
    sd = str(parent["id"])
    for att in ctx.store.items(f"{owner}/{obj['id']}/diskattachments"):
        disk = ctx.store.get("disks", att["id"]) or {}
        if any(str(r.get("id")) == sd for r in disk.get("storage_domains") or []):
            return True
    return False
