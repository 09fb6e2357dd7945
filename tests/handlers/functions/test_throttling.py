"""Functional (moto): throttling injected on S3 and DynamoDB is retried by the clients, then succeeds;
when retries run out the handler raises TransientError (retried by the state machine)."""

from __future__ import annotations

import io
import json

import pytest
from botocore.awsrequest import AWSResponse
from txn_pipeline import aws
from txn_pipeline.errors import TransientError

from tests.handlers.conftest import csv_text, good_row


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._b = io.BytesIO(body)

    def stream(self, **_: object):
        yield self._b.read()

    def read(self, *a: object, **_: object) -> bytes:
        return self._b.read()


S3_SLOWDOWN = (503, {}, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
DDB_THROTTLE = (
    400,
    {"x-amzn-RequestId": "t", "Content-Type": "application/x-amz-json-1.0"},
    json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "Rate exceeded"}).encode(),
)


def inject(service: str, event: str, failures: int, response: tuple[int, dict, bytes]) -> dict[str, int]:
    """Make the next ``failures`` matching requests fail before they reach moto."""
    seen = {"injected": 0, "calls": 0}

    def handler(request, **_):
        seen["calls"] += 1
        if seen["injected"] < failures:
            seen["injected"] += 1
            status, headers, body = response
            return AWSResponse(request.url, status, headers, _Raw(body))
        return None

    aws.client(service).meta.events.register_first(f"before-send.{event}", handler)
    return seen


@pytest.fixture(autouse=True)
def no_backoff_sleep(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _s: None)


@pytest.mark.parametrize("op", ["s3.HeadObject", "s3.GetObject"])
def test_s3_throttling_is_retried_then_succeeds(aws_env, put_raw, run_step, op):
    payload = put_raw(csv_text(good_row(1)))
    seen = inject("s3", op, 2, S3_SLOWDOWN)  # AWS_MAX_ATTEMPTS=3 in tests
    out = run_step("ingest", payload)
    assert out["status"] == "INGESTED" and seen["injected"] == 2 and seen["calls"] >= 3


def test_s3_throttling_on_curated_upload_then_pipeline_completes(aws_env, put_raw, run_pipeline):
    seen = inject("s3", "s3.PutObject", 2, S3_SLOWDOWN)
    out = run_pipeline(put_raw(csv_text(*(good_row(i) for i in range(10)))))
    assert out["status"] == "LOADED" and seen["injected"] == 2


@pytest.mark.parametrize(
    "op", ["dynamodb.PutItem", "dynamodb.UpdateItem", "dynamodb.GetItem", "dynamodb.BatchWriteItem"]
)
def test_dynamodb_throttling_is_retried_then_succeeds(aws_env, put_raw, run_pipeline, op):
    seen = inject("dynamodb", op, 2, DDB_THROTTLE)
    out = run_pipeline(put_raw(csv_text(good_row(1), good_row(2))))
    assert out["status"] == "LOADED" and seen["injected"] == 2


def test_persistent_throttling_surfaces_as_transient_error(aws_env, put_raw, run_step):
    payload = put_raw(csv_text(good_row(1)))
    inject("dynamodb", "dynamodb.PutItem", 10, DDB_THROTTLE)
    with pytest.raises(TransientError, match="ThrottlingException") as info:
        run_step("ingest", payload)
    assert info.value.retryable and type(info.value).__name__ == "TransientError"
    # the state machine retries later, when the table has capacity again
    aws.client("dynamodb").meta.events.unregister("before-send.dynamodb.PutItem")
    aws.reset_clients()
    assert run_step("ingest", payload)["status"] == "INGESTED"


def test_unprocessed_items_are_retried(aws_env, put_raw, run_step, monkeypatch):
    payload = put_raw(csv_text(*(good_row(i, currency=c) for i, c in enumerate(["USD", "EUR", "GBP", "JPY"]))))
    for step in ("ingest", "validate", "transform"):
        payload = run_step(step, payload)
    ddb = aws.client("dynamodb")
    real = ddb.batch_write_item
    calls = []

    def partial(**kw):
        calls.append(kw)
        items = kw["RequestItems"]["txn-jobs-test"]
        if len(calls) == 1:  # first call: only the first item is processed
            real(RequestItems={"txn-jobs-test": items[:1]})
            return {"UnprocessedItems": {"txn-jobs-test": items[1:]}}
        return real(**kw)

    monkeypatch.setattr(ddb, "batch_write_item", partial)
    out = run_step("load", payload)
    assert out["status"] == "LOADED" and len(calls) == 2
    assert len(calls[1]["RequestItems"]["txn-jobs-test"]) == len(calls[0]["RequestItems"]["txn-jobs-test"]) - 1
