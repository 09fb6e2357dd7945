"""CKV_FIN_AWS_111 (FinAwsWriteAccess: checkov's CKV_AWS_111 minus KMS key-policy statements),
on fixtures/FinAwsWriteAccess/."""

import pytest

from tests.policies.check_cases import assert_refined_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID = "FinAwsWriteAccess", "CKV_FIN_AWS_111"


def test_exact_results_and_parity_with_the_builtin(fixture_scan):
    assert_refined_check(fixture_scan, FOLDER, CHECK_ID)
