"""The simulator stands alone: nothing in it imports the rest of ovirtshell."""

from __future__ import annotations

import ast
from pathlib import Path

import ovirtshell.simulator

PACKAGE = Path(ovirtshell.simulator.__file__).parent


def test_simulator_imports_nothing_else_from_ovirtshell() -> None:
    offenders = []
    for source in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if (name == "ovirtshell" or name.startswith("ovirtshell.")) and \
                        not name.startswith("ovirtshell.simulator"):
                    offenders.append(f"{source.name}: {name}")
        text = source.read_text()
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("from ovirtshell.", "import ovirtshell")) and \
                    "ovirtshell.simulator" not in stripped:
                offenders.append(f"{source.name}: {stripped}")
    assert offenders == []


def test_model_is_packaged() -> None:
    assert (PACKAGE / "data" / "model.json").is_file()
