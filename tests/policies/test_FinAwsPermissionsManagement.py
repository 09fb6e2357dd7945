"""CKV_FIN_AWS_109 (FinAwsPermissionsManagement: checkov's CKV_AWS_109 minus KMS key-policy statements),
on fixtures/FinAwsPermissionsManagement/."""

import pytest

from tests.policies.check_cases import assert_refined_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID = "FinAwsPermissionsManagement", "CKV_FIN_AWS_109"


def test_exact_results_and_parity_with_the_builtin(fixture_scan):
    assert_refined_check(fixture_scan, FOLDER, CHECK_ID)
