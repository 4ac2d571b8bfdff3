"""ca: fetch the engine CA over an unverified connection, check it, then connect verified."""

from __future__ import annotations

from ovirtshell.api.pki import ca_fingerprint
from ovirtshell.status import ExitStatus
from ovirtsim.testing import run_simulator


def test_fetch_the_ca_then_connect_with_it(ovirt, tmp_path):
    with run_simulator(tls=True) as engine:
        environ = {"OVIRT_URL": engine.url, "OVIRT_USERNAME": engine.username, "OVIRT_PASSWORD": engine.password}
        untrusted = ovirt("-E", "ping", environ=environ)
        assert untrusted.status == ExitStatus.COMMUNICATION_ERROR
        assert "certificate" in untrusted.err

        saved = tmp_path / "engine-ca.pem"
        run = ovirt("-E", f"ca {saved} --url {engine.url}", connect=False)
        assert run.status == ExitStatus.OK, run.err
        with open(engine.ca_file, "rb") as handle:
            expected = ca_fingerprint(handle.read())
        assert run.out.splitlines()[0] == f"SHA-256 fingerprint: {expected}"
        assert saved.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")

        trusted = ovirt("-A", str(saved), "-E", "ping", environ=environ)
        assert trusted.status == ExitStatus.OK, trusted.err


def test_ca_without_url_or_with_bad_usage(ovirt):
    assert ovirt("-E", "ca", connect=False).status == ExitStatus.COMMAND_ERROR
    assert ovirt("-E", "ca a b", connect=False).status == ExitStatus.SYNTAX_ERROR
    assert ovirt("-E", "ca --port 1", connect=False).status == ExitStatus.SYNTAX_ERROR
