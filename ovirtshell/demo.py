"""--demo: run ovirt-sim (demo seed, temporary data) on a free loopback port for this session."""

from __future__ import annotations

import subprocess
import sys
import threading

from ovirtshell.status import CommandError

_START_TIMEOUT = 60.0


class DemoEngine:
    """The simulator as a child process; its `export` lines tell where it listens."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.values: dict[str, str] = {}

    def start(self) -> dict[str, str]:
        import atexit

        atexit.register(self.stop)  # also when the shell leaves by an unexpected path
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ovirtsim", "--listen", "127.0.0.1:0", "--seed", "demo",
             "--exit-with-parent"],  # no orphaned engine when the shell is killed
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # Ctrl-C in the shell must not reach the engine
        )
        timer = threading.Timer(_START_TIMEOUT, self.stop)
        timer.start()
        try:
            for line in self.process.stdout:
                if line.startswith("export ") and "=" in line:
                    key, _, value = line[len("export "):].strip().partition("=")
                    self.values[key] = value
                if "OVIRT_PASSWORD" in self.values:
                    break
        finally:
            timer.cancel()
        if "OVIRT_URL" not in self.values or "OVIRT_PASSWORD" not in self.values:
            self.stop()
            raise CommandError("the demo engine (ovirt-sim) did not start")
        return self.values

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def demo_settings(values: dict[str, str]) -> dict[str, str]:
    return {
        "url": values["OVIRT_URL"],
        "username": values.get("OVIRT_USERNAME", "admin@internal"),
        "password": values["OVIRT_PASSWORD"],
        **({"ca_file": values["OVIRT_CAFILE"]} if values.get("OVIRT_CAFILE") else {}),
    }
