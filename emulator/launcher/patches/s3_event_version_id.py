"""S3 "Object Created" events on EventBridge carry no ``detail.object.version-id``.

MiniStack 1.5.33, ``ministack.services.s3._fire_s3_event`` knows the new object's version id but
builds the EventBridge detail without it (``{key, size, etag, sequencer}``), and hands the event to
``ministack.services.eventbridge._dispatch_event``. AWS sends ``version-id`` for a versioned bucket,
and the state machine's ``DescribeJob`` derives the job id from it. The wrappers remember the version
id while ``_fire_s3_event`` runs and add it to ``aws.s3`` events in ``_dispatch_event``.
"""

from __future__ import annotations

import contextvars
import inspect
import json
from typing import Any

from ..wrap import wrap

_VERSION_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("s3_event_version_id", default=None)


def install() -> None:
    from ministack.services import eventbridge, s3

    signature = inspect.signature(s3._fire_s3_event)

    @wrap(s3, "_fire_s3_event", "(with the next one) EventBridge's 'Object Created' detail had no object.version-id")
    def _fire_s3_event(original: Any, *args: Any, **kwargs: Any) -> Any:
        version_id = signature.bind_partial(*args, **kwargs).arguments.get("version_id")
        token = _VERSION_ID.set(version_id)
        try:
            return original(*args, **kwargs)
        finally:
            _VERSION_ID.reset(token)

    @wrap(
        eventbridge,
        "_dispatch_event",
        "adds detail.object.version-id to S3 events of a versioned bucket, as AWS does (the state "
        "machine derives the job id from it)",
    )
    def _dispatch_event(original: Any, event: Any, *args: Any, **kwargs: Any) -> Any:
        version_id = _VERSION_ID.get()
        if version_id and event.get("Source") == "aws.s3":
            detail = json.loads(event.get("Detail") or "{}")
            detail.setdefault("object", {}).setdefault("version-id", version_id)
            event = {**event, "Detail": json.dumps(detail)}
        return original(event, *args, **kwargs)


def still_needed() -> bool:
    """Fire an S3 ObjectCreated event for version "v1" at a rule on aws.s3; does the delivered detail lack it?"""
    from ministack.core.responses import get_region, set_request_region
    from ministack.services import eventbridge, s3

    region = s3._notification_bucket_region("harness-probe-bucket")  # the rule must be in the bucket's region
    previous = get_region()
    set_request_region(region)
    try:
        eventbridge._ensure_default_bus()
        rule = {"Name": "harness-probe", "EventPattern": json.dumps({"source": ["aws.s3"]}), "State": "ENABLED"}
        target = {"Id": "probe", "Arn": f"arn:aws:sqs:{region}:000000000000:harness-probe"}
        targets = {"Rule": "harness-probe", "Targets": [target]}
        for answer in (eventbridge._put_rule(rule), eventbridge._put_targets(targets)):
            if answer[0] != 200:
                raise RuntimeError(f"EventBridge answered {answer[0]}: {answer[2]!r}")
    finally:
        set_request_region(previous)
    s3._bucket_notifications["harness-probe-bucket"] = (
        "<NotificationConfiguration><EventBridgeConfiguration/></NotificationConfiguration>"
    )
    delivered: list[dict[str, Any]] = []
    invoke_target = eventbridge._invoke_target
    eventbridge._invoke_target = lambda target, event, *args, **kwargs: delivered.append(event)
    try:
        s3._fire_s3_event(
            "harness-probe-bucket", "raw/probe.csv", "s3:ObjectCreated:Put", size=1, etag="e", version_id="v1"
        )
    finally:
        eventbridge._invoke_target = invoke_target
    if len(delivered) != 1:
        raise RuntimeError(f"expected one event delivered to the probe rule, got {len(delivered)}")
    return json.loads(delivered[0]["Detail"]).get("object", {}).get("version-id") != "v1"
