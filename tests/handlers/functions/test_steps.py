"""Functional (moto): validate, transform and load, including crashes mid-way and retries."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import namedtuple

import pytest
from boto3.dynamodb.conditions import Key
from txn_pipeline import jobstore, writers
from txn_pipeline.errors import ConsistencyError, FileTooLargeError, IllegalTransitionError

from tests.handlers.conftest import BUCKET, REPO, TABLE, csv_text, good_row, job_item, read_gz_jsonl, read_parquet_rows

GEN = [sys.executable, str(REPO / "tools" / "datagen.py")]


def generated(rows: int, bad: float, seed: int, *extra: str) -> tuple[bytes, dict]:
    proc = subprocess.run([*GEN, "--rows", str(rows), "--bad-ratio", str(bad), "--seed", str(seed), *extra],
                          capture_output=True, check=True)  # fmt: skip
    return proc.stdout, json.loads(proc.stderr)


def curated_rows(s3, keys):
    return [r for k in keys for r in read_parquet_rows(s3, k)]


def day_items(aws_env, job_id, days):
    table = aws_env["resource"].Table(TABLE)
    items = []
    for d in days:
        items += table.query(KeyConditionExpression=Key("pk").eq(f"DAY#{d}") & Key("sk").begins_with(f"JOB#{job_id}#"))[
            "Items"
        ]
    return items


def test_generated_file_with_every_kind_of_bad_row(aws_env, put_raw, run_pipeline):
    body, stats = generated(3000, 0.1, 11)
    payload = put_raw(body)
    out = run_pipeline(payload)
    assert out["rows_read"] == stats["rows"] == 3000
    assert out["rejected"] == stats["bad"]
    assert out["accepted"] + out["rejected"] == out["rows_read"]
    s3 = aws_env["s3"]
    q = read_gz_jsonl(s3, out["quarantine_key"])
    assert len(q) == out["rejected"] and len({r["row"] for r in q}) == len(q)
    assert {r["field"] for r in q} == {"*", "transaction_id", "amount", "currency", "timestamp", "merchant", "status"}
    assert all(set(r) == {"row", "field", "reason", "errors", "raw"} for r in q)
    rows = curated_rows(s3, out["curated_keys"])
    assert len(rows) == out["accepted"]
    assert len({r["transaction_id"] for r in rows}) == len(rows)
    assert sorted(r["row"] for r in q) == sorted({r["row"] for r in q}) and max(r["row"] for r in q) <= 3000


def test_jsonl_gzip_pipeline(aws_env, put_raw, run_pipeline):
    body, stats = generated(500, 0.05, 3, "--format", "jsonl")
    out = run_pipeline(put_raw(body, key="raw/t.jsonl.gz", gz=True))
    assert (out["format"], out["compression"]) == ("jsonl", "gzip")
    assert (out["rows_read"], out["rejected"]) == (500, stats["bad"])


def test_100k_rows_multipart_and_aggregates(aws_env, put_raw, run_pipeline, monkeypatch):
    import moto.s3.models

    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)
    monkeypatch.setattr(writers, "PART_SIZE", 256 * 1024)  # forces several multipart parts
    monkeypatch.setenv("ENGINE_THREADS", "2")
    body, stats = generated(100_000, 0.002, 5, "--days", "2")
    payload = put_raw(body, key="raw/big.csv.gz", gz=True)
    out = run_pipeline(payload)
    assert out["rows_read"] == 100_000 and out["rejected"] == stats["bad"]
    s3 = aws_env["s3"]
    rows = curated_rows(s3, out["curated_keys"])
    assert len(rows) == out["accepted"]
    assert len({r["transaction_id"] for r in rows}) == len(rows)
    items = day_items(aws_env, payload["job_id"], sorted({r["timestamp"][:10] for r in rows}))
    assert sum(int(i["count"]) for i in items) == out["accepted"]
    from decimal import Decimal

    for it in items:
        mine = [
            Decimal(r["amount"]) for r in rows if r["timestamp"][:10] == it["day"] and r["currency"] == it["currency"]
        ]
        assert Decimal(it["total"]) == sum(mine) and int(it["count"]) == len(mine)
    parts = [
        aws_env["s3"].head_object(Bucket=BUCKET, Key=k, PartNumber=1).get("PartsCount") for k in out["curated_keys"]
    ]
    assert any(p and p > 1 for p in parts)  # curated objects over one part went up as multipart uploads
    summary = job_item(aws_env, payload["job_id"], sk="SUMMARY")
    assert (summary["rows_read"], summary["accepted"], summary["rejected"]) == (100_000, out["accepted"], stats["bad"])


def test_duplicate_event_runs_are_no_ops(aws_env, put_raw, run_pipeline):
    payload = put_raw(csv_text(*(good_row(i) for i in range(20))))
    first = run_pipeline(payload)
    versions_before = aws_env["s3"].list_object_versions(Bucket=BUCKET)["Versions"]
    second = run_pipeline(payload)
    assert second["duplicate"] is True if "duplicate" in second else True
    assert {k: v for k, v in second.items() if k != "duplicate"} == {k: v for k, v in first.items() if k != "duplicate"}
    assert aws_env["s3"].list_object_versions(Bucket=BUCKET)["Versions"] == versions_before
    assert len(day_items(aws_env, payload["job_id"], ["2024-03-02"])) == 1


class Crash(Exception):
    pass


def _bad_rows(n: int) -> list[str]:
    return [good_row(i) if i % 4 else f"tx-{i:06d},oops,USD,2024-03-02T10:00:00Z,S,completed" for i in range(n)]


Usage = namedtuple("Usage", "total used free")


def test_file_too_large_for_ephemeral_storage_fails_by_name_and_leaves_nothing(aws_env, put_raw, run_step, monkeypatch):
    rows = [good_row(i) for i in range(3000)]
    payload = run_step("ingest", put_raw(csv_text(*rows)))
    size = aws_env["s3"].head_object(Bucket=BUCKET, Key=payload["key"])["ContentLength"]
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10 << 30, 10 << 30, 64 * 2**20 + size))
    with pytest.raises(FileTooLargeError) as exc:
        run_step("validate", payload)
    mib = size / 2**20
    assert str(exc.value) == (
        f"the file is {mib:.1f} MiB: spooling it and the engine's working space need about {mib * 2.5:.1f} MiB of "
        f"ephemeral storage, this function has {mib:.1f} MiB free; raise the function's ephemeral_storage "
        "(up to 10,240 MiB) or split the file"
    )
    assert job_item(aws_env, payload["job_id"])["status"] == "INGESTED"  # the state machine's Catch marks FAILED
    assert aws_env["s3"].list_objects_v2(Bucket=BUCKET, Prefix="quarantine/")["KeyCount"] == 0
    monkeypatch.setattr(shutil, "disk_usage", real)
    out = run_step("validate", payload)
    assert (out["rows_read"], out["accepted"], out["rejected"]) == (3000, 3000, 0)


def test_gzip_that_inflates_beyond_ephemeral_storage_fails_while_spooling(aws_env, put_raw, run_step, monkeypatch):
    payload = run_step("ingest", put_raw(csv_text(*(good_row(i) for i in range(20_000))), gz=True))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10 << 30, 10 << 30, 64 * 2**20 + 2**20))
    with pytest.raises(FileTooLargeError, match="decompressed file is larger than the 1 MiB of ephemeral storage"):
        run_step("validate", payload)
    assert job_item(aws_env, payload["job_id"])["status"] == "INGESTED"


def test_validate_retry_after_crash_mid_stream(aws_env, put_raw, run_step, monkeypatch):
    payload = run_step("ingest", put_raw(csv_text(*_bad_rows(400))))
    calls = {"n": 0}
    original = writers.QuarantineWriter.__call__

    def flaky(self, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 50:
            raise Crash("lambda died")
        return original(self, *a, **kw)

    monkeypatch.setattr(writers.QuarantineWriter, "__call__", flaky)
    with pytest.raises(Exception, match="lambda died"):
        run_step("validate", payload)
    assert job_item(aws_env, payload["job_id"])["status"] == "INGESTED"
    monkeypatch.setattr(writers.QuarantineWriter, "__call__", original)
    out = run_step("validate", payload)
    assert (out["rows_read"], out["accepted"], out["rejected"]) == (400, 300, 100)
    q = read_gz_jsonl(aws_env["s3"], out["quarantine_key"])
    assert sorted(r["row"] for r in q) == list(range(1, 401, 4))


def test_transform_retry_after_crash_between_objects(aws_env, put_raw, run_step, monkeypatch):
    rows = [good_row(i, day=f"2024-03-0{1 + i % 3}") for i in range(300)]
    payload = run_step("validate", run_step("ingest", put_raw(csv_text(*rows))))
    original = writers.upload_file
    state = {"n": 0}

    def upload_then_crash(*args, **kwargs):
        key = original(*args, **kwargs)
        state["n"] += 1
        if state["n"] == 2:
            raise Crash("timeout after the second object")
        return key

    monkeypatch.setattr(writers, "upload_file", upload_then_crash)
    with pytest.raises(Exception, match="timeout"):
        run_step("transform", payload)
    assert job_item(aws_env, payload["job_id"])["status"] == "VALIDATED"
    monkeypatch.setattr(writers, "upload_file", original)
    out = run_step("transform", payload)
    got = curated_rows(aws_env["s3"], out["curated_keys"])
    assert sorted(r["transaction_id"] for r in got) == sorted(f"tx-{i:06d}" for i in range(300))
    keys = [o["Key"] for o in aws_env["s3"].list_objects_v2(Bucket=BUCKET, Prefix="curated/date=")["Contents"]]
    assert sorted(keys) == out["curated_keys"]


def test_load_retry_after_crash_before_status_update(aws_env, put_raw, run_step, monkeypatch):
    payload = put_raw(csv_text(*(good_row(i, currency=("USD", "EUR")[i % 2]) for i in range(40))))
    for step in ("ingest", "validate", "transform"):
        payload = run_step(step, payload)
    original = jobstore.JobStore.transition

    def crash(self, job_id, src, dst, fields):
        raise Crash("died after batch write")

    monkeypatch.setattr(jobstore.JobStore, "transition", crash)
    with pytest.raises(Exception, match="died"):
        run_step("load", payload)
    monkeypatch.setattr(jobstore.JobStore, "transition", original)
    out = run_step("load", payload)
    assert out["status"] == "LOADED" and out["aggregates_written"] == 2
    items = day_items(aws_env, payload["job_id"], ["2024-03-02"])
    got = sorted((i["currency"], int(i["count"]), i["total"]) for i in items)
    assert got == [("EUR", 20, "200.00"), ("USD", 20, "200.00")]


def test_ingest_retry_after_crash_after_register(aws_env, put_raw, run_step, monkeypatch):
    payload = put_raw(csv_text(good_row(1)))
    original = jobstore.JobStore.register

    def register_then_crash(self, job_id, fields):
        original(self, job_id, fields)
        raise Crash("died after put")

    monkeypatch.setattr(jobstore.JobStore, "register", register_then_crash)
    with pytest.raises(Exception, match="died"):
        run_step("ingest", payload)
    monkeypatch.setattr(jobstore.JobStore, "register", original)
    out = run_step("ingest", payload)
    assert out["status"] == "INGESTED" and out["duplicate"] is True
    assert run_step("load", run_step("transform", run_step("validate", out)))["status"] == "LOADED"


def test_out_of_order_step_is_illegal(aws_env, put_raw, run_step):
    payload = run_step("ingest", put_raw(csv_text(good_row(1))))
    with pytest.raises(IllegalTransitionError, match="is INGESTED, expected TRANSFORMED"):
        run_step("load", payload)


def test_failed_job_blocks_later_steps_and_alerts_once(aws_env, put_raw, run_step):
    payload = run_step("ingest", put_raw(csv_text(good_row(1))))
    ddb = aws_env["ddb"]

    def state_machine_marks_failed() -> bool:  # the native DynamoDB task of the failure path
        try:
            ddb.update_item(
                TableName=TABLE,
                Key={"pk": {"S": f"JOB#{payload['job_id']}"}, "sk": {"S": "JOB"}},
                UpdateExpression="SET #status = :failed, failed_step = :s, #error = :e, #cause = :c",
                ConditionExpression="attribute_not_exists(#status) OR #status <> :failed",
                ExpressionAttributeNames={"#status": "status", "#error": "error", "#cause": "cause"},
                ExpressionAttributeValues={
                    ":failed": {"S": "FAILED"},
                    ":s": {"S": "validate"},
                    ":e": {"S": "TransientError"},
                    ":c": {"S": "boom"},
                },
            )
            return True
        except ddb.exceptions.ConditionalCheckFailedException:
            return False

    assert state_machine_marks_failed() is True
    assert state_machine_marks_failed() is False  # so only one SNS alert
    with pytest.raises(IllegalTransitionError, match="FAILED"):
        run_step("validate", payload)
    item = job_item(aws_env, payload["job_id"])
    assert (item["status"], item["failed_step"], item["error"]) == ("FAILED", "validate", "TransientError")


def test_object_changed_since_ingest_is_a_consistency_error(aws_env, put_raw, run_step):
    payload = put_raw(csv_text(good_row(1)), key="raw/unversioned.csv")
    payload = run_step("ingest", {**payload, "version_id": "null", "job_id": None})
    aws_env["s3"].put_object(Bucket=BUCKET, Key="raw/unversioned.csv", Body=csv_text(good_row(2)).encode())
    with pytest.raises(ConsistencyError):
        run_step("validate", payload)


def _log_to_captured_stdout(app, monkeypatch):
    """Point a handler's Powertools logger at the stdout pytest is capturing now, at INFO."""
    handler = app.LOG.registered_handler
    monkeypatch.setattr(handler, "stream", sys.stdout)
    app.LOG.setLevel("INFO")


def test_logs_and_metrics_are_structured(aws_env, put_raw, run_step, apps, capsys, monkeypatch):
    payload = run_step("ingest", put_raw(csv_text(good_row(1), "x,bad,USD,2024-03-02T10:00:00Z,S,completed")))
    capsys.readouterr()
    _log_to_captured_stdout(apps["validate"], monkeypatch)
    run_step("validate", payload)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    emf = [line for line in lines if "_aws" in line]
    assert len(emf) == 1
    assert (emf[0]["RowsRead"], emf[0]["RowsAccepted"], emf[0]["RowsRejected"]) == ([2.0], [1.0], [1.0])
    assert emf[0]["BytesProcessed"][0] > 0 and emf[0]["EngineDuration"][0] >= 0 and emf[0]["StepDuration"][0] > 0
    names = {m["Name"]: m["Unit"] for m in emf[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert (
        names["RowsAccepted"] == "Count"
        and names["BytesProcessed"] == "Bytes"
        and names["StepDuration"] == "Milliseconds"
    )
    logs = [line for line in lines if "message" in line]
    assert {(r["message"], r["step"], r["job_id"]) for r in logs} >= {
        ("validated", "validate", payload["job_id"]),
        ("step succeeded", "validate", payload["job_id"]),
    }
    validated = next(r for r in logs if r["message"] == "validated")
    assert (validated["rows_read"], validated["accepted"], validated["rejected"]) == (2, 1, 1)


def test_long_passes_log_progress_with_size_rate_and_phase(aws_env, put_raw, run_step, apps, capsys, monkeypatch):
    body, _ = generated(20_000, 0.01, 5)  # ~1.9 MB: several reads of the object
    payload = run_step("ingest", put_raw(body))
    monkeypatch.setenv("PROGRESS_EVERY_S", "0")  # a line on every read
    capsys.readouterr()
    _log_to_captured_stdout(apps["validate"], monkeypatch)
    run_step("validate", payload)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    progress = [line for line in lines if line.get("message") == "progress"]
    assert len(progress) >= 2
    assert all(p["step"] == "validate" and p["job_id"] == payload["job_id"] for p in progress)
    assert all(p["phase"] == "download" and p["total_bytes"] == len(body) for p in progress)
    reads = [p["bytes_read"] for p in progress]
    assert reads == sorted(reads) and reads[-1] == len(body) and progress[-1]["percent"] == 100.0
    assert {"mib_per_s", "elapsed_s", "eta_s"} <= set(progress[-1])
