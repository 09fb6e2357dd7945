"""The state machine definition as Python data (Amazon States Language).

Pure functions, no cdktf: tests and invariants inspect the same dict the stack renders.

    DescribeJob -> Ingest -> Route -> Validate -> Transform ------------------------> Load -> (end)
                               |                                                 ^
                               +-> Plan -> CheckRanges -> CheckPartitions -> Merge
                                   (large uncompressed object: two Map states over the plan's lists)

    every Task and Map: Catch States.ALL
        -> <Step>Failed -> MarkJobFailed -> BuildAlert -> PublishAlert -> JobFailed
                             | (already FAILED: ConditionalCheckFailed)
                             +-> JobFailed      (so an alert fires once per job)

The Map states read their items from the state input (``ItemsPath``), not with a Distributed Map
``ItemReader``: the plan is small (one entry per byte range) and this form also runs on the emulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..steps import BY_STATE, FANOUT, SINGLE_PATH, Step

#: the states invoking a function, from the table of steps: every object's chain, and a large object's
#: path between its first and its last step
STEPS = tuple(step.state for step in SINGLE_PATH)
FANOUT_STEPS = tuple(step.state for step in FANOUT)

# Errors worth retrying: Lambda service hiccups and the handlers' own TransientError.
# Permanent handler errors (InvalidFileError, IllegalTransitionError, ...) go straight to the Catch.
TRANSIENT_ERRORS = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "TransientError",
)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    interval_seconds: int = 2
    max_attempts: int = 5
    backoff_rate: float = 2.0
    max_delay_seconds: int = 30
    jitter: str = "FULL"

    def render(self, errors: tuple[str, ...]) -> dict[str, Any]:
        return {
            "ErrorEquals": list(errors),
            "IntervalSeconds": self.interval_seconds,
            "MaxAttempts": self.max_attempts,
            "BackoffRate": self.backoff_rate,
            "MaxDelaySeconds": self.max_delay_seconds,
            "JitterStrategy": self.jitter,
        }


@dataclass(frozen=True, kw_only=True)
class FanOut:
    """Objects above ``threshold_bytes`` (uncompressed CSV or JSON Lines) take the fan-out path; each Map
    runs at most ``max_concurrency`` Lambda invocations at once."""

    threshold_bytes: int
    max_concurrency: int


#: A day's files arrive together: a step throttled at its function's reserved concurrency waits for it longer
#: than for a transient error (docs/handlers.md, capacity model): up to ~16 minutes before the job fails. The
#: first retrier whose ErrorEquals matches is the one used, so this one comes first.
THROTTLED = ("Lambda.TooManyRequestsException",)
THROTTLE_RETRY = RetryPolicy(interval_seconds=5, max_attempts=12, backoff_rate=2.0, max_delay_seconds=120)


def job_id_expression() -> str:
    """Must equal ``txn_pipeline`` job_id_for(): sha256 hex of ``<bucket>/<key>#<version_id>``."""
    return (
        "States.Hash(States.Format('{}/{}#{}', $.detail.bucket.name, $.detail.object.key, "
        "$.detail.object.version-id), 'SHA-256')"
    )


def build_definition(
    *,
    function_arns: Mapping[str, str],
    function_timeouts: Mapping[str, int],
    table_name: str,
    alert_topic_arn: str,
    fanout: FanOut | None = None,
    retry: RetryPolicy | None = None,
) -> dict[str, Any]:
    """``function_arns`` maps the state of each step in :data:`STEPS` (and with ``fanout`` in
    :data:`FANOUT_STEPS`) to its Lambda ARN (tokens at synth)."""
    missing = [s for s in (*STEPS, *(FANOUT_STEPS if fanout else ())) if s not in function_arns]
    if missing:
        raise ValueError(f"no function ARN for steps {missing}")
    retry = retry or RetryPolicy()

    def invoke(step: str, **fields: Any) -> dict[str, Any]:
        return {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": function_arns[step], "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "TimeoutSeconds": function_timeouts.get(step, 900) + 30,
            "Retry": [THROTTLE_RETRY.render(THROTTLED), retry.render(TRANSIENT_ERRORS)],
            **fields,
        }

    def failed(step: str) -> dict[str, Any]:
        """A Pass state naming the failed step, on the way to MarkJobFailed."""
        return {"Type": "Pass", "Result": BY_STATE[step].name, "ResultPath": "$.failed_step", "Next": "MarkJobFailed"}

    def catch(state: str) -> list[dict[str, Any]]:
        return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": f"{state}Failed"}]

    states: dict[str, Any] = {
        "DescribeJob": {
            "Type": "Pass",
            "Comment": "Turn the S3 Object Created event into the job identity every step uses",
            "Parameters": {
                "bucket.$": "$.detail.bucket.name",
                "key.$": "$.detail.object.key",
                "version_id.$": "$.detail.object.version-id",
                "job_id.$": job_id_expression(),
            },
            "Next": STEPS[0],
        }
    }
    for index, step in enumerate(STEPS):
        task = invoke(step, Catch=catch(step))
        if index + 1 < len(STEPS):
            task["Next"] = STEPS[index + 1]
        else:
            task["End"] = True
        states[step] = task
        states[f"{step}Failed"] = failed(step)
    if fanout is not None:
        states[STEPS[0]]["Next"] = "Route"
        states.update(_fanout_states(fanout, invoke=invoke, failed=failed, catch=catch))
    states["MarkJobFailed"] = {
        "Type": "Task",
        "Comment": "FAILED once: a second failure of the same job finds it FAILED and sends no alert",
        "Resource": "arn:aws:states:::dynamodb:updateItem",
        "Parameters": {
            "TableName": table_name,
            "Key": {"pk": {"S.$": "States.Format('JOB#{}', $.job_id)"}, "sk": {"S": "JOB"}},
            "UpdateExpression": (
                "SET #status = :failed, failed_step = :step, #error = :error, cause = :cause, updated_at = :now"
            ),
            "ConditionExpression": "attribute_not_exists(#status) OR #status <> :failed",
            "ExpressionAttributeNames": {"#status": "status", "#error": "error"},
            "ExpressionAttributeValues": {
                ":failed": {"S": "FAILED"},
                ":step": {"S.$": "$.failed_step"},
                ":error": {"S.$": "$.error.Error"},
                ":cause": {"S.$": "States.Format('{}', $.error.Cause)"},
                ":now": {"S.$": "$$.State.EnteredTime"},
            },
        },
        "ResultPath": None,
        "Retry": [
            retry.render(
                (
                    "DynamoDB.ProvisionedThroughputExceededException",
                    "DynamoDB.InternalServerErrorException",
                    "DynamoDB.ThrottlingException",
                )
            )
        ],
        "Catch": [
            # Already FAILED: the first failure sent the alert.
            {"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": None, "Next": "JobFailed"},
            # Could not record the failure: still alert, with why, rather than fail silently.
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.mark_error", "Next": "BuildAlert"},
        ],
        "Next": "BuildAlert",
    }
    states["BuildAlert"] = {
        "Type": "Pass",
        "Parameters": {
            "job_id.$": "$.job_id",
            "step.$": "$.failed_step",
            "error.$": "$.error.Error",
            "cause.$": "$.error.Cause",
            "object.$": "States.Format('s3://{}/{}', $.bucket, $.key)",
            "quarantine.$": "States.Format('s3://{}/quarantine/{}/', $.bucket, $.job_id)",
        },
        "ResultPath": "$.alert",
        "Next": "PublishAlert",
    }
    states["PublishAlert"] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "Parameters": {
            "TopicArn": alert_topic_arn,
            "Subject": "Transaction pipeline job failed",
            "Message.$": "States.JsonToString($.alert)",
        },
        "ResultPath": None,
        "Retry": [retry.render(("SNS.ThrottledException", "SNS.InternalErrorException", "States.TaskFailed"))],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.alert_error", "Next": "JobFailed"}],
        "Next": "JobFailed",
    }
    states["JobFailed"] = {"Type": "Fail", "Error": "JobFailed", "Cause": "See the job record and the alert"}
    return {
        "Comment": "Transaction file pipeline: ingest -> validate -> transform -> load",
        "StartAt": "DescribeJob",
        "States": states,
    }


def _job_fields() -> dict[str, str]:
    return {f"{k}.$": f"$.{k}" for k in ("bucket", "key", "version_id", "job_id")}


#: what each Map of the large-object path iterates over (a list in the plan) and adds to each item
MAP_ITEMS: dict[str, tuple[str, dict[str, str]]] = {
    "range": (
        "$.plan.ranges",
        {"range.$": "$$.Map.Item.Value", "partitions.$": "$.plan.partitions", "header_end.$": "$.plan.header_end"},
    ),
    "partition": (
        "$.plan.partition_list",
        {
            "partition.$": "$$.Map.Item.Value",
            "partitions.$": "$.plan.partitions",
            "range_count.$": "$.plan.range_count",
        },
    ),
}


def _fanout_states(fanout: FanOut, *, invoke: Any, failed: Any, catch: Any) -> dict[str, Any]:
    """Route, then each step of the large-object path (a Task, or a Map over one of the plan's lists) up to the
    last step of the single path (Load), and their failure states."""

    def map_state(state: str, step: Step, *, next_: str) -> dict[str, Any]:
        items, selector = MAP_ITEMS[step.name]
        return {
            "Type": "Map",
            "Comment": f"One {step.name} invocation per item of {items}, at most {fanout.max_concurrency} at once",
            "ItemsPath": items,
            "MaxConcurrency": fanout.max_concurrency,
            "ItemSelector": {**_job_fields(), **selector},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": step.state,
                # no Catch inside: a failed item fails the Map, whose Catch fails the job once
                "States": {step.state: invoke(step.state, End=True)},
            },
            "ResultPath": None,  # the items' results are in work/<job>/; the state keeps the plan
            "Catch": catch(state),
            "Next": next_,
        }

    large = [
        {"Variable": "$.status", "StringEquals": "INGESTED"},
        {"Variable": "$.compression", "StringEquals": "none"},
        {"Or": [{"Variable": "$.format", "StringEquals": f} for f in ("csv", "jsonl")]},
        {"Variable": "$.size", "NumericGreaterThan": fanout.threshold_bytes},
    ]
    entry = [step.map_state or step.state for step in FANOUT]
    states: dict[str, Any] = {
        "Route": {
            "Type": "Choice",
            "Comment": f"Uncompressed objects over {fanout.threshold_bytes} bytes are checked in byte ranges",
            "Choices": [{"And": large, "Next": entry[0]}],
            "Default": STEPS[1],
        },
    }
    for index, step in enumerate(FANOUT):
        state, next_ = entry[index], (entry[index + 1] if index + 1 < len(entry) else STEPS[-1])
        if step.map_state is None:
            states[state] = invoke(step.state, Catch=catch(state), Next=next_)
        else:
            states[state] = map_state(state, step, next_=next_)
        states[f"{state}Failed"] = failed(step.state)
    return states
