"""The legacy design's orchestrator: invokes ingest, validate, transform and load one after another,
synchronously, and waits for each one (so it is billed for the whole pipeline's duration).

Part of the legacy example stack only (``examples/legacy_pipeline.py``), which exists to be costed
against the current design; it is never deployed. The current stack replaced this function with a
Step Functions state machine (retries with backoff, one alert per failed job, no idle compute).
"""

import json
import os

import boto3

STEPS = ("INGEST_FUNCTION", "VALIDATE_FUNCTION", "TRANSFORM_FUNCTION", "LOAD_FUNCTION")
_LAMBDA = boto3.client("lambda")
_SNS = boto3.client("sns")


def handler(event, context):
    payload = event
    for variable in STEPS:
        response = _LAMBDA.invoke(FunctionName=os.environ[variable], Payload=json.dumps(payload).encode())
        result = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            message = json.dumps({"step": variable, "error": result, "event": event})
            _SNS.publish(
                TopicArn=os.environ["ALERT_TOPIC_ARN"], Subject="Transaction pipeline job failed", Message=message
            )
            raise RuntimeError(f"{variable} failed: {result}")
        payload = result
    return payload
