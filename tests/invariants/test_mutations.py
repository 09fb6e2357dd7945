"""Every invariant can fail: one injected violation per invariant makes exactly it (and its stated knock-ons) fail."""

from __future__ import annotations

import copy
import re

import pytest

from tests.conftest import SynthesizedStack

from .conftest import SUFFIXES, context_for
from .engine import evaluate_all, report
from .mutations import MUTATIONS
from .spec import INVARIANTS

IDS = [invariant.id for invariant in INVARIANTS]


def test_every_invariant_has_exactly_one_mutation() -> None:
    assert sorted(set(IDS) - set(MUTATIONS)) == [], "invariants without a mutation (they might never fail)"
    assert sorted(set(MUTATIONS) - set(IDS)) == [], "mutations for unknown invariants"
    for rule_id, mutation in MUTATIONS.items():
        assert mutation.also <= set(IDS) - {rule_id}, rule_id


def test_ids_are_unique_and_well_formed() -> None:
    assert len(IDS) == len(set(IDS))
    assert all(re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)+", rule_id) for rule_id in IDS)


def test_every_invariant_reads_as_one_line() -> None:
    for invariant in INVARIANTS:
        assert invariant.description.endswith(".") and "\n" not in invariant.description, invariant.id
        assert invariant.area and invariant.expected, invariant.id


def test_areas_are_contiguous_in_the_table() -> None:
    areas = [invariant.area for invariant in INVARIANTS]
    assert [a for i, a in enumerate(areas) if i == 0 or areas[i - 1] != a] == list(dict.fromkeys(areas))


@pytest.mark.parametrize("synthesized", SUFFIXES, indirect=True)
@pytest.mark.parametrize("rule_id", list(MUTATIONS))
def test_mutation_fails_its_invariant(rule_id: str, synthesized: SynthesizedStack) -> None:
    mutation = MUTATIONS[rule_id]
    document = copy.deepcopy(synthesized.document)
    mutation.apply(document, synthesized.suffix)
    failing = evaluate_all(INVARIANTS, context_for(synthesized, document))
    assert rule_id in failing, f"{rule_id} did not fail on: {mutation.description}"
    unexpected = set(failing) - {rule_id} - mutation.also
    if unexpected:
        pytest.fail("\n".join(report(failing[other]) for other in sorted(unexpected)), pytrace=False)
    assert set(failing) == {rule_id} | mutation.also, f"expected knock-ons did not fail: {mutation.also - set(failing)}"


def test_the_synthesized_document_is_left_untouched(dev_stack: SynthesizedStack) -> None:
    """Mutations edit deep copies only: the session document still satisfies everything."""
    assert evaluate_all(INVARIANTS, context_for(dev_stack)) == {}
