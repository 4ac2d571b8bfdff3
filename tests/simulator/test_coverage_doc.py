"""docs/simulator-coverage.md is generated from the handler registry and kept current."""

from __future__ import annotations

from pathlib import Path

import pytest

from ovirtsim import coverage

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_page_is_current() -> None:
    assert coverage.main(["--root", str(ROOT), "--check"]) == 0, \
        f"run `{coverage.COMMAND}` and commit {coverage.DOC}"


def test_check_fails_on_a_stale_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs").mkdir()
    assert coverage.main(["--root", str(tmp_path), "--check"]) == 1
    assert coverage.main(["--root", str(tmp_path)]) == 0
    assert coverage.main(["--root", str(tmp_path), "--check"]) == 0
    page = (tmp_path / coverage.DOC).read_text()
    assert "| vm | " in page and "start" in page and "screenshot" in page
    (tmp_path / coverage.DOC).write_text(page.replace("screenshot", ""))
    assert coverage.main(["--root", str(tmp_path), "--check"]) == 1
    assert "stale" in capsys.readouterr().err


def test_services_no_url_reaches_are_listed_apart() -> None:
    from ovirtsim.core.model import load_model

    served = coverage.reachable(load_model())
    assert {"vm", "vms", "disk", "host_nic", "gluster_hook", "events"} <= served
    assert not {"vm_disk", "vm_disks", "template_disk", "copyable"} & served
    page = coverage.generate()
    apart = page.split("## Services no URL reaches", 1)[1]
    assert "vm_disk (activate, deactivate" in apart and "| vm_disk |" not in page
