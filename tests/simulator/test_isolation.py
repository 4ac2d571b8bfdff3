"""The simulator stands alone and keeps its layers: nothing in ``ovirtsim`` imports the
shell, and lower layers never import higher ones."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ovirtsim

PACKAGE = Path(ovirtsim.__file__).parent
# What each layer may import from the package (besides itself); TYPE_CHECKING imports aside.
ALLOWED = {
    "core": {"core"},
    "web": {"core", "web", "dispatch", "engine"},
    "dispatch": {"core", "web", "dispatch"},
    "domain": {"core", "web", "dispatch", "domain"},
}


def _imports(source: Path) -> list[tuple[str, int]]:
    """(module, level) of every import outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(source.read_text(), filename=str(source))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    out = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out += [(a.name, 0) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.module or "", node.level))
    return out


def test_simulator_imports_nothing_from_ovirtshell() -> None:
    offenders = [f"{source.relative_to(PACKAGE)}: {name}"
                 for source in sorted(PACKAGE.rglob("*.py"))
                 for name, level in _imports(source)
                 if level == 0 and (name == "ovirtshell" or name.startswith("ovirtshell."))]
    assert offenders == []
    code = ("import sys, ovirtsim.testing, ovirtsim.__main__; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ovirtshell'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_layers_import_downwards_only() -> None:
    offenders = []
    for layer, allowed in ALLOWED.items():
        for source in sorted((PACKAGE / layer).rglob("*.py")):
            for name, level in _imports(source):
                if level == 0:
                    if name.startswith("ovirtsim."):
                        target = name.split(".")[1]
                    else:
                        continue
                elif level == 1:
                    target = layer
                else:
                    target = name.split(".")[0]
                if target not in allowed:
                    offenders.append(f"{source.relative_to(PACKAGE)} imports {target}")
    assert offenders == []


def test_model_is_packaged() -> None:
    assert (PACKAGE / "data" / "model.json").is_file()
