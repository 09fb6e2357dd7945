"""The issue's end-to-end scenarios against the stack deployed on MiniStack (one deployment per session).

Each test uploads its own object under raw/ and follows the execution the S3 -> EventBridge
trigger starts (``RunResult.triggered_by`` says if the harness had to start it explicitly).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from emulator.demo import generate
from ops.pipeline import AlertInbox, Pipeline, athena_query, daily_totals_sql, object_created_event, totals_match

pytestmark = pytest.mark.e2e


def _unique(name: str) -> str:
    return f"raw/e2e/{time.strftime('%H%M%S')}-{time.perf_counter_ns() % 10**6}-{name}"


def _file(tmp_path: Path, *, rows: int, bad_ratio: float, seed: int) -> tuple[bytes, dict[str, int]]:
    path = tmp_path / "transactions.csv"
    report = generate(path, rows=rows, bad_ratio=bad_ratio, seed=seed)
    return path.read_bytes(), report


def _function(pipeline: Pipeline, step: str) -> str:
    names = [f["FunctionName"] for f in pipeline.emulator.boto3_client("lambda").list_functions()["Functions"]]
    (name,) = [n for n in names if n.startswith(f"lambda-{step}-")]
    return name


def test_clean_file_is_loaded(pipeline: Pipeline, inbox: AlertInbox, tmp_path: Path) -> None:
    body, report = _file(tmp_path, rows=500, bad_ratio=0.0, seed=11)
    result = pipeline.run(_unique("clean.csv"), body, inbox=inbox)
    assert result.triggered_by == "eventbridge"
    assert result.status == "SUCCEEDED", result.error
    assert [s.status for s in result.steps] == ["SUCCEEDED"] * 4
    assert result.job_item is not None and result.job_item["status"] == "LOADED"
    assert (result.job_item["rows_read"], result.job_item["accepted"], result.job_item["rejected"]) == (500, 500, 0)
    assert result.quarantine_keys == []
    assert result.curated_keys and all(k.startswith("curated/") for k in result.curated_keys)
    assert result.alerts == []
    assert (report["rows"], report["bad"]) == (500, 0)


def test_bad_rows_are_quarantined_with_exact_counts(pipeline: Pipeline, inbox: AlertInbox, tmp_path: Path) -> None:
    body, report = _file(tmp_path, rows=1000, bad_ratio=0.05, seed=7)
    result = pipeline.run(_unique("bad-rows.csv"), body, inbox=inbox)
    assert result.status == "SUCCEEDED", result.error
    item = result.job_item
    assert item is not None and item["status"] == "LOADED"
    assert item["rows_read"] == report["rows"] == 1000
    assert item["rejected"] == report["bad"] > 0
    assert item["accepted"] == 1000 - report["bad"]
    assert result.quarantine_keys == [f"quarantine/{result.job_id}/rejected.jsonl.gz"]
    assert item["quarantine_key"] == result.quarantine_keys[0]
    quarantined = pipeline.s3.get_object(Bucket=pipeline.exports.bucket, Key=result.quarantine_keys[0])["Body"].read()
    import gzip

    assert len(gzip.decompress(quarantined).splitlines()) == report["bad"]
    assert result.alerts == []


def test_athena_reads_the_curated_parquet_of_a_loaded_job(
    pipeline: Pipeline, inbox: AlertInbox, tmp_path: Path
) -> None:
    path = tmp_path / "athena.csv"
    report = generate(path, rows=800, bad_ratio=0.05, seed=21, start_day=20)  # days no other test loads
    result = pipeline.run(_unique("athena.csv"), path.read_bytes(), inbox=inbox)
    assert result.status == "SUCCEEDED", result.error
    manifest = pipeline.manifest(result)
    parquet = [k for k in result.curated_keys if k.endswith(".parquet")]
    assert parquet == sorted(manifest["curated_keys"]) and all(k.endswith(f"/{result.job_id}.parquet") for k in parquet)
    days = sorted({a["day"] for a in manifest["aggregates"]})
    assert {"2024-03-20", "2024-03-22"} <= set(days) <= {f"2024-03-{d}" for d in range(19, 24)}  # offsets shift a few
    query = athena_query(pipeline.emulator, pipeline.exports, daily_totals_sql(pipeline.exports, days))
    assert query.state == "SUCCEEDED", query.reason
    assert query.columns == ["day", "currency", "transactions", "total"]
    assert sum(int(r[2]) for r in query.rows) == 800 - report["bad"]
    assert totals_match(query, manifest["aggregates"])
    assert query.output_location.startswith(f"s3://{pipeline.exports.bucket}/athena-results/")


def test_garbage_file_fails_with_one_alert(pipeline: Pipeline, inbox: AlertInbox) -> None:
    body = bytes(range(256)) * 40  # not CSV, not JSON Lines, not gzip
    result = pipeline.run(_unique("garbage.bin"), body, inbox=inbox)
    assert result.status == "FAILED"
    assert result.error is not None and result.error["error"] == "JobFailed"
    assert result.job_item is not None and result.job_item["status"] == "FAILED"
    assert result.job_item["failed_step"] == "ingest"
    assert result.job_item["error"] == "InvalidFileError"  # the handler's exception class, not Runtime.HandlerError
    assert len(result.alerts) == 1
    alert = json.loads(result.alerts[0]["Message"])
    assert alert["job_id"] == result.job_id and alert["step"] == "ingest"
    assert result.curated_keys == [] and result.quarantine_keys == []


def test_transient_fault_is_retried_then_loaded(pipeline: Pipeline, inbox: AlertInbox, tmp_path: Path) -> None:
    body, report = _file(tmp_path, rows=300, bad_ratio=0.02, seed=3)
    pipeline.emulator.inject_faults(_function(pipeline, "validate"), count=2, error="TransientError")
    result = pipeline.run(_unique("transient.csv"), body, inbox=inbox)
    assert result.status == "SUCCEEDED", result.error
    validate = next(s for s in result.steps if s.name == "Validate")
    assert validate.attempts == 3 and validate.status == "SUCCEEDED" and validate.error == "TransientError"
    events = pipeline.history(result.execution_arn)
    failures = [e for e in events if e["type"] == "TaskFailed"]
    assert [f["taskFailedEventDetails"]["error"] for f in failures] == ["TransientError", "TransientError"]
    assert result.job_item is not None and result.job_item["status"] == "LOADED"
    assert result.job_item["rejected"] == report["bad"]
    assert result.alerts == []


def test_same_object_twice_is_one_job_without_duplicate_output(
    pipeline: Pipeline, inbox: AlertInbox, tmp_path: Path
) -> None:
    body, _ = _file(tmp_path, rows=400, bad_ratio=0.05, seed=5)
    first = pipeline.run(_unique("twice.csv"), body, inbox=inbox)
    assert first.status == "SUCCEEDED", first.error
    bucket = pipeline.exports.bucket

    def versions() -> list[tuple[str, str]]:
        listing = pipeline.s3.list_object_versions(Bucket=bucket, Prefix="curated/")
        return sorted((v["Key"], v["VersionId"]) for v in listing.get("Versions", []) if first.job_id in v["Key"])

    before = versions()
    # The same S3 event delivered again (EventBridge delivers at least once).
    head = pipeline.s3.head_object(Bucket=bucket, Key=first.key, VersionId=first.version_id)
    event = object_created_event(bucket, first.key, first.version_id, head["ContentLength"], head["ETag"].strip('"'))
    again = pipeline.start(event, first.job_id)
    described = pipeline.wait(again, timeout=120)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["job_id"] == first.job_id
    assert versions() == before, "the second delivery rewrote curated output"
    items = pipeline.ddb.query(
        TableName=pipeline.exports.table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"JOB#{first.job_id}"}},
    )["Items"]
    assert sorted(i["sk"]["S"] for i in items) == ["JOB", "SUMMARY"]
    assert pipeline.job_item(first.job_id)["status"] == "LOADED"  # type: ignore[index]
    assert inbox.drain(wait_seconds=1) == []
