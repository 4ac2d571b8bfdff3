"""What the engine does beyond storing documents, composed from one module per domain:
required inputs, defaults, lifecycles, scheduling by free memory, jobs, events and the
simulated actions.

Hooks are found by name (``pre_add_vm``, ``act_vm_start``) so that any type or action the
model has but these modules lack falls back to generic storage (CRUD) or a 501 fault
(actions) — never a silent success.
"""

from __future__ import annotations

from .consoles import Consoles
from .datacenters import DataCenters
from .disks import Disks
from .hosts import Hosts
from .jobs import Jobs
from .networks import Networks
from .placement import Placement
from .power import Power
from .recovery import Recovery
from .snapshots import Snapshots
from .storage import StorageDomains
from .tags import Tags
from .templates import Templates
from .vms import Vms


class Behaviour(Recovery, Jobs, Vms, Power, Placement, Consoles, Snapshots, Disks, Networks,
                Hosts, StorageDomains, Templates, DataCenters, Tags):
    """Mixed into ``Simulator``: per-type hooks and simulated actions."""
