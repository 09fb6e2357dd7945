"""docs/tag-audit.md shows real output: the fixture samples must be what the tool prints today."""

from __future__ import annotations

from tests.tag_audit import docs


def test_failing_samples_are_current():
    current = docs.blocks(docs.DOC.read_text())
    for name, body in docs.gaps_samples().items():
        assert current.get(name) == body, f"{name} is stale: run .venv/bin/python -m tests.tag_audit.docs --write"


def test_pipeline_samples_are_present():
    current = docs.blocks(docs.DOC.read_text())
    assert "Result: PASS (coverage 100.0% >= minimum 100%)" in current["pipeline-table"]
    assert "Not taggable (" in current["pipeline-table"]
    assert "**Result: PASS" in current["pipeline-markdown"]
