"""FIN-007: functions and state machines log to a log group declared in the same stack."""

from aspects.rules.logs_to_declared_group import check
from tests.aspects.govern_cases import expected_findings
from tests.aspects.rules.rule_cases import FAIL, NA, OK, run

STACK = {
    "resource": {
        "aws_cloudwatch_log_group": {
            "lg": {"name": "/app/lg"},
            "own": {"name": "/aws/lambda/${aws_lambda_function.r.function_name}"},
        }
    }
}


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-007") == expected_findings("FIN-007")


def test_lambda_cases():
    by_ref = {"function_name": "x", "logging_config": [{"log_group": "${aws_cloudwatch_log_group.lg.name}"}]}
    by_name = {"function_name": "x", "logging_config": [{"log_group": "/app/lg"}]}
    undeclared = {"function_name": "x", "logging_config": [{"log_group": "${aws_cloudwatch_log_group.no.name}"}]}
    assert run(check, "aws_lambda_function", by_ref, document=STACK)[0] is OK
    assert run(check, "aws_lambda_function", by_name, document=STACK)[0] is OK
    assert run(check, "aws_lambda_function", {"function_name": "any"}, document=STACK)[0] is OK  # "own"
    assert run(check, "aws_lambda_function", undeclared, document=STACK) == (FAIL, {"log_group"}, set())
    assert run(check, "aws_lambda_function", {"function_name": "x"}) == (FAIL, {"log_group"}, set())


def test_state_machine_cases():
    good = {"logging_configuration": [{"log_destination": "${aws_cloudwatch_log_group.lg.arn}:*", "level": "ALL"}]}
    assert run(check, "aws_sfn_state_machine", good, document=STACK)[0] is OK
    off = {"logging_configuration": [{"log_destination": "${aws_cloudwatch_log_group.lg.arn}:*"}]}
    assert run(check, "aws_sfn_state_machine", off, document=STACK) == (FAIL, {"level"}, set())
    assert run(check, "aws_cloudwatch_log_group", {})[0] is NA
