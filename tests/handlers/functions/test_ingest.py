"""Functional (moto): ingest registers jobs idempotently and rejects unusable files."""

from __future__ import annotations

import gzip
import json

import pytest
from txn_pipeline.errors import InvalidFileError, PermanentError
from txn_pipeline.models import job_id_for

from tests.handlers.conftest import BUCKET, csv_text, good_row, job_item, load_event


def test_registers_job_with_size_format_checksum(aws_env, put_raw, run_step):
    payload = put_raw(csv_text(good_row(1)))
    out = run_step("ingest", payload)
    assert out["status"] == "INGESTED" and out["duplicate"] is False
    assert (out["format"], out["compression"]) == ("csv", "none")
    assert out["size"] == len(csv_text(good_row(1)))
    assert out["checksum"].startswith("ETAG:") or ":" in out["checksum"]
    item = job_item(aws_env, payload["job_id"])
    assert item["status"] == "INGESTED" and item["key"] == payload["key"] and item["expires_at"] > 0
    assert item["created_at"] == item["updated_at"]


def test_accepts_the_raw_eventbridge_event(aws_env, put_raw, run_step):
    payload = put_raw(csv_text(good_row(1)))
    event = load_event("s3_object_created")
    event["detail"]["bucket"]["name"] = BUCKET
    event["detail"]["object"].update({"key": payload["key"], "version-id": payload["version_id"]})
    out = run_step("ingest", event)
    assert out["job_id"] == payload["job_id"] == job_id_for(BUCKET, payload["key"], payload["version_id"])


def test_duplicate_event_is_a_no_op(aws_env, put_raw, run_step):
    payload = put_raw(csv_text(good_row(1)))
    first = run_step("ingest", payload)
    before = job_item(aws_env, payload["job_id"])
    second = run_step("ingest", payload)
    assert second["duplicate"] is True and second["status"] == "INGESTED"
    assert job_item(aws_env, payload["job_id"]) == before
    assert {k: v for k, v in first.items() if k != "duplicate"} == {k: v for k, v in second.items() if k != "duplicate"}


def test_gzip_jsonl_is_sniffed(aws_env, put_raw, run_step):
    line = json.dumps({"transaction_id": "j1", "amount": "1.00", "currency": "USD",
                       "timestamp": "2024-03-01T10:00:00Z", "merchant": "M", "status": "completed"})  # fmt: skip
    out = run_step("ingest", put_raw(line + "\n", key="raw/x.jsonl.gz", gz=True))
    assert (out["format"], out["compression"]) == ("jsonl", "gzip")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "unsupported binary file (png)"),
        (bytes(range(256)) * 4, "binary file (contains NUL bytes)"),
        (b"\xff\xfe\xfa garbage \xc3\x28 not utf-8 at all", "not UTF-8 text"),
        (b"<html><body>not a csv</body></html>\n", "CSV header is missing required columns"),
        (b"id;amount;currency\n1;2;3\n", "CSV header is missing required columns"),
        (b"{not json\n", "first line is not valid JSON"),
        (b"   \n\n", "empty file"),
        (gzip.compress(b"", mtime=0), "empty file"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt gzip data"),
    ],
)
def test_unusable_files_fail_permanently_but_are_registered(aws_env, put_raw, run_step, body, message):
    payload = put_raw(body)
    with pytest.raises(InvalidFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_step("ingest", payload)
    item = job_item(aws_env, payload["job_id"])
    assert item["status"] == "INGESTED" and item["format"] == "unrecognised"
    with pytest.raises(InvalidFileError):  # the state machine never gets that far, but validate agrees
        run_step("validate", payload)


def test_missing_object_is_permanent(aws_env, run_step):
    payload = load_event("state_input", bucket=BUCKET, key="raw/nope.csv", version_id="null",
                         job_id=job_id_for(BUCKET, "raw/nope.csv", "null"))  # fmt: skip
    with pytest.raises(PermanentError) as info:
        run_step("ingest", payload)
    assert type(info.value).__name__ == "PermanentError" and not info.value.retryable


def test_job_id_mismatch_is_rejected(aws_env, put_raw, run_step):
    payload = put_raw(csv_text(good_row(1)))
    payload["job_id"] = "0" * 64
    with pytest.raises(PermanentError, match="does not match"):
        run_step("ingest", payload)
