"""output/jsontext.py writes exactly what `json.dumps(indent=2, ensure_ascii=False, default=str)` writes."""

from __future__ import annotations

import enum
import json
import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ovirtshell.output.jsontext import dumps


def reference(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.text(alphabet="\x00\x1f\x7f\u009b\u202e\"\\é✓\n\t"),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
    max_leaves=40,
)


@given(documents)
def test_the_same_text_as_the_standard_library(value: object) -> None:
    assert dumps(value) == reference(value)


@given(st.lists(st.dictionaries(st.text(max_size=4), documents, max_size=4), max_size=4))
def test_a_member_written_inside_an_array(items: list[dict]) -> None:
    whole = "[\n  " + ",\n  ".join(dumps(item, "\n  ") for item in items) + "\n]" if items else "[]"
    assert whole == reference(items)


class Colour(enum.IntEnum):
    RED = 1


class Tagged(dict):
    pass


def test_other_kinds_as_the_standard_library_writes_them() -> None:
    value = {
        "tuple": (1, "a", {"b": ()}),
        "enum": Colour.RED,
        "decimal": Decimal("1.5"),
        "nan": math.nan,
        "subclass": Tagged(x=[Tagged()]),
        2: "int key", 2.5: "float key", False: "bool key", None: "none key",
    }
    assert dumps(value) == reference(value)
