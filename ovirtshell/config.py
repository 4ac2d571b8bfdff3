"""Settings and where they come from.

Precedence, lowest first: built-in defaults < `~/.ovirtshellrc` (the original shell's format)
< the chosen profile < environment variables < command-line flags < `connect` options.
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ovirtshell.status import CommandError, UsageError

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
    "session_timeout": "session_timeout",
    "extended_prompt": "extended_prompt",
    "kerberos": "kerberos",
    "output": "output",
    "viewer": "viewer",
    "token_cache": "token_cache",
}
_CLI_KEYS = {"autoconnect": "autoconnect", "autopage": "pager"}

ENV_VARS = {
    "OVIRT_URL": "url",
    "OVIRT_USERNAME": "username",
    "OVIRT_PASSWORD": "password",
    "OVIRT_CAFILE": "ca_file",
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
    timeout: float | None = None
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

    def merged(self, values: Mapping[str, Any]) -> Settings:
        """A copy with the non-None values applied, each converted to the field's type."""
        changes = {}
        for name, value in values.items():
            if value is None:
                continue
            changes[name] = _convert(name, value)
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


def _convert(name: str, value: Any) -> Any:
    if name in _BOOL_FIELDS:
        return parse_bool(value, name)
    if name == "timeout":
        return _number(value, name, float)
    if name == "session_timeout":
        return _number(value, name, int)
    if name == "output":
        value = str(value).lower()
        if value not in OUTPUT_FORMATS:
            raise UsageError(f"invalid output format {value!r}: expected one of {', '.join(OUTPUT_FORMATS)}")
    return value


def _number(value: Any, name: str, kind: type) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise UsageError(f"invalid number for {name}: {value!r}") from None
    if number <= 0:
        raise UsageError(f"{name} must be positive, not {value!r}")
    return number


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    if not path.is_file():
        return None
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


def rc_values(home: Path) -> dict[str, str]:
    """The original shell's `~/.ovirtshellrc`: `[cli]` and `[ovirt-shell]` sections."""
    parser = _read_ini(home / ".ovirtshellrc")
    if parser is None:
        return {}
    values = _section_values(parser, "cli", _CLI_KEYS)
    values.update(_section_values(parser, "ovirt-shell", _FILE_KEYS))
    return values


def profile_path(config_dir: Path) -> Path:
    return config_dir / "profiles.ini"


def profile_values(config_dir: Path, name: str) -> dict[str, str]:
    """A named profile: a `[NAME]` section of `profiles.ini` in the config dir, rc-file keys."""
    path = profile_path(config_dir)
    parser = _read_ini(path)
    if parser is None or not parser.has_section(name):
        known = ", ".join(parser.sections()) if parser else "none"
        raise CommandError(f"no profile {name!r} in {path} (profiles: {known})")
    return _section_values(parser, name, {**_FILE_KEYS, **_CLI_KEYS})


def env_values(environ: Mapping[str, str]) -> dict[str, str]:
    return {setting: environ[var] for var, setting in ENV_VARS.items() if environ.get(var)}


def read_password_file(path: str) -> str:
    """The first line of the file, without its line end."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().rstrip("\r\n")
    except OSError as exc:
        raise CommandError(f"cannot read password file {path}: {exc.strerror}") from None


def load_settings(
    home: Path,
    config_dir: Path,
    environ: Mapping[str, str],
    flags: Mapping[str, Any],
    profile: str | None = None,
) -> Settings:
    """Defaults < rc file < profile < environment < flags."""
    settings = Settings()
    settings = settings.merged(rc_values(home))
    profile = profile or environ.get("OVIRT_PROFILE")
    if profile:
        settings = settings.merged(profile_values(config_dir, profile))
    settings = settings.merged(env_values(environ))
    return settings.merged(flags)
