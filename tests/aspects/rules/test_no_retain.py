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
