"""Settings and where they come from.

Precedence, lowest first: built-in defaults < `~/.ovirtshellrc` (the original shell's format)
< the chosen profile < environment variables < command-line flags < `connect` options.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovirtshell.status import CommandError, UsageError

if TYPE_CHECKING:
    import configparser

OUTPUT_FORMATS = ("text", "table", "json", "xml", "csv")

# rc-file / profile keys and the setting each feeds; the original's names are kept.
_FILE_KEYS = {
    "url": "url",
    "username": "username",
    "password": "password",
    "ca_file": "ca_file",
    "key_file": "key_file",
    "cert_file": "cert_file",
    "insecure": "insecure",
    "filter": "filter",
    "timeout": "timeout",
    "max_response_size": "max_response_size",
    "dont_validate_cert_chain": "insecure",
    "renew_session": "renew_session",
    "session_timeout": "session_timeout",
    "extended_prompt": "extended_prompt",
    "kerberos": "kerberos",
    "output": "output",
    "viewer": "viewer",
    "token_cache": "token_cache",
    "https_proxy": "https_proxy",
    "http_proxy": "http_proxy",
    "no_proxy": "no_proxy",
}
_CLI_KEYS = {"autoconnect": "autoconnect", "autopage": "pager"}

ENV_VARS = {
    "OVIRT_URL": "url",
    "OVIRT_USERNAME": "username",
    "OVIRT_PASSWORD": "password",
    "OVIRT_CAFILE": "ca_file",
    # as curl reads them: the lower-case spelling wins over the upper-case one
    "HTTPS_PROXY": "https_proxy",
    "https_proxy": "https_proxy",
    "HTTP_PROXY": "http_proxy",
    "http_proxy": "http_proxy",
    "NO_PROXY": "no_proxy",
    "no_proxy": "no_proxy",
}


@dataclass(frozen=True)
class Settings:
    url: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    insecure: bool = False
    cert_file: str | None = None
    key_file: str | None = None
    filter: bool = False
    timeout: float | None = None  # seconds for one request (connect + send + receive)
    max_response_size: int | None = None  # bytes of one decoded answer
    renew_session: bool = True  # the original's -r: a 401 always logs in once more
    session_timeout: int | None = None
    kerberos: bool = False
    output: str = "text"
    color: bool | None = None  # None: decided by the terminal
    debug: bool = False
    extended_prompt: bool = False
    continue_on_error: bool = False
    confirm: bool = True
    pager: bool = True
    autoconnect: bool = True
    viewer: str | None = None
    token_cache: bool = True  # keep the login between runs (api/tokencache.py)
    https_proxy: str | None = field(default=None, repr=False)  # may hold credentials
    http_proxy: str | None = field(default=None, repr=False)
    no_proxy: str | None = None

    def merged(self, values: Mapping[str, Any]) -> Settings:
        """A copy with the non-None values applied, each converted to the field's type."""
        changes = {}
        for name, value in values.items():
            if value is None:
                continue
            changes[name] = _convert(name, value)
        if "url" in changes:
            url, user, password = split_credentials(changes["url"])
            changes["url"] = url
            if user is not None and values.get("username") is None:
                changes["username"] = user
            if password is not None and values.get("password") is None:
                changes["password"] = password
        return replace(self, **changes)


_BOOL_FIELDS = {f.name for f in fields(Settings) if f.type in ("bool", "bool | None")}


def parse_bool(value: str | bool, what: str = "value") -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise UsageError(f"invalid boolean for {what}: {value!r} (use true or false)")


#: The largest -T accepted: beyond it the operating system's timers overflow.
MAX_TIMEOUT = 1_000_000.0

_SIZE = re.compile(r"^\s*(\d{1,15})\s*([kmgt]i?b?|b)?\s*$", re.I)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def _convert(name: str, value: Any) -> Any:
    if name in _BOOL_FIELDS:
        return parse_bool(value, name)
    if name == "timeout":
        number = _number(value, name, float)
        if number > MAX_TIMEOUT:
            raise UsageError(f"{name} must be at most {MAX_TIMEOUT:g} seconds, not {value!r}")
        return number
    if name == "session_timeout":
        return _number(value, name, int)
    if name == "max_response_size":
        return parse_byte_size(value, name)
    if name == "url":
        return check_url(str(value))
    if name == "output":
        value = str(value).lower()
        if value not in OUTPUT_FORMATS:
            raise UsageError(f"invalid output format {value!r}: expected one of {', '.join(OUTPUT_FORMATS)}")
    return value


def _number(value: Any, name: str, kind: type) -> Any:
    text = str(value).strip()
    if len(text) > 30:
        raise UsageError(f"invalid number for {name}: {text[:30]!r}…")
    try:
        number = kind(text)
    except (TypeError, ValueError, OverflowError):
        raise UsageError(f"invalid number for {name}: {value!r}") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise UsageError(f"invalid number for {name}: {value!r} (a finite number of seconds)")
    if number <= 0:
        raise UsageError(f"{name} must be positive, not {value!r}")
    return number


def parse_byte_size(value: Any, name: str) -> int:
    """A positive size in bytes, optionally with a binary unit: 256MiB, 1G, 1048576."""
    match = _SIZE.match(str(value))
    if match is None:
        raise UsageError(f"invalid size for {name}: {value!r} (e.g. 256MiB, 1GiB)")
    size = int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "")[:1].lower()]
    if size <= 0:
        raise UsageError(f"{name} must be positive, not {value!r}")
    return size


def _masked(url: str) -> str:
    return re.sub(r"//[^/@]*@", "//***@", url)


def check_url(url: str) -> str:
    """An engine URL, http(s)://HOST[:PORT]/path; anything else is a SYNTAX_ERROR."""
    from urllib.parse import urlsplit

    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"invalid engine URL {_masked(text)!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"invalid engine URL {_masked(text)!r}: expected https://ENGINE/ovirt-engine/api"
        )
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in text):
        raise UsageError(f"invalid engine URL {_masked(text)!r}: it contains spaces or control characters")
    del port
    return text


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """`http://user:pw@host/…` → the URL without them, the user and the password."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=hostport))
    return clean, unquote(user) or None, unquote(password) if colon else None


def with_port(settings: Settings, port: Any) -> Settings:
    """The original's -P/--port: the engine port, when the URL names none."""
    if port is None:
        return settings
    text = str(port).strip()
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise UsageError(f"invalid port {port!r}: expected a number from 1 to 65535")
    if not settings.url:
        return settings
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(settings.url)
    if parts.port is not None:
        return settings
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    return replace(settings, url=urlunsplit(parts._replace(netloc=f"{host}:{int(text)}")))


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    if not path.is_file():
        return None
    import configparser  # only when there is a file to read

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None
    return parser


def _section_values(parser: configparser.ConfigParser, section: str, keys: Mapping[str, str]) -> dict[str, str]:
    if not parser.has_section(section):
        return {}
    out = {}
    for key, value in parser.items(section):
        if key in keys and value.strip() and value.strip() != "None":
            out[keys[key]] = value.strip()
    return out


def rc_values(home: Path, warn: Callable[[str], None] | None = None) -> dict[str, str]:
    """The original shell's `~/.ovirtshellrc`: `[cli]` and `[ovirt-shell]` sections.

    A password in a file other users can read gets a warning (the original wrote it in clear).
    """
    path = home / ".ovirtshellrc"
    parser = _read_ini(path)
    if parser is None:
        return {}
    values = _section_values(parser, "cli", _CLI_KEYS)
    values.update(_section_values(parser, "ovirt-shell", _FILE_KEYS))
    _warn_if_readable(path, values, warn)
    return values


def _warn_if_readable(path: Path, values: Mapping[str, str], warn: Callable[[str], None] | None) -> None:
    if warn is None or "password" not in values:
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & 0o044:
        warn(f"warning: {path} holds a password and other users can read it: chmod 600 {path} (or use --password-file)")


def profile_path(config_dir: Path) -> Path:
    return config_dir / "profiles.ini"


def profile_values(config_dir: Path, name: str, warn: Callable[[str], None] | None = None) -> dict[str, str]:
    """A named profile: a `[NAME]` section of `profiles.ini` in the config dir, rc-file keys."""
    path = profile_path(config_dir)
    parser = _read_ini(path)
    if parser is None or not parser.has_section(name):
        known = ", ".join(parser.sections()) if parser else "none"
        raise CommandError(f"no profile {name!r} in {path} (profiles: {known})")
    values = _section_values(parser, name, {**_FILE_KEYS, **_CLI_KEYS})
    _warn_if_readable(path, values, warn)
    return values


def env_values(environ: Mapping[str, str]) -> dict[str, str]:
    return {setting: environ[var] for var, setting in ENV_VARS.items() if environ.get(var)}


#: A password file longer than this is not a password file (/dev/zero, a log, an image).
MAX_PASSWORD_FILE_LINE = 4096


def read_password_file(path: str) -> str:
    """The first line of the file, without its line end; binary or endless files are refused."""
    try:
        with open(path, "rb") as handle:
            line = handle.readline(MAX_PASSWORD_FILE_LINE + 1)
    except OSError as exc:
        raise CommandError(f"cannot read password file {path}: {exc.strerror}") from None
    line = line.rstrip(b"\r\n")
    if len(line) > MAX_PASSWORD_FILE_LINE:
        raise UsageError(f"password file {path} does not start with a password line (over {MAX_PASSWORD_FILE_LINE} bytes)")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"password file {path} is not UTF-8 text") from None
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise UsageError(f"password file {path} holds control characters: not a password")
    return text


def load_settings(
    home: Path,
    config_dir: Path,
    environ: Mapping[str, str],
    flags: Mapping[str, Any],
    profile: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> Settings:
    """Defaults < rc file < profile < environment < flags."""
    settings = Settings()
    settings = settings.merged(rc_values(home, warn))
    profile = profile or environ.get("OVIRT_PROFILE")
    if profile:
        settings = settings.merged(profile_values(config_dir, profile, warn))
    settings = settings.merged(env_values(environ))
    return settings.merged(flags)
