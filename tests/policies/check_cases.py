"""The assertion every per-check test makes on its fixture folder (one checkov run per session)."""

from __future__ import annotations

from tests.policies.conftest import Scan, expected_at_synth, expected_by_name


def assert_check(scan: Scan, folder: str, check_id: str, rule_id: str) -> dict[str, set[str]]:
    """Exact passed/failed/skipped address sets, as the names promise AND as synth decides; no parse errors."""
    assert scan.summary["parsing_errors"] == 0
    got = scan.of(folder, check_id)
    expected = expected_by_name(folder)
    assert expected["PASSED"] and expected["FAILED"], f"{folder} needs passing and failing resources"
    assert got == expected
    failed_at_synth, suppressed_at_synth = expected_at_synth(folder, rule_id)
    assert got["FAILED"] == failed_at_synth, "checkov and the synth-time evaluator disagree"
    assert got["SKIPPED"] == suppressed_at_synth, "checkov and the synth-time evaluator disagree on suppressions"
    for address in got["FAILED"]:
        details = scan.details[(folder, check_id, address)]
        assert details, f"{check_id} on {address}: a failure must say what is wrong"
        assert all(rule_id in line and address in line and f"{folder}/" in line for line in details), details
    for address in got["SKIPPED"]:
        assert scan.suppress_comments[(folder, check_id, address)], f"{address}: skipped without the reason"
    return got


def assert_refined_check(scan: Scan, folder: str, check_id: str) -> dict[str, set[str]]:
    """A CKV_FIN_AWS_* check: exact results as the names promise, and the built-in check it refines
    gives the same results except that it also fails the document made only of key-policy statements."""
    from tests.policies.conftest import REFINED_CHECKS

    assert scan.summary["parsing_errors"] == 0
    got = scan.of(folder, check_id)
    expected = expected_by_name(folder)
    assert expected["PASSED"] and expected["FAILED"], f"{folder} needs passing and failing resources"
    assert got == expected
    # the folder's offending action on "*" fails alone, next to key-policy statements and in a resource policy
    assert {a.rsplit(".", 1)[1] for a in got["FAILED"]} == KEY_POLICY_FIXTURE_FAILURES
    builtin = scan.of(folder, REFINED_CHECKS[check_id])
    key_policy_only = f"data.aws_iam_policy_document.{KEY_POLICY_ONLY}"
    assert builtin["FAILED"] == got["FAILED"] | {key_policy_only}
    assert builtin["PASSED"] == got["PASSED"] - {key_policy_only}
    return got


KEY_POLICY_ONLY = "doc_key_policy_pass"  # the fixture document made only of key-policy statements
KEY_POLICY_FIXTURE_FAILURES = {"doc_identity_fail", "doc_key_policy_and_identity_fail", "doc_resource_policy_star_fail"}
