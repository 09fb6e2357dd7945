"""Every invariant of the specification holds on the real dev and prod synths."""

from __future__ import annotations

import pytest

from tests.conftest import SynthesizedStack

from .conftest import SUFFIXES, context_for
from .engine import Invariant, evaluate, report
from .spec import INVARIANTS


@pytest.mark.parametrize("synthesized", SUFFIXES, indirect=True)
@pytest.mark.parametrize("invariant", INVARIANTS, ids=lambda invariant: invariant.id)
def test_invariant_holds(invariant: Invariant, synthesized: SynthesizedStack) -> None:
    failures = evaluate(invariant, context_for(synthesized))
    if failures:
        pytest.fail(report(failures), pytrace=False)
