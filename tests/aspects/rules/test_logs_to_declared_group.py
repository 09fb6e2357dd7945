"""FIN-007: functions and state machines log to a log group declared in the same stack."""

from aspects.rules.logs_to_declared_group import check
from tests.aspects.govern_cases import expected_findings
from tests.aspects.rules.rule_cases import FAIL, NA, OK, UNKNOWN, run

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


SERVICE_GROUPS = {
    "resource": {
        "aws_cloudwatch_log_group": {
            "rds": {"name": "/aws/rds/instance/orders/postgresql"},
            "eks": {"name": "/aws/eks/${aws_eks_cluster.r.name}/cluster"},
            "api": {"name": "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.a.id}/prod"},
        },
        "aws_api_gateway_stage": {"prod": {"stage_name": "prod"}},
    }
}


def test_service_created_groups_must_be_declared_by_the_name_aws_uses():
    rds = {"identifier": "orders", "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"]}
    assert run(check, "aws_db_instance", rds, document=SERVICE_GROUPS) == (
        FAIL,
        {"enabled_cloudwatch_logs_exports:upgrade"},
        set(),
    )
    assert run(check, "aws_db_instance", {"identifier": "orders"}, document=SERVICE_GROUPS)[0] is OK  # no exports
    eks = {"name": "${var.name}", "enabled_cluster_log_types": ["api", "audit"]}
    assert run(check, "aws_eks_cluster", eks, document=SERVICE_GROUPS)[0] is OK  # by self reference
    assert run(check, "aws_eks_cluster", {**eks, "name": "${var.other}"})[0] is UNKNOWN  # computed, not declared
    settings = {
        "rest_api_id": "${aws_api_gateway_rest_api.a.id}",
        "stage_name": "${aws_api_gateway_stage.prod.stage_name}",  # resolved to the stage's literal name
        "settings": [{"logging_level": "ERROR"}],
    }
    assert run(check, "aws_api_gateway_method_settings", settings, document=SERVICE_GROUPS)[0] is OK
    off = {**settings, "settings": [{"logging_level": "OFF"}]}
    assert run(check, "aws_api_gateway_method_settings", off)[0] is OK


def test_codebuild_logs_by_default_and_can_be_turned_off():
    assert run(check, "aws_codebuild_project", {"name": "b"}) == (FAIL, {"logs_config"}, set())
    off = {"name": "b", "logs_config": {"cloudwatch_logs": {"status": "DISABLED"}}}
    assert run(check, "aws_codebuild_project", off)[0] is OK


def test_ecs_awslogs_create_group():
    import json

    container = {"name": "web", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/app/lg"}}}
    assert run(check, "aws_ecs_task_definition", {"container_definitions": json.dumps([container])})[0] is OK
    container["logConfiguration"]["options"]["awslogs-create-group"] = "true"
    config = {"container_definitions": json.dumps([container])}
    assert run(check, "aws_ecs_task_definition", config, document=STACK)[0] is OK  # declared
    assert run(check, "aws_ecs_task_definition", config) == (FAIL, {"container web"}, set())
    assert run(check, "aws_ecs_task_definition", {"container_definitions": "${var.c}"})[0] is UNKNOWN
