"""CKV_FIN_4 (FinLambdaArm64, FIN-004) on the real synthesized JSON in fixtures/FinLambdaArm64/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinLambdaArm64", "CKV_FIN_4", "FIN-004"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)


def test_suppression_on_a_parent_construct_is_inherited(fixture_scan):
    skipped = fixture_scan.of(FOLDER, CHECK_ID)["SKIPPED"]
    assert [a for a in skipped if a.startswith("aws_lambda_function.legacy_fn_inherited_skip_")]


def test_an_expired_suppression_no_longer_covers(fixture_scan):
    assert "aws_lambda_function.fn_expired_suppression_fail" in fixture_scan.of(FOLDER, CHECK_ID)["FAILED"]
