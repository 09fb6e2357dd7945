"""docs/cost.md shows real cost-estimate output: every sample is there, and the saving it states, and the
README's headline numbers repeat, is the one its sample tables show."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT
from tests.cost_estimate import docs

COST_DOC = docs.DOCS[0]
README = REPO_ROOT / "README.md"


def test_samples_are_present() -> None:
    blocks = docs.blocks(COST_DOC.read_text())
    for name in ("pipeline-table", "legacy-services", "compare-summary", "months", "markdown"):
        assert blocks.get(name, "").strip(), (
            f"docs/cost.md: sample {name} is missing or empty: run python -m tests.cost_estimate.docs --write"
        )
    assert "Not priced (0" in blocks["pipeline-table"]


def test_the_stated_saving_is_the_sampled_one() -> None:
    text = COST_DOC.read_text()
    stated = re.search(r"\*\*Measured saving for the default profile: ([\d.]+)%\*\*", text)
    assert stated, "docs/cost.md states the measured saving"
    blocks = docs.blocks(text)
    assert f"(-{stated.group(1)}%)" in blocks["compare-summary"]
    assert "| 12 (default profile) |" in blocks["months"] and f"| {stated.group(1)}% |" in blocks["months"]
    assert float(stated.group(1)) >= 30
    assert f"**{stated.group(1)}% cheaper**" in README.read_text()  # the README's headline numbers say the same


def test_the_readme_shows_the_same_comparison_as_the_cost_doc() -> None:
    readme = docs.blocks(README.read_text())
    assert readme.get("compare-summary", "").strip(), "README: the compare-summary sample is missing"
    assert readme["compare-summary"] == docs.blocks(COST_DOC.read_text())["compare-summary"]
    assert "price snapshot of 2026-11-25" in readme["compare-summary"]
