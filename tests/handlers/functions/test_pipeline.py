"""Functional: the four handlers in sequence against moto."""

from __future__ import annotations

from tests.handlers.conftest import BUCKET, csv_text, good_row, job_item, read_gz_jsonl, read_parquet_rows


def test_happy_path_end_to_end(aws_env, put_raw, run_pipeline):
    rows = [good_row(i, day=("2024-03-01" if i % 2 else "2024-03-02")) for i in range(10)]
    rows.append("bad-1,12.345,USD,2024-03-01T10:00:00Z,Shop,completed")
    payload = put_raw(csv_text(*rows))
    out = run_pipeline(payload)
    assert out["status"] == "LOADED"
    assert (out["rows_read"], out["accepted"], out["rejected"]) == (11, 10, 1)
    assert out["curated_keys"] == [
        f"curated/date=2024-03-01/{payload['job_id']}.parquet",
        f"curated/date=2024-03-02/{payload['job_id']}.parquet",
    ]
    s3 = aws_env["s3"]
    curated = [r for k in out["curated_keys"] for r in read_parquet_rows(s3, k)]
    assert sorted(r["transaction_id"] for r in curated) == [f"tx-{i:06d}" for i in range(10)]
    assert {(r["amount"], r["currency"], r["status"]) for r in curated} == {("10.0000", "USD", "completed")}
    head = s3.head_object(Bucket=BUCKET, Key=out["curated_keys"][0])
    assert head["ContentType"] == "application/vnd.apache.parquet"
    q = read_gz_jsonl(s3, out["quarantine_key"])
    assert [(r["row"], r["field"], r["reason"]) for r in q] == [
        (11, "amount", "more than 2 decimal places for this currency")
    ]
    job = job_item(aws_env, payload["job_id"])
    assert job["status"] == "LOADED"
    day = (
        aws_env["resource"]
        .Table("txn-jobs-test")
        .get_item(Key={"pk": "DAY#2024-03-01", "sk": f"JOB#{payload['job_id']}#USD"})["Item"]
    )
    assert (day["count"], day["total"]) == (5, "50.00")
    assert BUCKET
