"""SNS, SQS and EventBridge custom events."""

from __future__ import annotations

import pytest

from cost_estimate.context import NoUsage
from cost_estimate.pricers import messaging
from tests.cost_estimate.conftest import context, resource, usd


def test_topic_publishes_and_email_deliveries() -> None:
    ctx = context({
        "aws_sns_topic": {"t": {"name": "alerts"}},
        "aws_sns_topic_subscription": {"e": {"topic_arn": "${aws_sns_topic.t.arn}", "protocol": "email"},
                                       "q": {"topic_arn": "${aws_sns_topic.t.arn}", "protocol": "sqs"}},
    })  # fmt: skip
    items, _ = messaging.sns_topic(ctx, resource(ctx, "aws_sns_topic", "t"))
    assert usd(items, "publishes") == pytest.approx(200 * 0.0000005)
    assert usd(items, "e-mail notifications") == pytest.approx(200 * 0.00002)  # one e-mail subscription


def test_queue_requests_and_fifo() -> None:
    ctx = context({"aws_sqs_queue": {"q": {"name": "dlq"}, "f": {"name": "f.fifo", "fifo_queue": True}}})
    items, _ = messaging.sqs_queue(ctx, resource(ctx, "aws_sqs_queue", "q"))
    assert usd(items, "requests") == pytest.approx(1000 * 0.0000004)
    with pytest.raises(NoUsage, match="FIFO"):
        messaging.sqs_queue(ctx, resource(ctx, "aws_sqs_queue", "f"))


def test_custom_event_bus() -> None:
    ctx = context({"aws_cloudwatch_event_bus": {"b": {"name": "bus"}}})
    items, _ = messaging.event_bus(ctx, resource(ctx, "aws_cloudwatch_event_bus", "b"))
    assert usd(items, "custom events") == pytest.approx(5000 * 0.000001)
