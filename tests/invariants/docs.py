"""Render the specification table of ``docs/invariants.md``: ``python -m tests.invariants.docs [--write]``."""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from .engine import NONE, Invariant
from .spec import INVARIANTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "invariants.md"
BEGIN = "<!-- BEGIN GENERATED: python -m tests.invariants.docs --write -->"
END = "<!-- END GENERATED -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "\\<")


def _row(invariant: Invariant) -> str:
    expected = "must not exist" if invariant.count == NONE else invariant.expected
    if invariant.count != NONE and invariant.count.text != "at least 1":
        expected = f"{invariant.count.text}: {expected}"
    return f"| `{invariant.id}` | {_cell(invariant.description)} | `{_cell(invariant.select)}` | {_cell(expected)} |"


def render(invariants: tuple[Invariant, ...] = INVARIANTS) -> str:
    lines = [f"{len(invariants)} invariants, checked on the dev and prod synths (`tests/invariants/spec.py`)."]
    for area, group in groupby(invariants, key=lambda invariant: invariant.area):
        lines += ["", f"#### {area}", "", "| id | guarantee | selects | expected |", "|---|---|---|---|"]
        lines += [_row(invariant) for invariant in group]
    return "\n".join(lines)


def current_section(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[start:end].strip("\n")


def write() -> None:
    text = DOC.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(text[:start] + "\n" + render() + "\n" + text[end:])


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        write()
    else:
        print(render())
