"""Step Functions state machine (STANDARD) and the S3 -> EventBridge -> state machine trigger."""

from __future__ import annotations

import json
from collections.abc import Mapping

from tfcdk import Construct
from tfcdk.aws import load

from .account import Account
from .iam import Statement, service_role
from .logs import encrypted_log_group
from .workflow_definition import FanOut, build_definition

_sfn = load("sfn_state_machine")
_rule = load("cloudwatch_event_rule")
_target = load("cloudwatch_event_target")

_LOG_DELIVERY = (
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery",
)


class Workflow(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        state_machine_name: str,
        role_name: str,
        trigger_rule_name: str,
        trigger_role_name: str,
        functions: Mapping[str, tuple[str, int]],
        fanout: FanOut | None,
        table_name: str,
        table_arn: str,
        alert_topic_arn: str,
        bucket_name: str,
        kms_key_arn: str,
        dead_letter_queue_arn: str,
        log_retention_days: int,
        account: Account,
        raw_prefix: str = "raw/",
    ) -> None:
        """``functions`` maps the state of each step (:mod:`stack.steps`; the large-object path's only with
        ``fanout``) to (function ARN, timeout seconds)."""
        super().__init__(scope, id_)
        self.definition = build_definition(
            function_arns={step: arn for step, (arn, _) in functions.items()},
            function_timeouts={step: timeout for step, (_, timeout) in functions.items()},
            table_name=table_name,
            alert_topic_arn=alert_topic_arn,
            fanout=fanout,
        )
        self.log_group = encrypted_log_group(
            self, "logs", name=f"/aws/vendedlogs/states/{state_machine_name}", retention_days=log_retention_days,
            kms_key_arn=kms_key_arn,
        )  # fmt: skip
        function_arns = [arn for arn, _ in functions.values()]
        self.service_role = service_role(
            self,
            role_name=role_name,
            policy_name=f"{state_machine_name}-permissions",
            service="states.amazonaws.com",
            account_id=account.id,
            statements=[
                Statement(
                    sid="InvokeSteps",
                    actions=["lambda:InvokeFunction"],
                    resources=[*function_arns, *(f"{arn}:*" for arn in function_arns)],
                ),
                Statement(sid="MarkJobFailed", actions=["dynamodb:UpdateItem"], resources=[table_arn]),
                Statement(sid="PublishAlert", actions=["sns:Publish"], resources=[alert_topic_arn]),
                Statement(
                    sid="UseEncryptedTopicAndTable",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[kms_key_arn],
                ),
                Statement(sid="DeliverExecutionLogs", actions=list(_LOG_DELIVERY), resources=["*"]),
                Statement(
                    sid="Tracing",
                    actions=[
                        "xray:GetSamplingRules",
                        "xray:GetSamplingTargets",
                        "xray:PutTelemetryRecords",
                        "xray:PutTraceSegments",
                    ],
                    resources=["*"],
                ),
            ],
        )
        self.role = self.service_role.role
        self.role_policy = self.service_role.policy
        self.state_machine = _sfn.SfnStateMachine(
            self,
            "state_machine",
            name=state_machine_name,
            type="STANDARD",
            role_arn=self.role.arn,
            definition=json.dumps(self.definition, indent=2, sort_keys=True),
            logging_configuration={
                "log_destination": f"{self.log_group.arn}:*",
                "include_execution_data": True,
                "level": "ALL",
            },
            tracing_configuration={"enabled": True},
            depends_on=[self.role_policy],
        )
        self.arn: str = self.state_machine.arn
        self.name: str = self.state_machine.name

        self.rule = _rule.CloudwatchEventRule(
            self,
            "trigger",
            name=trigger_rule_name,
            description=f"Start the pipeline for every object created under s3://{bucket_name}/{raw_prefix}",
            event_pattern=json.dumps(
                {
                    "source": ["aws.s3"],
                    "detail-type": ["Object Created"],
                    "detail": {"bucket": {"name": [bucket_name]}, "object": {"key": [{"prefix": raw_prefix}]}},
                }
            ),
        )
        self.trigger_role = service_role(
            self,
            prefix="trigger_",
            role_name=trigger_role_name,
            policy_name=f"{trigger_rule_name}-permissions",
            service="events.amazonaws.com",
            account_id=account.id,
            statements=[Statement(sid="StartPipeline", actions=["states:StartExecution"], resources=[self.arn])],
        ).role
        _target.CloudwatchEventTarget(
            self,
            "trigger_target",
            rule=self.rule.name,
            arn=self.arn,
            role_arn=self.trigger_role.arn,
            retry_policy={"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 20},
            dead_letter_config={"arn": dead_letter_queue_arn},
        )
