"""docs/cost.md and the README show real cost-estimate output: every sample is there, and the saving the
README states is the one its sample tables show."""

from __future__ import annotations

import re

import pytest

from tests.cost_estimate import docs

README, COST_DOC = docs.DOCS[1], docs.DOCS[0]


@pytest.mark.parametrize(
    ("doc", "names"),
    [
        (COST_DOC, {"pipeline-table", "compare-summary", "months", "markdown"}),
        (README, {"legacy-services", "compare-summary", "months"}),
    ],
    ids=["docs/cost.md", "README.md"],
)
def test_samples_are_present(doc, names: set[str]) -> None:
    blocks = docs.blocks(doc.read_text())
    assert names <= set(blocks)  # the README holds other tools' samples too
    for name in names:
        assert blocks[name].strip(), (
            f"{doc.name}: sample {name} is empty: run python -m tests.cost_estimate.docs --write"
        )
    assert "Not priced (0" in blocks.get("pipeline-table", "Not priced (0")


def test_the_stated_saving_is_the_sampled_one() -> None:
    text = README.read_text()
    stated = re.search(r"\*\*Measured saving for the default profile: ([\d.]+)%\*\*", text)
    assert stated, "README states the measured saving"
    blocks = docs.blocks(text)
    assert f"(-{stated.group(1)}%)" in blocks["compare-summary"]
    assert "| 12 (default profile) |" in blocks["months"] and f"| {stated.group(1)}% |" in blocks["months"]
    assert float(stated.group(1)) >= 30
    assert f"**{stated.group(1)}% cheaper**" in text  # the status table says the same
