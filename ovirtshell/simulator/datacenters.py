"""Data centers and clusters: defaults, and the CPU profile of a new cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request
    from .routing import Node


class DataCenters:
    """Mixed into ``Simulator``: data center and cluster hooks."""

    def pre_add_data_center(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.setdefault("local", False)
        data.setdefault("version", {"major": 4, "minor": 7})
        data.setdefault("storage_format", "v5")
        data.setdefault("quota_mode", "disabled")
        data["status"] = "uninitialized"

    def act_data_center_clean_finished_tasks(self: Simulator, req: Request, node: Node,
                                             params: dict) -> dict:
        return {}

    def pre_add_cluster(self: Simulator, req: Request, node: Node, data: dict) -> None:
        data.setdefault("cpu", {"architecture": "x86_64", "type": "Intel Nehalem Family"})
        data.setdefault("version", {"major": 4, "minor": 7})

    def post_add_cluster(self: Simulator, req: Request, node: Node, data: dict) -> None:
        self.store.put("cpuprofiles", "cpu_profile", {
            "id": self.new_id(), "name": data["name"], "cluster": {"id": data["id"]}})
