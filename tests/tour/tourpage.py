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
