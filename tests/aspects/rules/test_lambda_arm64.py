"""FIN-004: Lambda functions declare architectures == ["arm64"]."""

from aspects.rules.lambda_arm64 import check
from tests.aspects.govern_cases import expected_findings, expected_suppressed
from tests.aspects.rules.rule_cases import FAIL, NA, OK, UNKNOWN, run


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-004") == expected_findings("FIN-004")
    assert violations.suppressed("FIN-004") == expected_suppressed("FIN-004")


def test_cases():
    assert run(check, "aws_lambda_function", {"architectures": ["arm64"]}) == (OK, set(), set())
    assert run(check, "aws_lambda_function", {}) == (FAIL, {"architectures"}, set())  # default x86_64
    assert run(check, "aws_lambda_function", {"architectures": ["x86_64"]})[0] is FAIL
    assert run(check, "aws_lambda_function", {"architectures": ["arm64", "x86_64"]})[0] is FAIL
    assert run(check, "aws_lambda_function", {"architectures": "${var.arch}"})[0] is UNKNOWN
    assert run(check, "aws_lambda_layer_version", {})[0] is NA
