"""Shared by the tour tests: the ``ovirt`` command blocks of one section of docs/tour.md."""

from __future__ import annotations

import re
from pathlib import Path

TOUR = Path(__file__).resolve().parents[2] / "docs" / "tour.md"
BLOCK = re.compile(r"^```ovirt\n(.*?)^```", re.S | re.M)


def section_blocks(heading: str) -> list[str]:
    """The command blocks under the ``## heading`` of the tour, up to the next ``## ``."""
    text = TOUR.read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return BLOCK.findall(text[start:end if end >= 0 else None])


def run_blocks(ovirt, heading: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Run each block of a section as a script (stdin); fail on the first bad status."""
    outputs = []
    blocks = section_blocks(heading)
    assert blocks, f"no command blocks under '## {heading}'"
    for block in blocks:
        run = ovirt(stdin=block)
        assert run.status == 0, f"block failed ({run.status}):\n{block}\n{run.err}"
        outputs.append(run.out)
    return outputs


FENCED = re.compile(r"^```(ovirt|ovirt-fails)\n(.*?)^```", re.S | re.M)


def section_steps(heading: str) -> list[tuple[str, bool]]:
    """The command blocks of a section in order, each with whether it must succeed: an
    ``ovirt-fails`` block shows the engine refusing something, so its status is not 0."""
    text = TOUR.read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return [(body, kind == "ovirt")
            for kind, body in FENCED.findall(text[start:end if end >= 0 else None])]


def run_steps(ovirt, heading: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Run each block of a section; an ``ovirt`` block must end with status 0, an
    ``ovirt-fails`` block with an error. Returns stdout + stderr of each block."""
    outputs = []
    steps = section_steps(heading)
    assert steps, f"no command blocks under '## {heading}'"
    for block, must_succeed in steps:
        run = ovirt(stdin=block)
        if must_succeed:
            assert run.status == 0, f"block failed ({run.status}):\n{block}\n{run.err}"
        else:
            assert run.status != 0, f"block should have failed:\n{block}\n{run.out}"
        outputs.append(run.out + run.err)
    return outputs


def one(service, name: str):  # type: ignore[no-untyped-def]
    """The single object called ``name`` in an SDK collection service (fails on none or two)."""
    [found] = [o for o in service.list() if o.name == name]
    return found
