"""CKV_FIN_10 (FinSuppressionExpired, FIN-010) on the real synthesized JSON in fixtures/FinSuppressionExpired/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinSuppressionExpired", "CKV_FIN_10", "FIN-010"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)


def test_resources_without_suppressions_get_no_result(fixture_scan):
    results = fixture_scan.of(FOLDER, CHECK_ID)
    assert not any("without_suppressions" in address for found in results.values() for address in found)
