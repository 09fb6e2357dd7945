"""CKV_FIN_2 (FinIamNoWildcardActions, FIN-002) on the real synthesized JSON in fixtures/FinIamNoWildcardActions/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinIamNoWildcardActions", "CKV_FIN_2", "FIN-002"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)


def test_per_action_suppression_covers_only_that_action(fixture_scan):
    details = fixture_scan.details[(FOLDER, CHECK_ID, "aws_iam_policy.policy_half_suppressed_fail")]
    assert len(details) == 1 and "'s3:List*'" in details[0]


def test_a_policy_that_cannot_be_read_fails_as_unknown(fixture_scan):
    details = fixture_scan.details[(FOLDER, CHECK_ID, "aws_iam_policy.policy_reference_unknown_fail")]
    assert details and "UNKNOWN" in details[0]


def test_policy_documents_are_checked_as_data_sources(fixture_scan):
    assert "data.aws_iam_policy_document.doc_wildcard_fail" in fixture_scan.of(FOLDER, CHECK_ID)["FAILED"]
