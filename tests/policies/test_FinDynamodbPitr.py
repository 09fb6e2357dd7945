"""CKV_FIN_8 (FinDynamodbPitr, FIN-008) on the real synthesized JSON in fixtures/FinDynamodbPitr/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinDynamodbPitr", "CKV_FIN_8", "FIN-008"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)


def test_an_escape_hatch_override_is_caught(fixture_scan):
    assert "aws_dynamodb_table.table_override_disabled_fail" in fixture_scan.of(FOLDER, CHECK_ID)["FAILED"]
