"""No false positives: compliant stacks written the way other teams write them get no finding at synth."""

from __future__ import annotations

import pytest

from aspects import govern
from tests.aspects.govern_cases import TODAY, full_synth
from tests.aspects.realistic_stacks import STACKS
from tfcdk import App


@pytest.mark.parametrize("build", STACKS, ids=lambda b: b.__name__)
def test_a_compliant_stack_synthesizes_clean(build):
    stack = build(App())
    result = full_synth(stack, govern(stack, today=TODAY))
    assert result.error is None, result.error
    report = result.governance.report
    assert report.findings == () and report.suppressed == ()
    assert len(report.applicable) > 20  # the rules did look
