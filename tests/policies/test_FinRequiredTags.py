"""CKV_FIN_1 (FinRequiredTags, FIN-001) on the real synthesized JSON in fixtures/FinRequiredTags/."""

import pytest

from tests.policies.check_cases import assert_check

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinRequiredTags", "CKV_FIN_1", "FIN-001"


def test_exact_results(fixture_scan):
    assert_check(fixture_scan, FOLDER, CHECK_ID, RULE_ID)


def test_provider_default_tags_count(fixture_scan):
    passed = fixture_scan.of(FOLDER, CHECK_ID)["PASSED"]
    # no resource tags at all: every required tag comes from the aliased provider's default_tags
    assert "aws_iam_role.role_aliased_provider_default_tags_pass" in passed


def test_untaggable_resources_are_not_checked(fixture_scan):
    results = fixture_scan.of(FOLDER, CHECK_ID)
    assert not any("untaggable" in address for found in results.values() for address in found)
