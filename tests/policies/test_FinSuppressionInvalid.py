"""CKV_FIN_12 (FinSuppressionInvalid, FIN-012) on the real synthesized JSON in fixtures/FinSuppressionInvalid/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinSuppressionInvalid", "CKV_FIN_12", "FIN-012"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)


def test_each_problem_is_named(fixture_scan):
    def details(name: str) -> str:
        return " ".join(fixture_scan.details[(FOLDER, CHECK_ID, f"aws_s3_bucket.{name}")])

    assert "unknown rule id 'FIN-999'" in details("bucket_unknown_rule_fail")
    assert "at least 10 characters" in details("bucket_short_reason_fail")
    assert "not an ISO date" in details("bucket_bad_expiry_fail")
