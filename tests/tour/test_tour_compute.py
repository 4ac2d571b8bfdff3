"""The tour's "Compute" section runs against the simulator, and what it says happened is
read back through the official SDK."""

from __future__ import annotations

import os
from pathlib import Path

import ovirtsdk4.types as types

from .tourpage import one, run_steps


def test_compute_section(ovirt, api, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name, secret in (("ipmi.pass", "secret"), ("user.pass", "user")):
        (tmp_path / name).write_text(secret + "\n")
        os.chmod(tmp_path / name, 0o600)
    monkeypatch.chdir(tmp_path)
    out = run_steps(ovirt, "Compute")
    hosts = {h.name: h for h in api.hosts_service().list()}
    assert "status: on" in out[0]
    # HA: vm1 came back on another host; host1 is up again
    assert "Highly Available VM vm1 failed" in out[1] and "host-name: host0" in out[1]
    assert hosts["host1"].status == types.HostStatus.UP
    # pinning: the fault names the VM, host0 stays up
    assert "The non-migratable VMs are: vm0" in out[2]
    assert hosts["host0"].status == types.HostStatus.UP
    # affinity: vm2 and vm4 apart
    vms = {v.name: v for v in api.vms_service().list()}
    assert vms["vm2"].host.id != vms["vm4"].host.id
    assert "OptimalForPowerSaving" in out[4]
    # power saving: fewer hosts in use than the three at the start
    running = {v.host.id for v in vms.values() if v.status == types.VmStatus.UP and v.host
               and not v.name.startswith("desk-")}
    assert len(running) == 2
    # pools: three stateless VMs, one allocated to the user, who sees it
    desk = [v for n, v in vms.items() if n.startswith("desk-")]
    assert len(desk) == 3 and all(v.stateless for v in desk)
    user = one(api.users_service(), "user")
    perms = api.users_service().user_service(user.id).permissions_service().list()
    given = [p.vm.id for p in perms if p.vm and p.vm.id in {v.id for v in desk}]
    assert len(given) == 1
    mine = [v for v in desk if v.id == given[0]][0]
    assert mine.name in out[7] and mine.status == types.VmStatus.UP
    # quotas refuse, instance types and MAC pools apply
    assert "Quota small memory limit exceeded" in out[8]
    assert vms["big"].status == types.VmStatus.DOWN
    assert vms["sized"].memory == 4 * 2**30
    assert "02:00:00:00:10:00" in out[9]
    # monitoring: host0's memory.used is its VMs' memory plus 1 GiB
    host0 = api.hosts_service().host_service(hosts["host0"].id)
    used = next(s for s in host0.statistics_service().list() if s.name == "memory.used")
    on_host0 = sum(v.memory for v in vms.values() if v.host and v.host.id == hosts["host0"].id
                   and v.status == types.VmStatus.UP)
    assert used.values[0].datum == on_host0 + 2**30
