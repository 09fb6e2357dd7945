"""CKV_FIN_3 (FinKmsRootKeyAdmin, FIN-003) on the real synthesized JSON in fixtures/FinKmsRootKeyAdmin/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinKmsRootKeyAdmin", "CKV_FIN_3", "FIN-003"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)


def test_suppressed_root_admin_reports_the_reason_and_expiry(fixture_scan):
    comment = fixture_scan.suppress_comments[(FOLDER, CHECK_ID, "aws_kms_key.key_root_admin_skip")]
    assert "ADR-7" in comment and "2099-12-31" in comment
