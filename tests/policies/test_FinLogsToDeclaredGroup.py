"""CKV_FIN_7 (FinLogsToDeclaredGroup, FIN-007) on the real synthesized JSON in fixtures/FinLogsToDeclaredGroup/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinLogsToDeclaredGroup", "CKV_FIN_7", "FIN-007"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)
