"""CloudWatch dashboard (widgets with real dimensions) and alarms that notify the alert topic."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tfcdk import Construct
from tfcdk.aws import load

_dashboard = load("cloudwatch_dashboard")
_alarm = load("cloudwatch_metric_alarm")


@dataclass(frozen=True, kw_only=True)
class AlarmSpec:
    name: str
    namespace: str
    metric: str
    dimensions: Mapping[str, str]
    description: str
    threshold: float = 1
    statistic: str = "Sum"
    period: int = 300


def _widget(title: str, metrics: list[list[Any]], region: str, x: int, y: int, stat: str = "Sum") -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {"title": title, "region": region, "stat": stat, "period": 300, "metrics": metrics},
    }


def dashboard_body(
    *, region: str, functions: Mapping[str, str], state_machine_arn: str, table_name: str, bucket_name: str
) -> dict[str, Any]:
    """``functions`` maps purpose -> function name. Pure data so tests can inspect it."""
    lambda_widgets = []
    for index, metric in enumerate(("Invocations", "Errors", "Duration", "Throttles")):
        stat = "Average" if metric == "Duration" else "Sum"
        rows = [["AWS/Lambda", metric, "FunctionName", name, {"label": purpose}] for purpose, name in functions.items()]
        lambda_widgets.append(
            _widget(f"Lambda {metric}", rows, region, x=(index % 2) * 12, y=(index // 2) * 6, stat=stat)
        )
    sfn = [
        ["AWS/States", metric, "StateMachineArn", state_machine_arn]
        for metric in ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed")
    ]
    widgets = [
        *lambda_widgets,
        _widget("Executions", sfn, region, x=0, y=12),
        _widget(
            "Execution time (ms)",
            [["AWS/States", "ExecutionTime", "StateMachineArn", state_machine_arn]],
            region,
            x=12,
            y=12,
            stat="Average",
        ),
        _widget(
            "DynamoDB consumed capacity",
            [
                ["AWS/DynamoDB", m, "TableName", table_name]
                for m in ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")
            ],
            region,
            x=0,
            y=18,
        ),
        {
            "type": "metric",
            "x": 12,
            "y": 18,
            "width": 12,
            "height": 6,
            "properties": {
                "title": "S3 bucket size",
                "region": region,
                "stat": "Average",
                "period": 86400,
                "metrics": [
                    ["AWS/S3", "BucketSizeBytes", "BucketName", bucket_name, "StorageType", "StandardStorage"],
                    [
                        "AWS/S3",
                        "NumberOfObjects",
                        "BucketName",
                        bucket_name,
                        "StorageType",
                        "AllStorageTypes",
                        {"yAxis": "right"},
                    ],
                ],
            },
        },
    ]
    return {"widgets": widgets}


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        dashboard_name: str,
        region: str,
        functions: Mapping[str, str],
        state_machine_arn: str,
        table_name: str,
        bucket_name: str,
        alarms: list[AlarmSpec],
        alert_topic_arn: str,
    ) -> None:
        super().__init__(scope, id_)
        self.dashboard = _dashboard.CloudwatchDashboard(
            self,
            "dashboard",
            dashboard_name=dashboard_name,
            dashboard_body=json.dumps(
                dashboard_body(
                    region=region,
                    functions=functions,
                    state_machine_arn=state_machine_arn,
                    table_name=table_name,
                    bucket_name=bucket_name,
                ),
                sort_keys=True,
            ),
        )
        self.alarms = [
            _alarm.CloudwatchMetricAlarm(
                self,
                f"alarm_{index}",
                alarm_name=spec.name,
                alarm_description=spec.description,
                namespace=spec.namespace,
                metric_name=spec.metric,
                dimensions=dict(spec.dimensions),
                statistic=spec.statistic,
                period=spec.period,
                evaluation_periods=1,
                threshold=spec.threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[alert_topic_arn],
            )
            for index, spec in enumerate(alarms)
        ]
