"""Data made easier for people to read, for the text and table formats only.

Byte sizes get binary units (`2 GiB`); csv, json and xml keep the engine's exact numbers.
"""

from __future__ import annotations

from typing import Any

#: Attributes of the engine's model holding a size in bytes, wherever they appear.
BYTE_KEYS = frozenset(
    {
        "memory", "max_memory", "provisioned_size", "actual_size", "total_size", "initial_size",
        "available", "used", "committed", "max_scheduling_memory", "physical_memory",
        "reserved_memory", "guaranteed", "memory_size",
    }
)
#: Attributes that are byte sizes only inside the named struct.
BYTE_KEYS_IN = {"memory_policy": frozenset({"max"})}
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def size_text(value: int) -> str:
    """`1073741824` -> `1 GiB`, `1610612736` -> `1.5 GiB`, `512` -> `512 B`."""
    amount, unit = float(value), 0
    while abs(amount) >= 1024 and unit < len(_UNITS) - 1:
        amount /= 1024
        unit += 1
    if amount == int(amount):
        return f"{int(amount)} {_UNITS[unit]}"
    return f"{amount:.2f}".rstrip("0").rstrip(".") + f" {_UNITS[unit]}"


def with_units(data: Any, parent: str = "") -> Any:
    """A copy of `data` with byte-valued integers written with units."""
    if isinstance(data, list):
        return [with_units(item, parent) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    extra = BYTE_KEYS_IN.get(parent, frozenset())
    for key, value in data.items():
        if isinstance(value, int) and not isinstance(value, bool) and (key in BYTE_KEYS or key in extra):
            out[key] = size_text(value)
        else:
            out[key] = with_units(value, key)
    return out


#: References `show` names beside their ids (in text and table output).
NAMED_REFERENCES = ("host", "cluster", "template", "original_template", "data_center", "storage_domain",
                    "instance_type", "vm", "disk_profile", "vnic_profile", "network", "cpu_profile", "quota")


def name_references(shell, data: dict[str, Any]) -> dict[str, Any]:
    """`cluster: {id}` -> `cluster: {id, name}` for the top-level types the engine can look up;
    a reference that cannot be read stays as it is.

    Each object is read once (a template is often the original template too), and the reads
    go out together, each on its own connection: against a remote engine the names cost one
    round trip, not one per reference.
    """
    from ovirtshell.api.codec import decode
    from ovirtshell.api.errors import ApiError

    connection = shell.require_connection()
    index = connection.index
    wanted: dict[str, list[str]] = {}  # path -> the keys naming that object
    types: dict[str, str] = {}
    for key in NAMED_REFERENCES:
        ref = data.get(key)
        if not isinstance(ref, dict) or "name" in ref or not ref.get("id"):
            continue
        name = key.replace("_", "") if key != "original_template" else "template"
        resource = next((r for r in index.resources(name) if r.parent is None and r.can_get), None)
        if resource is None:
            continue
        path = f"/{resource.segment}/{ref['id']}"
        wanted.setdefault(path, []).append(key)
        types[path] = resource.item_type
    names: dict[str, str] = {}

    def read(path: str) -> None:
        try:
            found = decode(index.model, types[path], connection.client.get(path))
        except ApiError:
            return
        if found.get("name"):
            names[path] = found["name"]

    _together(read, list(wanted))
    out = dict(data)
    for path, keys in wanted.items():
        if path in names:
            for key in keys:
                out[key] = {**data[key], "name": names[path]}
    return out


def _together(work, items: list[str]) -> None:
    """`work(item)` for each item, the first here and the others in threads meanwhile."""
    if len(items) > 1:
        import threading

        threads = [threading.Thread(target=work, args=(item,), daemon=True) for item in items[1:]]
        for thread in threads:
            thread.start()
        work(items[0])
        for thread in threads:
            thread.join()
    elif items:
        work(items[0])
