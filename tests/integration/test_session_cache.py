"""The login kept between one-shot runs: reused, private, revoked by disconnect, optional."""

from __future__ import annotations

import stat
from pathlib import Path


def _sessions(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "sessions").glob("*.json"))


def test_second_run_reuses_the_login(ovirt, tmp_path) -> None:
    first = ovirt("--debug", "-E", "show vm vm0")
    assert first.status == 0, first.err
    assert "/sso/oauth/token" in first.err
    assert "sso-logout" not in first.err  # leaving keeps the login for the next run
    [saved] = _sessions(tmp_path)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
    token_line = next(line for line in first.err.splitlines() if "Authorization: Bearer" in line)
    assert token_line.endswith("***") or "Bearer ***" in token_line  # masked in the debug output

    second = ovirt("--debug", "-E", "show vm vm0")
    assert second.status == 0, second.err
    assert second.out == first.out
    assert "using the session saved by an earlier run" in second.err
    assert "/sso/oauth/token" not in second.err
    assert "GET http" in second.err and "/ovirt-engine/api " not in second.err  # no API root
    def requests(run) -> list[str]:
        return [line for line in run.err.splitlines() if line.startswith("debug: > ") and " http" in line]

    # Only the command's own requests (the search and the references it names): no login, no
    # API root (and, the model being cached now, no model).
    own = [r for r in requests(first) if "/sso/" not in r and not r.endswith("/ovirt-engine/api")
           and "model.json" not in r]
    assert requests(second) == own


def test_disconnect_revokes_and_forgets(ovirt, tmp_path) -> None:
    assert ovirt("-E", "list vms").status == 0
    [saved] = _sessions(tmp_path)
    token = saved.read_text()
    done = ovirt("--debug", "-E", "disconnect")
    assert done.status == 0, done.err
    assert "sso-logout" in done.err
    assert _sessions(tmp_path) == []
    again = ovirt("--debug", "-E", "list vms")
    assert again.status == 0 and "/sso/oauth/token" in again.err
    assert _sessions(tmp_path)[0].read_text() != token


def test_a_revoked_token_logs_in_again(ovirt, tmp_path, sim) -> None:
    import httpx

    assert ovirt("-E", "list vms").status == 0
    [saved] = _sessions(tmp_path)
    import json

    token = json.loads(saved.read_text())["token"]
    engine = sim.url.rsplit("/api", 1)[0]
    httpx.post(f"{engine}/services/sso-logout", data={"scope": "ovirt-app-api", "token": token})
    again = ovirt("--debug", "-E", "list vms")
    assert again.status == 0, again.err
    assert " 401 " in again.err and "/sso/oauth/token" in again.err
    assert json.loads(saved.read_text())["token"] != token  # the new login is saved


def test_a_readable_session_file_is_refused(ovirt, tmp_path) -> None:
    assert ovirt("-E", "list vms").status == 0
    [saved] = _sessions(tmp_path)
    saved.chmod(0o644)
    again = ovirt("--debug", "-E", "list vms")
    assert again.status == 0
    assert "/sso/oauth/token" in again.err  # not trusted: logged in afresh
    assert stat.S_IMODE(_sessions(tmp_path)[0].stat().st_mode) == 0o600


def test_the_cache_can_be_turned_off(ovirt, tmp_path) -> None:
    (tmp_path / "home").mkdir(exist_ok=True)
    (tmp_path / "home" / ".ovirtshellrc").write_text("[ovirt-shell]\ntoken_cache = false\n")
    done = ovirt("--debug", "-E", "list vms")
    assert done.status == 0, done.err
    assert _sessions(tmp_path) == []
    assert "sso-logout" in done.err  # leaving revokes the token as before
