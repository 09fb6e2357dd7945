"""docs/invariants.md shows the specification as it is (regenerate: python -m tests.invariants.docs --write)."""

from __future__ import annotations

from .docs import DOC, current_section, render


def test_the_documented_table_is_the_specification() -> None:
    assert current_section(DOC.read_text()) == render(), "run: python -m tests.invariants.docs --write"
