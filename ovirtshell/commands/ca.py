"""ca: fetch the engine's CA certificate and show its fingerprint, to trust it with --ca-file."""

from __future__ import annotations

import os

from ovirtshell.commands.spec import CommandSpec, OptionDoc
from ovirtshell.language import Command
from ovirtshell.result import Result
from ovirtshell.status import CommandError, UsageError

SPEC = CommandSpec(
    name="ca",
    summary="fetch the engine's CA certificate and show its fingerprint",
    usage="ca [FILE] [--url URL]",
    description=(
        "Downloads the engine's CA certificate from its pki-resource service (without verifying "
        "the connection: that is what the certificate is for), prints its SHA-256 fingerprint, and "
        "with FILE saves it there. Compare the fingerprint with the one the engine's administrator "
        "sees (openssl x509 -in /etc/pki/ovirt-engine/ca.pem -noout -fingerprint -sha256) before "
        "using the file with --ca-file or OVIRT_CAFILE. The URL is the session's, or --url."
    ),
    options=(OptionDoc("url", "the engine's API URL, when not the session's", "URL"),),
    examples=("ca engine-ca.pem", "ca engine-ca.pem --url https://engine.example.com/ovirt-engine/api"),
    offline=True,
    local=True,
)


def run(shell, command: Command) -> Result:
    if len(command.args) > 1:
        raise UsageError("ca takes at most one file name (see help ca)")
    url = shell.connection.url if shell.connection else shell.settings.url
    for name, value in command.options:
        if name != "url":
            raise UsageError(f"unknown option --{name} for ca (see help ca)")
        if not value:
            raise UsageError("--url needs a URL")
        url = value
    if not url:
        raise CommandError("no engine URL: give --url, or connect first")
    from ovirtshell.config import check_url, split_credentials

    url = split_credentials(check_url(url))[0]
    from ovirtshell.api import proxy
    from ovirtshell.api.pki import ca_fingerprint, fetch_ca_pem

    settings = shell.settings
    pem = fetch_ca_pem(url, timeout=settings.timeout, proxy=proxy.choose(
        url, settings.https_proxy, settings.http_proxy, settings.no_proxy))
    lines = [f"SHA-256 fingerprint: {ca_fingerprint(pem)}"]
    if command.args:
        path = command.args[0]
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None
        lines.append(f"saved to {path}: once the fingerprint is checked, use --ca-file {path} (or OVIRT_CAFILE)")
    else:
        lines.append(pem.decode("ascii", "replace").rstrip("\n"))
    return Result(message="\n".join(lines))
