"""CKV_FIN_5 (FinLayerArm64, FIN-005) on the real synthesized JSON in fixtures/FinLayerArm64/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinLayerArm64", "CKV_FIN_5", "FIN-005"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)
