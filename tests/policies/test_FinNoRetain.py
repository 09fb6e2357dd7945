"""CKV_FIN_9 (FinNoRetain, FIN-009) on the real synthesized JSON in fixtures/FinNoRetain/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinNoRetain", "CKV_FIN_9", "FIN-009"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)
