"""The shell's own "simple" table (output/table.py) is tabulate's, line for line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovirtshell.output.table import simple_table

tabulate = pytest.importorskip("tabulate")

# Tabs are left out: tabulate measures them in its own way (the shell counts one column).
ascii_cells = st.text(alphabet="ab -x_:.", max_size=8)
wide_cells = st.text(alphabet="a 漢é-\u0301✓", max_size=6)


def tables(cells: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[list[str], list[list[str]]]]:
    return st.integers(1, 4).flatmap(
        lambda n: st.tuples(st.lists(cells, min_size=n, max_size=n),
                            st.lists(st.lists(cells, min_size=n, max_size=n), max_size=5))
    )


def reference(headers: list[str], rows: list[list[str]], wide: bool) -> str:
    if wide:
        import wcwidth

        saved = tabulate.wcwidth, tabulate.WIDE_CHARS_MODE
        tabulate.wcwidth, tabulate.WIDE_CHARS_MODE = wcwidth, True
        try:
            return tabulate.tabulate(rows, headers, tablefmt="simple", disable_numparse=True)
        finally:
            tabulate.wcwidth, tabulate.WIDE_CHARS_MODE = saved
    return tabulate.tabulate(rows, headers, tablefmt="simple", disable_numparse=True)


@given(tables(ascii_cells))
def test_ascii_tables(table: tuple[list[str], list[list[str]]]) -> None:
    headers, rows = table
    assert "\n".join(simple_table(headers, rows)) == reference(headers, rows, False)


@given(tables(wide_cells))
def test_wide_and_combining_characters(table: tuple[list[str], list[list[str]]]) -> None:
    pytest.importorskip("wcwidth")
    headers, rows = table
    assert "\n".join(simple_table(headers, rows)) == reference(headers, rows, True)
