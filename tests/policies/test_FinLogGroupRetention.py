"""CKV_FIN_6 (FinLogGroupRetention, FIN-006) on the real synthesized JSON in fixtures/FinLogGroupRetention/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinLogGroupRetention", "CKV_FIN_6", "FIN-006"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)
