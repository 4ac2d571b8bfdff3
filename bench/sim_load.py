"""Benchmark: many concurrent clients against ``ovirt-sim`` for a fixed time, with no error.

Starts ``ovirt-sim --seed scale:N --time-scale 0`` on 127.0.0.1 (port 0), logs in C clients
over SSO (most as ``admin@internal``, some as ``user@internal``, who holds UserRole on
``vm0`` only) and lets each run a mix of requests on its own connection until the time is up
or the request budget is spent:

- reads: list the VMs, show a VM, search VMs, list recent events;
- writes (admins): create a VM of their own, update its description, start and stop it,
  delete it; (the user) start and stop ``vm0``, which the others race for (409 allowed).

Every answer is checked against the statuses that request may get; any other status, a 5xx,
a timeout or a connection error is an error, and so is reading back an older description
than the client's last acknowledged update. At the end every acknowledged write is checked
to be visible: each VM created and not deleted is shown with its last description and is in
the full listing, each deleted one is gone. Prints requests, errors, latency percentiles and
requests per second, and records them in docs/performance.md (the "Simulator: concurrent
clients" section).

    python bench/sim_load.py [--clients 50] [--seconds 30] [--vms 1000] [--no-write]

``run_load`` and ``check_writes`` are also what tests/simulator/test_load.py runs, shorter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from lxml import etree

HEADING = "## Simulator: concurrent clients"
ADMIN = ("admin@internal", "Demo-4xQ9")
USER = ("user@internal", "user")
XML = {"Accept": "application/xml", "Content-Type": "application/xml"}

# (operation, weight) for each kind of client; reads dominate as they do for real clients.
ADMIN_MIX = [("list_vms", 6), ("show_vm", 20), ("search", 16), ("events", 10),
             ("write", 24)]
USER_MIX = [("list_vms", 10), ("show_vm", 25), ("show_hidden", 5), ("search", 20),
            ("events", 15), ("power", 10)]


@dataclass
class Stats:
    """What the clients measured, together."""

    latencies: list[float] = field(default_factory=list)
    by_op_latency: dict[str, list[float]] = field(default_factory=dict)
    health: list[float] = field(default_factory=list)
    by_op: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    requests: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0  # CPU seconds the clients' own process used during the run

    def error(self, kind: str, text: str) -> None:
        self.errors[kind] += 1
        if len(self.samples) < 10:
            self.samples.append(f"{kind}: {text}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class OwnVm:
    """A VM one admin client created: what the simulator acknowledged about it."""

    id: str
    name: str
    description: str = ""
    up: bool = False
    deleted: bool = False


@dataclass
class Budget:
    """When the run ends: a deadline and a number of requests, whichever comes first."""

    deadline: float
    left: int

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


async def login(base: str, username: str, password: str, timeout: float) -> str:
    """A bearer token from the simulator's SSO endpoint."""
    async with httpx.AsyncClient(timeout=timeout) as c:
        resp = await c.post(f"{base}/ovirt-engine/sso/oauth/token", data={
            "grant_type": "password", "scope": "ovirt-app-api", "username": username,
            "password": password}, headers={"Accept": "application/json"})
        resp.raise_for_status()
        return str(resp.json()["access_token"])


class LoadClient:
    """One client: its own connection, token and VMs, running its mix until the budget ends."""

    def __init__(self, n: int, api: str, token: str, admin: bool, stats: Stats,
                 budget: Budget, timeout: float, seed_vms: int) -> None:
        self.n = n
        self.api = api
        self.admin = admin
        self.stats = stats
        self.budget = budget
        self.rng = random.Random(n)
        self.seed_vms = seed_vms
        self.vms: list[OwnVm] = []
        self.created = 0
        self.vm0 = ""
        self.http = httpx.AsyncClient(
            base_url=api, timeout=timeout, limits=httpx.Limits(max_connections=1),
            headers={**XML, "Authorization": f"Bearer {token}"})

    async def close(self) -> None:
        await self.http.aclose()

    async def call(self, op: str, method: str, path: str, ok: tuple[int, ...],
                   body: str | None = None, params: dict | None = None) -> httpx.Response | None:
        """One timed request; None (and an error counted) unless its status is in ``ok``."""
        t0 = time.perf_counter()
        try:
            resp = await self.http.request(method, path, content=body, params=params)
        except httpx.TimeoutException as e:
            self.stats.error("timeout", f"{op} {method} {path}: {e!r}")
            return None
        except httpx.TransportError as e:
            self.stats.error("connection", f"{op} {method} {path}: {e!r}")
            return None
        finally:
            took = time.perf_counter() - t0
            self.stats.latencies.append(took)
            self.stats.by_op_latency.setdefault(op, []).append(took)
            self.stats.requests += 1
            self.stats.by_op[op] += 1
        if resp.status_code >= 500:
            self.stats.error("5xx", f"{op} {method} {path}: {resp.status_code} {resp.text[:200]}")
            return None
        if resp.status_code not in ok:
            self.stats.error("status", f"{op} {method} {path}: {resp.status_code} "
                                       f"{resp.text[:200]}")
            return None
        return resp

    async def run(self) -> None:
        mix = ADMIN_MIX if self.admin else USER_MIX
        ops = [op for op, _ in mix]
        weights = [w for _, w in mix]
        resp = await self.call("search", "GET", "/vms", (200,), params={"search": "name=vm0"})
        if resp is not None:
            self.vm0 = etree.fromstring(resp.content).find("vm").get("id")
        while self.budget.take():
            op = self.rng.choices(ops, weights)[0]
            await getattr(self, "op_" + op)()

    # ----- reads -------------------------------------------------------------------------
    async def op_list_vms(self) -> None:
        await self.call("list vms", "GET", "/vms", (200,))

    async def op_show_vm(self) -> None:
        mine = [v for v in self.vms if not v.deleted]
        if mine and self.rng.random() < 0.5:
            vm = self.rng.choice(mine)
            resp = await self.call("show vm", "GET", f"/vms/{vm.id}", (200,))
            if resp is not None:
                got = etree.fromstring(resp.content).findtext("description") or ""
                if got != vm.description:
                    self.stats.error("stale", f"vm {vm.name}: description {got!r}, "
                                              f"acknowledged {vm.description!r}")
        elif self.vm0:
            await self.call("show vm", "GET", f"/vms/{self.vm0}", (200,))

    async def op_show_hidden(self) -> None:
        """The user searches for a VM it may not see: the answer is empty."""
        resp = await self.call("search", "GET", "/vms", (200,), params={"search": "name=vm1"})
        if resp is not None and etree.fromstring(resp.content).find("vm") is not None:
            self.stats.error("visible", "user@internal sees vm1")

    async def op_search(self) -> None:
        k = self.rng.randrange(max(self.seed_vms, 1))
        text = self.rng.choice([f"name=vm{k}", f"name=vm{k}*", "status=up",
                                "name=load* and status=down"])
        await self.call("search", "GET", "/vms", (200,), params={"search": text})

    async def op_events(self) -> None:
        await self.call("events", "GET", "/events", (200,), params={"max": "20"})

    # ----- writes ------------------------------------------------------------------------
    async def op_power(self) -> None:
        """The user starts or stops vm0; others race for it, so 409 is a right answer."""
        if not self.vm0:
            return
        action = self.rng.choice(["start", "stop"])
        await self.call(action, "POST", f"/vms/{self.vm0}/{action}", (200, 409),
                        body="<action/>")

    async def op_write(self) -> None:
        live = [v for v in self.vms if not v.deleted]
        if not live or (len(live) < 2 and self.rng.random() < 0.3):
            await self.create()
            return
        vm = self.rng.choice(live)
        choice = self.rng.random()
        if choice < 0.4:
            desc = f"rev {self.rng.randrange(10**6)}"
            resp = await self.call("update", "PUT", f"/vms/{vm.id}", (200,),
                                   body=f"<vm><description>{desc}</description></vm>")
            if resp is not None:
                vm.description = desc
        elif not vm.up and choice < 0.7:
            if await self.call("start", "POST", f"/vms/{vm.id}/start", (200,),
                               body="<action/>") is not None:
                vm.up = True
        elif vm.up:
            if await self.call("stop", "POST", f"/vms/{vm.id}/stop", (200,),
                               body="<action/>") is not None:
                vm.up = False
        elif await self.call("delete", "DELETE", f"/vms/{vm.id}", (200,)) is not None:
            vm.deleted = True

    async def create(self) -> None:
        self.created += 1
        name = f"load-{self.n}-{self.created}"
        body = (f"<vm><name>{name}</name><cluster><name>Default</name></cluster>"
                "<template><name>Blank</name></template></vm>")
        resp = await self.call("create", "POST", "/vms", (201,), body=body)
        if resp is not None:
            self.vms.append(OwnVm(etree.fromstring(resp.content).get("id"), name))


async def run_load(base: str, clients: int = 50, seconds: float = 30.0,
                   max_requests: int = 1_000_000, users: int | None = None,
                   timeout: float = 30.0, seed_vms: int = 5,
                   admin: tuple[str, str] = ADMIN) -> tuple[Stats, list[LoadClient]]:
    """Run the clients against the simulator at ``base`` (http://127.0.0.1:PORT)."""
    api = base + "/ovirt-engine/api"
    users = clients // 5 if users is None else users
    tokens = await asyncio.gather(
        *(login(base, *(USER if n < users else admin), timeout) for n in range(clients)))
    stats = Stats()
    budget = Budget(0.0, max_requests)
    pool = [LoadClient(n, api, tokens[n], n >= users, stats, budget, timeout, seed_vms)
            for n in range(clients)]
    done = asyncio.Event()
    probe = asyncio.create_task(health_probe(base, stats, done, timeout))
    t0, cpu0 = time.perf_counter(), time.process_time()
    budget.deadline = time.monotonic() + seconds
    try:
        await asyncio.gather(*(c.run() for c in pool))
    finally:
        done.set()
        await probe
        stats.elapsed = time.perf_counter() - t0
        stats.client_cpu = time.process_time() - cpu0
        for c in pool:
            await c.close()
    return stats, pool


async def health_probe(base: str, stats: Stats, done: asyncio.Event, timeout: float) -> None:
    """``/sim/health`` every 50 ms: it is answered on the server's event loop without the
    engine's lock, so its latency shows how long the loop is kept from answering anyone."""
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as c:
        while not done.is_set():
            t0 = time.perf_counter()
            try:
                resp = await c.get("/sim/health")
                if resp.status_code != 200:
                    stats.error("health", f"/sim/health: {resp.status_code}")
            except httpx.HTTPError as e:
                stats.error("health", f"/sim/health: {e!r}")
            stats.health.append(time.perf_counter() - t0)
            try:
                await asyncio.wait_for(done.wait(), 0.05)
            except asyncio.TimeoutError:
                pass


async def check_writes(base: str, pool: list[LoadClient], timeout: float = 300.0,
                       admin: tuple[str, str] = ADMIN) -> list[str]:
    """What is missing of the acknowledged writes (empty when everything is visible)."""
    api = base + "/ovirt-engine/api"
    token = await login(base, *admin, timeout)
    missing: list[str] = []
    async with httpx.AsyncClient(base_url=api, timeout=timeout,
                                 headers={**XML, "Authorization": f"Bearer {token}"}) as c:
        listing = etree.fromstring((await c.get("/vms")).content)
        listed = {e.get("id") for e in listing.iter("vm")}
        for client in pool:
            for vm in client.vms:
                resp = await c.get(f"/vms/{vm.id}")
                if vm.deleted:
                    if resp.status_code != 404 or vm.id in listed:
                        missing.append(f"{vm.name} deleted but still there")
                    continue
                if resp.status_code != 200:
                    missing.append(f"{vm.name} created but {resp.status_code}")
                    continue
                got = etree.fromstring(resp.content).findtext("description") or ""
                if got != vm.description:
                    missing.append(f"{vm.name}: description {got!r}, acknowledged "
                                   f"{vm.description!r}")
                if vm.id not in listed:
                    missing.append(f"{vm.name} not in the listing")
    return missing


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def start_simulator(vms: int, data: str | None) -> tuple[subprocess.Popen[str], dict, float]:
    """``ovirt-sim --seed scale:VMS --time-scale 0`` on 127.0.0.1:0 (with ``--data``)."""
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "ovirtsim", "--seed", f"scale:{vms}",
           "--listen", "127.0.0.1:0", "--time-scale", "0"]
    proc = subprocess.Popen(cmd + (["--data", data] if data else []),
                            stdout=subprocess.PIPE, text=True)
    exports: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:  # ends when the simulator exits without printing them
        key, _, value = line.strip().removeprefix("export ").partition("=")
        exports[key] = value
        if {"OVIRT_URL", "OVIRT_USERNAME", "OVIRT_PASSWORD"} <= exports.keys():
            return proc, exports, time.perf_counter() - t0
    proc.wait()
    raise SystemExit("ovirt-sim did not print its export lines")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--vms", type=int, default=1000, help="ovirt-sim --seed scale:VMS")
    ap.add_argument("--max-requests", type=int, default=1_000_000)
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    ap.add_argument("--data", action="store_true",
                    help="keep the state in an SQLite file (WAL) instead of in memory")
    ap.add_argument("--no-write", action="store_true", help="only print the figures")
    args = ap.parse_args()
    from harness import stop, write_section

    tmp = tempfile.TemporaryDirectory(prefix="sim-load-")
    data = os.path.join(tmp.name, "sim.db") if args.data else None
    proc, exports, startup = start_simulator(args.vms, data)
    base = exports["OVIRT_URL"].rsplit("/ovirt-engine/api", 1)[0]
    admin = (exports["OVIRT_USERNAME"], exports["OVIRT_PASSWORD"])
    try:
        stats, pool = asyncio.run(run_load(
            base, args.clients, args.seconds, args.max_requests, timeout=args.timeout,
            seed_vms=args.vms, admin=admin))
        missing = asyncio.run(check_writes(base, pool, admin=admin))
    finally:
        stop(proc)
        tmp.cleanup()
    lat = stats.latencies
    p50, p95, p99 = (percentile(lat, q) * 1000 for q in (50, 95, 99))
    hp50, hp99, hmax = (percentile(stats.health, q) * 1000 for q in (50, 99, 100))
    rate = stats.requests / stats.elapsed if stats.elapsed else 0.0
    busy = stats.client_cpu / stats.elapsed if stats.elapsed else 0.0
    writes = sum(stats.by_op[k] for k in ("create", "update", "start", "stop", "delete"))
    users = args.clients // 5
    lines = [
        f"{args.clients} clients ({args.clients - users} admin, {users} user) for "
        f"{stats.elapsed:.1f} s against scale:{args.vms} (startup {startup:.1f} s)",
        f"requests: {stats.requests} ({writes} writes), {rate:.0f} requests/s",
        f"latency ms: p50 {p50:.1f}, p95 {p95:.1f}, p99 {p99:.1f}, max {max(lat) * 1000:.0f}",
        f"/sim/health (event loop) ms: p50 {hp50:.1f}, p99 {hp99:.1f}, max {hmax:.0f}",
        f"the clients' own process used {busy:.0%} of a core",
        *(f"  {op}: {len(v)} requests, p50 {percentile(v, 50) * 1000:.0f} ms, p95 "
          f"{percentile(v, 95) * 1000:.0f} ms, p99 {percentile(v, 99) * 1000:.0f} ms"
          for op, v in sorted(stats.by_op_latency.items())),
        f"errors: {stats.error_count} " + str(dict(stats.errors)),
        f"acknowledged writes not visible afterwards: {len(missing)}",
        *stats.samples[:5], *missing[:5],
    ]
    print("\n".join(lines))
    ok = stats.error_count == 0 and not missing
    if not args.no_write:
        verdict = "met" if ok else "not met"
        section = (
            f"{HEADING}\n\n"
            "`bench/sim_load.py` (issue #14): `ovirt-sim --seed scale:N --time-scale 0` on "
            "127.0.0.1, then C clients in one asyncio process (httpx, one connection each), "
            "one in five logged in as `user@internal` (UserRole on `vm0`), the others as "
            "`admin@internal`. Each runs a weighted mix until the time is up: list the VMs, "
            "show one, search, the last 20 events; admins create, update, start, stop and "
            "delete VMs of their own, the user starts and stops `vm0` (409 allowed: they race "
            "for it). An error is any 5xx, timeout, connection error, unexpected status or a "
            "read older than the client's acknowledged update; afterwards every acknowledged "
            "write must be visible (shown and listed, or gone).\n\n"
            "    python bench/sim_load.py [--clients 50] [--seconds 30] [--vms 1000]\n\n"
            f"Machine: {platform.machine()}, 2 cores shared by server and clients, Python "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}.\n\n"
            "| measure | value |\n|---|---|\n"
            f"| clients | {args.clients} ({args.clients - users} admin, {users} user) |\n"
            f"| inventory | scale:{args.vms} |\n"
            f"| duration | {stats.elapsed:.1f} s |\n"
            f"| requests | {stats.requests} ({writes} writes) |\n"
            f"| requests/s | {rate:.0f} |\n"
            f"| latency p50 / p95 / p99 / max | {p50:.1f} / {p95:.1f} / {p99:.1f} / "
            f"{max(lat) * 1000:.0f} ms |\n"
            f"| errors | {stats.error_count} |\n"
            f"| acknowledged writes not visible | {len(missing)} |\n"
            f"| `/sim/health` p50 / p99 / max (see below) | {hp50:.1f} / {hp99:.1f} / "
            f"{hmax:.0f} ms |\n"
            f"| CPU of the clients' own process | {busy:.0%} of a core |\n"
            f"| verdict (no error, every write visible) | {verdict} |\n\n"
            "| operation | requests | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|\n"
            + "".join(f"| {op} | {len(v)} | {percentile(v, 50) * 1000:.0f} | "
                      f"{percentile(v, 95) * 1000:.0f} | {percentile(v, 99) * 1000:.0f} |\n"
                      for op, v in sorted(stats.by_op_latency.items()))
            + "\n"
        )
        write_section(HEADING, section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
