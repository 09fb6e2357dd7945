"""Amazon SNS topics, Amazon SQS queues and EventBridge custom event buses."""

from __future__ import annotations

from aspects.tfjson import Resource
from cost_estimate.context import Context, NoUsage
from cost_estimate.model import LineItem

SNS, SQS, EVENTS = "Amazon SNS", "Amazon SQS", "Amazon EventBridge"


def sns_topic(ctx: Context, topic: Resource) -> tuple[list[LineItem], list[str]]:
    publishes = ctx.profile.messaging.sns_publishes_per_month
    items = [
        ctx.line(
            "sns.publish_requests",
            publishes,
            service=SNS,
            component="publishes",
            unit="requests",
            basis="messaging.sns_publishes_per_month (per topic)",
        )
    ]
    emails = [
        s
        for s in ctx.view.referring_to(topic, "aws_sns_topic_subscription", "topic_arn")
        if s.config.get("protocol") == "email"
    ]
    if emails:
        items.append(
            ctx.line(
                "sns.email_notifications",
                publishes * len(emails),
                service=SNS,
                component="e-mail notifications",
                unit="notifications",
                basis=f"{publishes:g} publishes x {len(emails)} e-mail subscriptions",
            )
        )
    return items, []


def sqs_queue(ctx: Context, queue: Resource) -> tuple[list[LineItem], list[str]]:
    if queue.config.get("fifo_queue") is True:
        raise NoUsage("FIFO queue requests are not in the price snapshot")
    requests = ctx.profile.messaging.sqs_requests_per_month
    return [
        ctx.line(
            "sqs.standard_requests",
            requests,
            service=SQS,
            component="requests",
            unit="requests",
            basis="messaging.sqs_requests_per_month (per queue)",
        )
    ], []


def event_bus(ctx: Context, bus: Resource) -> tuple[list[LineItem], list[str]]:
    events = ctx.profile.messaging.custom_events_per_month
    return [
        ctx.line(
            "events.custom_events",
            events,
            service=EVENTS,
            component="custom events",
            unit="events",
            basis="messaging.custom_events_per_month (per bus)",
        )
    ], []
