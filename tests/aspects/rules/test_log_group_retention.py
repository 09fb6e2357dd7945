"""FIN-006: log groups have a positive retention_in_days from the allowed set."""

from aspects.policy import GovernancePolicy
from aspects.rules.log_group_retention import check
from tests.aspects.govern_cases import expected_findings
from tests.aspects.rules.rule_cases import FAIL, NA, OK, UNKNOWN, run


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-006") == expected_findings("FIN-006")


def test_cases():
    assert run(check, "aws_cloudwatch_log_group", {"retention_in_days": 30})[0] is OK
    assert run(check, "aws_cloudwatch_log_group", {}) == (FAIL, {"retention_in_days"}, set())
    assert run(check, "aws_cloudwatch_log_group", {"retention_in_days": 0})[0] is FAIL
    assert run(check, "aws_cloudwatch_log_group", {"retention_in_days": True})[0] is FAIL
    assert run(check, "aws_cloudwatch_log_group", {"retention_in_days": "${var.d}"})[0] is UNKNOWN
    assert run(check, "aws_s3_bucket", {})[0] is NA


def test_allowed_set_comes_from_the_policy():
    policy = GovernancePolicy(allowed_log_retention_days=frozenset({90, 365}))
    assert run(check, "aws_cloudwatch_log_group", {"retention_in_days": 30}, policy=policy)[0] is FAIL
    assert run(check, "aws_cloudwatch_log_group", {"retention_in_days": 90}, policy=policy)[0] is OK
