"""The state machine definition as Python data (Amazon States Language).

Pure functions, no cdktf: tests and invariants inspect the same dict the stack renders.

    DescribeJob -> Ingest -> Validate -> Transform -> Load -> (end)
                     |         |           |          |
                     +---------+-----+-----+----------+   Catch States.ALL
                                     v
                        <Step>Failed -> MarkJobFailed -> BuildAlert -> PublishAlert -> JobFailed
                                         | (already FAILED: ConditionalCheckFailed)
                                         +-> JobFailed      (so an alert fires once per job)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STEPS = ("Ingest", "Validate", "Transform", "Load")

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
    retry: RetryPolicy | None = None,
) -> dict[str, Any]:
    """``function_arns`` maps "Ingest".."Load" to Lambda ARNs (tokens at synth)."""
    missing = [s for s in STEPS if s not in function_arns]
    if missing:
        raise ValueError(f"no function ARN for steps {missing}")
    retry = retry or RetryPolicy()
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
        task: dict[str, Any] = {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": function_arns[step], "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "TimeoutSeconds": function_timeouts.get(step, 900) + 30,
            "Retry": [retry.render(TRANSIENT_ERRORS)],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": f"{step}Failed"}],
        }
        if index + 1 < len(STEPS):
            task["Next"] = STEPS[index + 1]
        else:
            task["End"] = True
        states[step] = task
        states[f"{step}Failed"] = {
            "Type": "Pass",
            "Result": step.lower(),
            "ResultPath": "$.failed_step",
            "Next": "MarkJobFailed",
        }
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
