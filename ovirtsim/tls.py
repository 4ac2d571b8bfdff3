"""The simulator's own CA and a server certificate for 127.0.0.1 / localhost.

Created once and kept in a directory (beside ``--data`` when given), so restarts reuse them
and clients can keep trusting the same CA file. Uses the ``cryptography`` package when it is
installed, otherwise the ``openssl`` program.
"""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Pki:
    """Paths of the CA certificate, the server certificate and its key."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    @property
    def ca_pem(self) -> str:
        return self.ca_file.read_text()

    @property
    def cert_pem(self) -> str:
        return self.cert_file.read_text()


def ensure_pki(directory: Path) -> Pki:
    """Create (if missing) and return the CA and server certificate in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    pki = Pki(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    if pki.ca_file.exists() and pki.cert_file.exists() and pki.key_file.exists():
        return pki
    try:
        _with_cryptography(pki)
    except ImportError:
        _with_openssl(pki)
    pki.key_file.chmod(0o600)
    return pki


def _with_cryptography(pki: Pki) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ovirt-sim"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "ovirt-sim CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ovirt-sim"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    san = x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                       x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=825))
            .add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))
    pki.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.TraditionalOpenSSL,
                                               serialization.NoEncryption()))


def _with_openssl(pki: Pki) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("--tls needs the 'cryptography' package or the 'openssl' program")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        ca_key, csr, ext = t / "ca.key", t / "server.csr", t / "ext.cnf"

        def run(*args: str) -> None:
            subprocess.run([openssl, *args], check=True, capture_output=True)

        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key),
            "-out", str(pki.ca_file), "-days", "3650", "-subj", "/O=ovirt-sim/CN=ovirt-sim CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature")
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(pki.key_file),
            "-out", str(csr), "-subj", "/O=ovirt-sim/CN=localhost")
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                       "basicConstraints=critical,CA:FALSE\n")
        run("x509", "-req", "-in", str(csr), "-CA", str(pki.ca_file), "-CAkey", str(ca_key),
            "-CAcreateserial", "-out", str(pki.cert_file), "-days", "825",
            "-extfile", str(ext))
