"""Benchmark: GET /ovirt-engine/api/vms (XML) on ``ovirt-sim --seed scale:10000``.

Starts the simulator as a subprocess, logs in over SSO, saves the listing to a file and
serves that file from two minimal static servers on 127.0.0.1, each in its own process:
a uvicorn + starlette ``FileResponse`` app (the simulator's own server stack) and Python's
``http.server`` (a blocking server writing from a file). Then, round by round:

- curl (``-s -o /dev/null``, its own ``time_total``) fetches the listing from the simulator
  and the same bytes from both static servers: the ratio simulator / static is the figure;
- a Python httpx client reads the listing (reported: it is mostly the client's own time);
- after a change: a VM's description is updated, then curl times the first listing, which
  renders again what changed (``time_starttransfer`` is the wait before the first byte).

Prints the medians and ratios and records them in docs/performance.md under
"Simulator: list 10,000 VMs" (only that section is rewritten).

    python bench/sim_list.py [--vms 10000] [--repeat 15] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
from harness import start_simulator, stop, token, write_section

HEADING = "## Simulator: list 10,000 VMs"
TARGET = 3.0  # the simulator's listing within 3x the static file's transfer

UVICORN_FILE = """
import os, socket, sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import FileResponse
from starlette.routing import Route
path = sys.argv[1]
async def page(request):
    return FileResponse(path, media_type="application/xml")
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0)); sock.listen(128)
print(sock.getsockname()[1], flush=True)
app = Starlette(routes=[Route("/" + os.path.basename(path), page)])
uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                              lifespan="off")).run(sockets=[sock])
"""

HTTP_SERVER = """
import functools, http.server, os, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                            directory=os.path.dirname(sys.argv[1]))
handler.func.log_message = lambda *a: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def static_server(code: str, path: str) -> tuple[subprocess.Popen[str], str]:
    """A static file server process for ``path`` and the URL of the file."""
    proc = subprocess.Popen([sys.executable, "-c", code, path], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    if not port.isdigit():
        stop(proc)
        raise SystemExit("the static file server did not start")
    return proc, f"http://127.0.0.1:{port}/{os.path.basename(path)}"


def curl(url: str, headers: list[str], out: str = "/dev/null") -> tuple[float, float, int]:
    """One curl fetch: (time_total, time_starttransfer, bytes)."""
    args = [shutil.which("curl") or "curl", "-s", "-f", "-o", out,
            "-w", "%{time_total} %{time_starttransfer} %{size_download}"]
    for h in headers:
        args += ["-H", h]
    done = subprocess.run(args + [url], check=True, capture_output=True, text=True)
    total, first, size = done.stdout.split()
    return float(total), float(first), int(size)


def time_httpx(client: httpx.Client, url: str) -> float:
    t0 = time.perf_counter()
    resp = client.get(url + "/vms")
    _ = resp.content
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vms", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--no-write", action="store_true", help="only print the figures")
    args = ap.parse_args()
    if shutil.which("curl") is None:
        raise SystemExit("curl is needed for the measurement")
    tmp = tempfile.TemporaryDirectory(prefix="sim-list-")
    saved = os.path.join(tmp.name, "vms.xml")
    procs: list[subprocess.Popen[str]] = []
    proc, exports, startup = start_simulator(args.vms)
    procs.append(proc)
    url = exports["OVIRT_URL"]
    try:
        tok = token(exports)
        auth = [f"Authorization: Bearer {tok}", "Accept: application/xml"]
        t0 = time.perf_counter()
        curl(url + "/vms", auth)  # the first listing renders every VM
        cold = time.perf_counter() - t0
        _, _, size = curl(url + "/vms", auth, saved)
        with open(saved, "rb") as f:
            count = f.read().count(b"<vm href=")
        uv_proc, uv_url = static_server(UVICORN_FILE, saved)
        procs.append(uv_proc)
        hs_proc, hs_url = static_server(HTTP_SERVER, saved)
        procs.append(hs_proc)
        sim, uv, hs, py, after, after_first, writes = [], [], [], [], [], [], []
        vm0 = httpx.get(url + "/vms", params={"search": "name=vm0"},
                        headers={"Authorization": f"Bearer {tok}"}).text
        vm0_id = vm0.split('<vm href="', 1)[1].split('" id="', 1)[1].split('"', 1)[0]
        with httpx.Client(timeout=300, headers={"Authorization": f"Bearer {tok}",
                                                "Accept": "application/xml"}) as client:
            for r in range(args.repeat):
                sim.append(curl(url + "/vms", auth)[0])
                uv.append(curl(uv_url, [])[0])
                hs.append(curl(hs_url, [])[0])
                py.append(time_httpx(client, url))
                t0 = time.perf_counter()
                resp = client.put(f"{url}/vms/{vm0_id}", content=f"<vm><description>round {r}"
                                  "</description></vm>", headers={"Content-Type": "application/xml"})
                resp.raise_for_status()
                writes.append(time.perf_counter() - t0)
                total, first, got = curl(url + "/vms", auth)
                assert got >= size - 64
                after.append(total)
                after_first.append(first)
    finally:
        for p in reversed(procs):
            stop(p)
        tmp.cleanup()
    m = {k: statistics.median(v) * 1000 for k, v in
         {"sim": sim, "uv": uv, "hs": hs, "py": py, "after": after,
          "first": after_first, "write": writes}.items()}
    worst_after = max(after) * 1000
    r_uv, r_hs = m["sim"] / m["uv"], m["sim"] / m["hs"]
    r_after = m["after"] / m["hs"]
    lines = [
        f"VMs listed: {count} ({size / 1e6:.1f} MB of XML), simulator startup {startup:.2f} s, "
        f"first listing {cold:.2f} s; {args.repeat} rounds, medians:",
        f"curl, simulator: {m['sim']:.0f} ms",
        f"curl, static file (uvicorn FileResponse): {m['uv']:.0f} ms; ratio {r_uv:.2f}",
        f"curl, static file (http.server): {m['hs']:.0f} ms; ratio {r_hs:.2f}",
        f"httpx (Python) from the simulator: {m['py']:.0f} ms",
        f"update of one VM: {m['write']:.1f} ms; then curl, simulator: {m['after']:.0f} ms "
        f"(first byte after {m['first']:.0f} ms; slowest {worst_after:.0f} ms); "
        f"ratio to http.server {r_after:.2f}",
    ]
    print("\n".join(lines))

    def verdict(ratio: float) -> str:
        return "met" if ratio <= TARGET else "not met"

    if not args.no_write:
        section = (
            f"{HEADING}\n\n"
            "`bench/sim_list.py` (issue #14): `ovirt-sim --seed scale:10000 --time-scale 0`, "
            "then `GET /ovirt-engine/api/vms` (XML, bearer token) fetched with `curl -s -o "
            "/dev/null` (curl's own `time_total`). The reference is the same bytes, saved to "
            "a file, fetched by curl in the same rounds from two minimal static servers on "
            "127.0.0.1, each its own process: a uvicorn + starlette `FileResponse` app (the "
            "simulator's server stack) and Python's `http.server` (`ThreadingHTTPServer`, "
            "blocking writes; the faster of the two, so the stricter reference). Each round "
            "also updates one VM and times the first listing after that change.\n\n"
            "    python bench/sim_list.py [--vms 10000] [--repeat 15]\n\n"
            f"Machine: {platform.machine()}, 2 cores (shared, noisy: read the ratios), Python "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}; {args.repeat} rounds, "
            "medians.\n\n"
            "| measure | value |\n|---|---|\n"
            f"| VMs listed | {count} ({size / 1e6:.1f} MB) |\n"
            f"| simulator startup (seed + bind) | {startup:.2f} s |\n"
            f"| first listing after startup (renders every VM) | {cold:.2f} s |\n"
            f"| curl, simulator | {m['sim']:.0f} ms |\n"
            f"| curl, static file, uvicorn `FileResponse` | {m['uv']:.0f} ms |\n"
            f"| curl, static file, `http.server` | {m['hs']:.0f} ms |\n"
            f"| httpx (Python client) from the simulator | {m['py']:.0f} ms |\n"
            f"| update of one VM (PUT) | {m['write']:.1f} ms |\n"
            f"| curl, simulator, first listing after the update | {m['after']:.0f} ms "
            f"(first byte {m['first']:.0f} ms; slowest of {args.repeat}: "
            f"{worst_after:.0f} ms) |\n\n"
            "| ratio of medians | value | target | verdict |\n|---|---|---|---|\n"
            f"| simulator / static file (uvicorn `FileResponse`) | {r_uv:.2f} | <= {TARGET:g} "
            f"| {verdict(r_uv)} |\n"
            f"| simulator / static file (`http.server`) | {r_hs:.2f} | <= {TARGET:g} "
            f"| {verdict(r_hs)} |\n"
            f"| first listing after a change / static file (`http.server`) | {r_after:.2f} "
            f"| (reported) | - |\n\n"
        )
        write_section(HEADING, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
