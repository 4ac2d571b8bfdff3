"""The API model (model.json) read once and indexed for routing and (de)serialization.

Everything the simulator knows about types, services, URLs and actions comes from here,
so that every collection the real engine describes resolves without per-type code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "model.json"

CRUD = ("add", "get", "list", "update", "remove")

# Alternative input shapes of a base method (model 4.2+); never URLs.
SIGNATURES = frozenset(
    {
        "from_configuration", "from_scratch", "from_snapshot", "from_vm", "from_vm_snapshot",
        "using_root_password", "using_ssh", "on_storage_domain", "lun", "block_domain",
        "by_path", "direct_lun", "gluster_or_postfs", "local", "iscsi", "nfs", "vfs",
        "glusterfs", "for_image", "for_disk", "for_snapshot", "to_export_domain",
        "to_path_on_host", "signature1", "providing_disk_id", "user_level", "group_level",
        "cluster_permission", "data_center_permission", "host_permission",
        "storage_domain_permission", "template_permission", "vm_permission",
        "vm_pool_permission",
    }
)

PRIMITIVES = frozenset({"boolean", "string", "integer", "date", "decimal"})


def is_secret(name: str) -> bool:
    """Attributes named password or *_password (root_password of a host, an action or an
    initialization, fence agent, provider, import, storage connection and user passwords)."""
    return name == "password" or name.endswith("_password")


@dataclass
class Member:
    """One attribute or link of a struct type."""

    name: str
    type: str
    is_link: bool

    @property
    def is_list(self) -> bool:
        return self.type.endswith("[]")

    @property
    def secret(self) -> bool:
        """A password: accepted in requests, never stored or returned (see is_secret)."""
        return is_secret(self.name)

    @property
    def base(self) -> str:
        return self.type[:-2] if self.type.endswith("[]") else self.type


@dataclass
class Method:
    """A service method with signature parameters merged in."""

    name: str
    params: dict[str, dict] = field(default_factory=dict)

    @property
    def segment(self) -> str:
        return self.name.replace("_", "")

    def body_param(self) -> dict | None:
        """The struct (or list) parameter carried in the body of add/update/get/list."""
        for p in self.params.values():
            t = p["type"].removesuffix("[]")
            if p.get("out") and t not in PRIMITIVES:
                return p
        return None


@dataclass
class Service:
    """A service with its methods, actions and locators keyed by URL segment."""

    name: str
    methods: dict[str, Method]
    actions: dict[str, Method]  # segment -> method
    sub: dict[str, tuple[str, str]]  # segment -> (locator name, service)
    item: str | None  # service of the id locator, if any

    def item_type(self, model: ApiModel) -> str | None:
        """The type of the items of a collection service, from list/add output."""
        for mname in ("list", "add"):
            m = self.methods.get(mname)
            if m:
                p = m.body_param()
                if p:
                    return p["type"].removesuffix("[]")
        if self.item:
            return model.services[self.item].entity_type()
        return None

    def entity_type(self) -> str | None:
        """The type an entity service returns from get."""
        for mname in ("get", "update"):
            m = self.methods.get(mname)
            if m:
                p = m.body_param()
                if p:
                    return p["type"].removesuffix("[]")
        return None


class ApiModel:
    """Indexed view of model.json."""

    def __init__(self, raw: dict, raw_bytes: bytes) -> None:
        self.raw_bytes = raw_bytes
        self.root = raw["root"]
        self.types: dict[str, dict] = {t["name"]: t for t in raw["types"]}
        self.services: dict[str, Service] = {}
        for s in raw["services"]:
            self.services[s["name"]] = self._service(s)
        self._members: dict[str, dict[str, Member]] = {}
        self.top_collection: dict[str, str] = {}  # type name -> top-level URL segment
        root = self.services[self.root]
        for seg, (_loc, svc) in root.sub.items():
            t = self.services[svc].item_type(self)
            if t and t not in self.top_collection:
                self.top_collection[t] = seg
        self.enum_values: dict[str, frozenset[str]] = {
            name: frozenset(v["name"] for v in t["values"])
            for name, t in self.types.items()
            if t["kind"] == "enum"
        }

    @staticmethod
    def _service(s: dict) -> Service:
        methods: dict[str, Method] = {}
        pending: list[dict] = []
        for m in s["methods"]:
            if m["name"] in SIGNATURES:
                pending.append(m)
                continue
            meth = Method(m["name"], {p["name"]: p for p in m["parameters"]})
            for sig in pending:
                for p in sig["parameters"]:
                    meth.params.setdefault(p["name"], p)
            pending = []
            methods[m["name"]] = meth
        actions = {m.segment: m for n, m in methods.items() if n not in CRUD}
        sub: dict[str, tuple[str, str]] = {}
        item = None
        for loc in s["locators"]:
            if loc["parameters"]:
                item = loc["service"]
            else:
                sub[loc["name"].replace("_", "")] = (loc["name"], loc["service"])
        return Service(s["name"], methods, actions, sub, item)

    def members(self, type_name: str) -> dict[str, Member]:
        """Attributes and links of a struct type by name (empty for non-structs)."""
        got = self._members.get(type_name)
        if got is None:
            got = {}
            t = self.types.get(type_name)
            if t and t["kind"] == "struct":
                for a in t.get("attributes", []):
                    got[a["name"]] = Member(a["name"], a["type"], False)
                for ln in t.get("links", []):
                    got[ln["name"]] = Member(ln["name"], ln["type"], True)
            self._members[type_name] = got
        return got

    def kind(self, type_name: str) -> str:
        """'primitive', 'enum', 'struct' or 'unknown'."""
        if type_name in PRIMITIVES:
            return "primitive"
        t = self.types.get(type_name)
        return t["kind"] if t else "unknown"

    def collection_segment(self, type_name: str) -> str | None:
        """The top-level URL segment holding objects of a type (vm -> vms)."""
        return self.top_collection.get(type_name)


@lru_cache(maxsize=1)
def load_model() -> ApiModel:
    """Load the packaged 4.6 model (cached: it is a few MB)."""
    raw_bytes = MODEL_PATH.read_bytes()
    return ApiModel(json.loads(raw_bytes), raw_bytes)


def singular(word: str) -> str:
    """Element name for an item of a primitive list (dns_servers -> dns_server)."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in ("sses", "shes", "ches", "xes", "zes"):
        if word.endswith(suffix):
            return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
