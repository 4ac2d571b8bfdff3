"""Data centers and clusters: defaults, and the CPU profile of a new cluster."""

from __future__ import annotations

from ..core import registry as on
from ..core.context import Context
from ..core.registry import View
from ..web.routing import Node

on.view("data_center", "clusters", View("clusters", "data_center"))
on.view("cluster", "cpu_profiles", View("cpuprofiles", "cluster"))


@on.before("add", "data_center")
def data_center_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("local", False)
    data.setdefault("version", {"major": 4, "minor": 7})
    data.setdefault("storage_format", "v5")
    data.setdefault("quota_mode", "disabled")
    data["status"] = "uninitialized"


@on.action("data_center", "clean_finished_tasks")
def clean_finished_tasks(ctx: Context, node: Node, params: dict) -> dict:
    return {}


@on.before("add", "cluster")
def cluster_defaults(ctx: Context, node: Node, data: dict) -> None:
    data.setdefault("cpu", {"architecture": "x86_64", "type": "Intel Nehalem Family"})
    data.setdefault("version", {"major": 4, "minor": 7})


@on.after("add", "cluster")
def cluster_profile(ctx: Context, node: Node, data: dict) -> None:
    ctx.store.put("cpuprofiles", "cpu_profile", {
        "id": ctx.new_id(), "name": data["name"], "cluster": {"id": data["id"]}})
