"""FIN-008: DynamoDB tables have PITR enabled, with a recovery period >= the policy minimum if set."""

from aspects.policy import GovernancePolicy
from aspects.rules.dynamodb_pitr import check
from tests.aspects.govern_cases import expected_findings
from tests.aspects.rules.rule_cases import FAIL, NA, OK, UNKNOWN, run


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-008") == expected_findings("FIN-008")


def test_cases():
    table = "aws_dynamodb_table"
    assert run(check, table, {"point_in_time_recovery": [{"enabled": True}]})[0] is OK
    assert run(check, table, {"point_in_time_recovery": {"enabled": "true"}})[0] is OK
    assert run(check, table, {}) == (FAIL, {"enabled"}, set())
    assert run(check, table, {"point_in_time_recovery": [{"enabled": "${var.pitr}"}]})[0] is UNKNOWN
    assert run(check, "aws_s3_bucket", {})[0] is NA


def test_recovery_period_against_the_policy_minimum():
    table, strict = "aws_dynamodb_table", GovernancePolicy(min_pitr_recovery_days=30)
    assert run(check, table, {"point_in_time_recovery": [{"enabled": True}]}, policy=strict)[0] is OK  # 35
    short = {"point_in_time_recovery": [{"enabled": True, "recovery_period_in_days": 7}]}
    assert run(check, table, short, policy=strict) == (FAIL, {"recovery_period_in_days"}, set())
    assert run(check, table, short)[0] is OK  # no minimum configured


def test_replicas_need_pitr_too():
    replica = "aws_dynamodb_table_replica"
    assert run(check, replica, {}) == (FAIL, {"point_in_time_recovery"}, set())  # off by default
    assert run(check, replica, {"point_in_time_recovery": True})[0] is OK
    assert run(check, replica, {"point_in_time_recovery": "${var.p}"})[0] is UNKNOWN
    table = {
        "point_in_time_recovery": {"enabled": True},
        "replica": [{"region_name": "eu-west-1"}, {"region_name": "us-west-2", "point_in_time_recovery": True}],
    }
    assert run(check, "aws_dynamodb_table", table) == (FAIL, {"replica[eu-west-1]"}, set())
