"""Input hygiene: what no request may store, whatever its type.

Strings must be representable in XML 1.0 (every later reply carries them), integers must
fit the engine's 64-bit numbers (and counts be positive), bodies stay shallow.
"""

from __future__ import annotations

import re

from ..core.errors import Fault

MAX_DEPTH = 64
LONG = (-(2**63), 2**63 - 1)
INT = (-(2**31), 2**31 - 1)
POSITIVE_INT = frozenset({"cores", "sockets", "threads"})
NON_NEGATIVE = frozenset({"memory", "guaranteed", "max", "provisioned_size", "initial_size",
                          "monitors", "mtu", "port", "priority", "expiry", "max_user_vms",
                          "size", "prestarted_vms", "cpu_shares"})
_BAD_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _invalid(detail: str) -> Fault:
    return Fault(400, "Invalid value", detail)


def check(data: object, name: str = "", depth: int = 0) -> None:
    """Refuse (400) strings XML cannot carry, out-of-range integers and deep nesting."""
    if depth > MAX_DEPTH:
        raise Fault(400, "Request syntactically incorrect.",
                    f"The request is nested deeper than {MAX_DEPTH} levels.")
    if isinstance(data, dict):
        for key, value in data.items():
            check(value, str(key), depth + 1)
    elif isinstance(data, list):
        for value in data:
            check(value, name, depth + 1)
    elif isinstance(data, str):
        bad = _BAD_XML_CHAR.search(data)
        if bad:
            raise _invalid(f"The value of '{name}' contains the character "
                           f"U+{ord(bad.group()):04X}, which XML cannot carry.")
    elif isinstance(data, int) and not isinstance(data, bool):
        low, high = INT if name in POSITIVE_INT else LONG
        if name in POSITIVE_INT:
            low = 1
        elif name in NON_NEGATIVE:
            low = 0
        if not low <= data <= high:
            raise _invalid(f"Value \"{data}\" of '{name}' is out of range [{low}, {high}].")


def json_depth_ok(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON text nests at most ``limit`` levels (a linear scan, before parsing)."""
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True
