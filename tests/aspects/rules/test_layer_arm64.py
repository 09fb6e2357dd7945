"""FIN-005: Lambda layer versions list arm64 in compatible_architectures."""

from aspects.rules.layer_arm64 import check
from tests.aspects.govern_cases import expected_findings, expected_suppressed
from tests.aspects.rules.rule_cases import FAIL, NA, OK, UNKNOWN, run


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-005") == expected_findings("FIN-005")
    assert violations.suppressed("FIN-005") == expected_suppressed("FIN-005")


def test_cases():
    assert run(check, "aws_lambda_layer_version", {"compatible_architectures": ["x86_64", "arm64"]})[0] is OK
    assert run(check, "aws_lambda_layer_version", {}) == (FAIL, {"compatible_architectures"}, set())
    assert run(check, "aws_lambda_layer_version", {"compatible_architectures": "${var.a}"})[0] is UNKNOWN
    assert run(check, "aws_lambda_function", {})[0] is NA
