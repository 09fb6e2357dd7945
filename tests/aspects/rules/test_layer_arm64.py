"""FIN-005: Lambda layer versions list arm64 in compatible_architectures."""

from aspects.rules.layer_arm64 import check
from tests.aspects.rules.rule_cases import FAIL, NA, OK, UNKNOWN, run


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-005") == {
        ("FIN-005", "aws_lambda_layer_version.layer_missing_fail", "compatible_architectures", "FAILED"),
        ("FIN-005", "aws_lambda_layer_version.layer_x86_fail", "compatible_architectures", "FAILED"),
    }
    assert violations.suppressed("FIN-005") == {
        ("FIN-005", "aws_lambda_layer_version.legacy_layer_inherited_suppressed_81225D9F", "compatible_architectures")
    }


def test_cases():
    assert run(check, "aws_lambda_layer_version", {"compatible_architectures": ["x86_64", "arm64"]})[0] is OK
    assert run(check, "aws_lambda_layer_version", {}) == (FAIL, {"compatible_architectures"}, set())
    assert run(check, "aws_lambda_layer_version", {"compatible_architectures": "${var.a}"})[0] is UNKNOWN
    assert run(check, "aws_lambda_function", {})[0] is NA
