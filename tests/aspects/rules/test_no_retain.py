"""FIN-009: nothing blocks terraform destroy."""

from aspects.rules.no_retain import check
from tests.aspects.govern_cases import expected_findings
from tests.aspects.rules.rule_cases import FAIL, OK, UNKNOWN, run


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-009") == expected_findings("FIN-009")


def test_cases():
    assert run(check, "aws_s3_bucket", {"force_destroy": True})[0] is OK
    assert run(check, "aws_s3_bucket", {"force_destroy": False}) == (FAIL, {"force_destroy"}, set())
    assert run(check, "aws_ecr_repository", {"force_delete": "${var.f}"})[0] is UNKNOWN
    assert run(check, "aws_sqs_queue", {"lifecycle": {"prevent_destroy": True}})[0] is FAIL
    assert run(check, "aws_sqs_queue", {"lifecycle": {"prevent_destroy": False}})[0] is OK
    assert run(check, "aws_dynamodb_table", {"deletion_protection_enabled": False})[0] is OK
    assert run(check, "aws_cloudwatch_log_group", {"skip_destroy": "true"})[0] is FAIL


def test_every_kind_of_protection_from_the_reviewed_table():
    assert run(check, "aws_db_instance", {"skip_final_snapshot": True, "deletion_protection": True}) == (
        FAIL,
        {"deletion_protection"},
        set(),
    )
    assert run(check, "aws_db_instance", {}) == (FAIL, {"skip_final_snapshot"}, set())  # no final snapshot id
    assert run(check, "aws_db_instance", {"final_snapshot_identifier": "last"})[0] is OK
    assert run(check, "aws_rds_cluster", {"skip_final_snapshot": "${var.skip}"})[0] is UNKNOWN
    assert run(check, "aws_qldb_ledger", {}) == (FAIL, {"deletion_protection"}, set())  # on by default
    assert run(check, "aws_qldb_ledger", {"deletion_protection": False})[0] is OK
    assert run(check, "aws_cognito_user_pool", {"deletion_protection": "ACTIVE"})[0] is FAIL
    assert run(check, "aws_cognito_user_pool", {})[0] is OK  # INACTIVE by default
    assert run(check, "aws_lb", {"enable_deletion_protection": True})[0] is FAIL
    assert run(check, "aws_instance", {"disable_api_termination": True})[0] is FAIL
    assert run(check, "aws_backup_vault", {}) == (FAIL, {"force_destroy"}, set())
    assert run(check, "aws_iam_user", {"force_destroy": True})[0] is OK
    assert run(check, "aws_cloudfront_distribution", {"retain_on_delete": True})[0] is FAIL
    assert run(check, "aws_shield_subscription", {}) == (FAIL, {"aws_shield_subscription"}, set())


def test_object_lock_in_compliance_mode_blocks_destroy_governance_does_not():
    lock = "aws_s3_bucket_object_lock_configuration"
    compliance = {"rule": [{"default_retention": [{"mode": "COMPLIANCE", "days": 1}]}]}
    governance = {"rule": [{"default_retention": [{"mode": "GOVERNANCE", "days": 1}]}]}
    assert run(check, lock, compliance) == (FAIL, {"rule.default_retention.mode"}, set())
    assert run(check, lock, governance)[0] is OK
    assert run(check, "aws_s3_object", {"object_lock_mode": "COMPLIANCE"})[0] is FAIL


def test_reviewed_exclusions_do_not_fail():
    assert run(check, "aws_autoscaling_group", {})[0] is OK  # force_delete: destroy drains the group
    assert run(check, "aws_default_vpc", {})[0] is OK  # keeps the AWS default VPC on purpose
    assert run(check, "aws_secretsmanager_secret", {})[0] is OK  # recovery window: destroy succeeds
