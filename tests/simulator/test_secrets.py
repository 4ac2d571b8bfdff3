"""Secrets in ovirt-sim: the default password, hashing, the data file, what GET returns."""

from __future__ import annotations

import httpx

from ovirtsim.testing import DEFAULT_ADMIN_PASSWORD, SimulatorHandle


def test_default_password_is_in_no_url_and_no_common_output(sim: SimulatorHandle) -> None:
    # Ansible's no_log masks every occurrence of the password in a module's result
    assert sim.password == DEFAULT_ADMIN_PASSWORD
    for text in (sim.url, "/ovirt-engine/api", "https://localhost:443", "127.0.0.1",
                 "admin@internal", "ovirt-sim", "ovirtsdk4"):
        assert DEFAULT_ADMIN_PASSWORD not in text
    api = httpx.get(sim.url + "/vms", auth=(sim.username, sim.password))
    assert api.status_code == 200
    assert DEFAULT_ADMIN_PASSWORD not in api.text
