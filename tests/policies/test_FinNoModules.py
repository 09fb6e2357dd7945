"""CKV_FIN_13 (FinNoModules, FIN-013) on the real synthesized JSON in fixtures/FinNoModules/.

A module call cannot pass (its resources are not in the document): the folder holds a failing call and
a suppressed one, and a resource that must get no module-check result."""

import pytest

from tests.policies.conftest import expected_at_synth

pytestmark = pytest.mark.checkov
FOLDER, CHECK_ID, RULE_ID = "FinNoModules", "CKV_FIN_13", "FIN-013"


def test_exact_results(fixture_scan):
    assert fixture_scan.summary["parsing_errors"] == 0
    got = fixture_scan.of(FOLDER, CHECK_ID)
    assert got == {"PASSED": set(), "FAILED": {"module.vpc_fail"}, "SKIPPED": {"module.vpc_skip"}}
    assert (got["FAILED"], got["SKIPPED"]) == expected_at_synth(FOLDER, RULE_ID)
    (detail,) = fixture_scan.details[(FOLDER, CHECK_ID, "module.vpc_fail")]
    assert detail.startswith("FIN-013 [HIGH] UNKNOWN FinNoModules/vpc_fail (module.vpc_fail)")
    assert "REASON" not in fixture_scan.suppress_comments[(FOLDER, CHECK_ID, "module.vpc_skip")]
