"""Alerts (SNS, KMS-encrypted, optional e-mail) and the dead-letter queue (SQS, KMS, 14 days)."""

from __future__ import annotations

from tfcdk import Construct
from tfcdk.aws import load

from .iam import Condition, Statement, policy_document

_topic = load("sns_topic")
_subscription = load("sns_topic_subscription")
_queue = load("sqs_queue")
_queue_policy = load("sqs_queue_policy")

DLQ_RETENTION_SECONDS = 14 * 24 * 3600


class Alerts(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        topic_name: str,
        dlq_name: str,
        kms_key_arn: str,
        alert_email: str | None,
    ) -> None:
        super().__init__(scope, id_)
        self.topic = _topic.SnsTopic(self, "topic", name=topic_name, kms_master_key_id=kms_key_arn)
        if alert_email:
            _subscription.SnsTopicSubscription(
                self, "email", topic_arn=self.topic.arn, protocol="email", endpoint=alert_email
            )
        self.dlq = _queue.SqsQueue(
            self,
            "dlq",
            name=dlq_name,
            kms_master_key_id=kms_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
        )
        self.topic_arn: str = self.topic.arn
        self.dlq_arn: str = self.dlq.arn

    def allow_event_rule(self, *, rule_arn: str) -> None:
        """Let one EventBridge rule dead-letter undeliverable events into the DLQ."""
        document = policy_document(
            self,
            "dlq_policy_document",
            [
                Statement(
                    sid="EventBridgeRuleDeadLetters",
                    actions=["sqs:SendMessage"],
                    resources=[self.dlq.arn],
                    principals=[("Service", ["events.amazonaws.com"])],
                    conditions=[Condition(test="ArnEquals", variable="aws:SourceArn", values=[rule_arn])],
                ),
            ],
        )
        _queue_policy.SqsQueuePolicy(self, "dlq_policy", queue_url=self.dlq.url, policy=document.json)
