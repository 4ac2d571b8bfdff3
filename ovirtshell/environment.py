"""Everything the shell takes from the outside world, in one injectable object.

Tests build an `Environment` with in-memory streams and `tmp_path` directories, so no test
touches the user's home or terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO


def _xdg(environ: Mapping[str, str], var: str, home: Path, default: str) -> Path:
    value = environ.get(var)
    return Path(value) if value else home / default


@dataclass
class Environment:
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    stdin_isatty: bool
    stdout_isatty: bool
    home: Path
    config_dir: Path
    cache_dir: Path
    data_dir: Path
    environ: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_system(cls) -> Environment:
        environ = os.environ
        home = Path(environ.get("HOME") or Path.home())
        config_dir = Path(environ["OVIRTSHELL_CONFIG_DIR"]) if environ.get("OVIRTSHELL_CONFIG_DIR") else (
            _xdg(environ, "XDG_CONFIG_HOME", home, ".config") / "ovirtshell"
        )
        return cls(
            stdin=sys.stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdin_isatty=_isatty(sys.stdin),
            stdout_isatty=_isatty(sys.stdout),
            home=home,
            config_dir=config_dir,
            cache_dir=_xdg(environ, "XDG_CACHE_HOME", home, ".cache") / "ovirtshell",
            data_dir=_xdg(environ, "XDG_DATA_HOME", home, ".local/share") / "ovirtshell",
            environ=environ,
        )

    @property
    def color_allowed(self) -> bool:
        """Colour only on a terminal, never with NO_COLOR or a dumb terminal."""
        return (
            self.stdout_isatty
            and "NO_COLOR" not in self.environ
            and self.environ.get("TERM", "") != "dumb"
        )

    def terminal_size(self) -> tuple[int, int]:
        """(columns, lines); a fixed 80x24 when not on a terminal."""
        if not self.stdout_isatty:
            return 80, 24
        try:
            size = os.get_terminal_size(self.stdout.fileno())
            return size.columns, size.lines
        except (OSError, ValueError, AttributeError):
            return 80, 24


def _isatty(stream: TextIO | None) -> bool:
    try:
        return bool(stream and stream.isatty())
    except (ValueError, AttributeError):
        return False
