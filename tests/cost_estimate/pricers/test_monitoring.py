"""Log groups (ingestion by their producers, storage under retention), alarms and dashboards."""

from __future__ import annotations

import json

import pytest

from cost_estimate.context import NoUsage
from cost_estimate.pricers import monitoring
from cost_estimate.profile import DAYS_PER_MONTH as D
from tests.cost_estimate.conftest import FILES, context, resource, usd

GB = 2**30
FUNCTION = {
    "function_name": "fn-step",
    "memory_size": 2048,
    "logging_config": {"log_group": "${aws_cloudwatch_log_group.g.name}"},
}


def test_function_logs_ingested_and_stored_for_the_retention() -> None:
    ctx = context(
        {
            "aws_lambda_function": {"f": FUNCTION},
            "aws_cloudwatch_log_group": {"g": {"name": "/x", "retention_in_days": 30}},
        }
    )
    items, _ = monitoring.log_group(ctx, resource(ctx, "aws_cloudwatch_log_group", "g"))
    monthly_gb = FILES * 1000 / GB  # 730 invocations x 1,000 bytes
    assert usd(items, "log ingestion (function fn-step)") == pytest.approx(monthly_gb * 0.50)
    assert usd(items, "log storage") == pytest.approx(monthly_gb / D * 30 * 0.03)  # 30 days' worth held


def test_default_log_group_name_and_never_expiring_logs() -> None:
    function = {"function_name": "fn-step", "memory_size": 2048}
    ctx = context(
        {"aws_lambda_function": {"f": function}, "aws_cloudwatch_log_group": {"g": {"name": "/aws/lambda/fn-step"}}},
        month=2,
    )
    items, _ = monitoring.log_group(ctx, resource(ctx, "aws_cloudwatch_log_group", "g"))
    monthly_gb = FILES * 1000 / GB
    assert usd(items, "log storage") == pytest.approx(monthly_gb * 1.5 * 0.03)  # month 2 holds 1.5 months on average


LOGGING = {"level": "ALL", "log_destination": "${aws_cloudwatch_log_group.g.arn}:*"}


def test_state_machine_and_flow_logs_are_vended() -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    resources = {
        "aws_cloudwatch_log_group": {"g": {"name": "/v", "retention_in_days": 1}},
        "aws_sfn_state_machine": {
            "sm": {"name": "sm", "definition": json.dumps(definition), "logging_configuration": LOGGING}
        },
        "aws_flow_log": {"fl": {"log_destination": "${aws_cloudwatch_log_group.g.arn}"}},
    }
    ctx = context(resources)
    items, _ = monitoring.log_group(ctx, resource(ctx, "aws_cloudwatch_log_group", "g"))
    transitions = FILES * (1 + 0.02)  # one state, no Catch path, 0.02 retries
    assert usd(items, "log ingestion (state machine sm)") == pytest.approx(transitions * 1000 / GB * 0.50)
    assert usd(items, "log ingestion (VPC flow log)") == pytest.approx(D * 0.50)  # 1 GiB a day


def test_a_log_group_nobody_writes_to_is_not_priced() -> None:
    ctx = context({"aws_cloudwatch_log_group": {"g": {"name": "/orphan"}}})
    with pytest.raises(NoUsage, match="nothing in the stack logs here"):
        monitoring.log_group(ctx, resource(ctx, "aws_cloudwatch_log_group", "g"))


@pytest.mark.parametrize(
    ("config", "component", "expected"),
    [
        ({"metric_name": "Errors", "period": 300}, "alarm (standard)", 0.10),
        ({"metric_name": "Errors", "period": 10}, "alarm (high resolution)", 0.30),
        ({"metric_query": [{"id": "a", "metric": {}}, {"id": "b", "metric": {}}, {"id": "e", "expression": "a+b"}]},
         "alarm (standard)", 0.20),
    ],
)  # fmt: skip
def test_alarms(config: dict, component: str, expected: float) -> None:
    ctx = context({"aws_cloudwatch_metric_alarm": {"a": config}})
    items, _ = monitoring.metric_alarm(ctx, resource(ctx, "aws_cloudwatch_metric_alarm", "a"))
    assert usd(items, component) == pytest.approx(expected)


def test_dashboard() -> None:
    ctx = context({"aws_cloudwatch_dashboard": {"d": {"dashboard_name": "d"}}})
    items, _ = monitoring.dashboard(ctx, resource(ctx, "aws_cloudwatch_dashboard", "d"))
    assert usd(items, "dashboard") == 3.0
