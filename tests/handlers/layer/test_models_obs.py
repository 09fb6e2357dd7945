"""Unit: job id contract, settings, logger and EMF metrics."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from txn_pipeline.config import Settings
from txn_pipeline.errors import ConfigurationError
from txn_pipeline.models import job_id_for
from txn_pipeline.obs import Logger, Metrics, Progress


def test_job_id_matches_the_state_machine_formula():
    expected = hashlib.sha256(b"bkt/raw/a b.csv#v1").hexdigest()
    assert job_id_for("bkt", "raw/a b.csv", "v1") == expected
    assert job_id_for("bkt", "k", None) == job_id_for("bkt", "k", "null") == hashlib.sha256(b"bkt/k#null").hexdigest()


def test_settings_from_env():
    s = Settings.from_env({"TABLE_NAME": "t", "DATA_BUCKET": "b", "CHUNK_ROWS": "500", "LOG_LEVEL": "debug"})
    assert (s.table_name, s.data_bucket, s.chunk_rows, s.log_level) == ("t", "b", 500, "DEBUG")
    with pytest.raises(ConfigurationError, match="TABLE_NAME"):
        Settings.from_env({"DATA_BUCKET": "b"})
    with pytest.raises(ConfigurationError):
        Settings.from_env({"TABLE_NAME": "t", "DATA_BUCKET": "b", "CHUNK_ROWS": "0"})


def test_dedupe_budget_from_env():
    base = {"TABLE_NAME": "t", "DATA_BUCKET": "b"}
    assert Settings.from_env(base).dedupe_max_bytes is None  # outside Lambda: no limit
    assert Settings.from_env({**base, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"}).dedupe_max_bytes == 512 << 20
    explicit = {**base, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024", "DEDUPE_MEMORY_MB": "0.5"}
    assert Settings.from_env(explicit).dedupe_max_bytes == 512 << 10
    with pytest.raises(ConfigurationError, match="DEDUPE_MEMORY_MB must be a number of MiB, got 'lots'"):
        Settings.from_env({**base, "DEDUPE_MEMORY_MB": "lots"})
    with pytest.raises(ConfigurationError, match="AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be > 0"):
        Settings.from_env({**base, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "0"})


def test_logger_emits_one_json_object_per_line_with_context():
    out = io.StringIO()
    log = Logger("validate", "INFO", stream=out)
    log.bind(job_id="j1", step="validate")
    log.debug("hidden")
    log.info("hello", rows=3)
    try:
        raise ValueError("boom")
    except ValueError as exc:
        log.error("failed", exc=exc)
    recs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["message"] for r in recs] == ["hello", "failed"]
    assert recs[0]["job_id"] == "j1" and recs[0]["step"] == "validate" and recs[0]["rows"] == 3
    assert recs[1]["error_type"] == "ValueError" and "boom" in recs[1]["stack"]


def test_metrics_emf_document():
    out = io.StringIO()
    m = Metrics("TxnPipeline", "validate", stream=out)
    m.add("RowsAccepted", 2)
    m.add("RowsAccepted", 3)
    m.add("BytesProcessed", 10, "Bytes")
    doc = json.loads(out.getvalue()) if m.flush() else None
    assert doc["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "TxnPipeline"
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]
    assert doc["RowsAccepted"] == 5 and doc["BytesProcessed"] == 10 and doc["service"] == "validate"
    assert m.flush() is None


def test_progress_logs_at_most_every_interval_with_rate_and_eta():
    out = io.StringIO()
    log = Logger("validate", "INFO", stream=out)
    log.bind(job_id="j1", step="validate")
    now = [100.0]
    progress = Progress(log, 400 << 20, every_s=10.0, fields=lambda: {"rows_read": 7}, clock=lambda: now[0])
    for t, read in ((5.0, 10 << 20), (10.0, 100 << 20), (15.0, 150 << 20), (20.0, 200 << 20)):
        now[0] = 100.0 + t
        progress(read)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [{k: v for k, v in rec.items() if k not in ("timestamp", "level", "service")} for rec in lines] == [
        {"message": "progress", "job_id": "j1", "step": "validate", "bytes_read": 100 << 20, "elapsed_s": 10.0,
         "total_bytes": 400 << 20, "percent": 25.0, "mib_per_s": 10.0, "eta_s": 30, "rows_read": 7},
        {"message": "progress", "job_id": "j1", "step": "validate", "bytes_read": 200 << 20, "elapsed_s": 20.0,
         "total_bytes": 400 << 20, "percent": 50.0, "mib_per_s": 10.0, "eta_s": 20, "rows_read": 7},
    ]  # fmt: skip
    assert progress.lines == 2


def test_progress_without_a_known_size_has_no_percent_or_eta():
    out = io.StringIO()
    progress = Progress(Logger("transform", "INFO", stream=out), None, every_s=0.0, clock=lambda: 1.0)
    progress(5)
    (rec,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rec["bytes_read"] == 5 and not {"percent", "eta_s", "total_bytes"} & set(rec)


def test_progress_setting():
    base = {"TABLE_NAME": "t", "DATA_BUCKET": "b"}
    assert Settings.from_env(base).progress_every_s == 15.0
    assert Settings.from_env({**base, "PROGRESS_EVERY_S": "2.5"}).progress_every_s == 2.5
    with pytest.raises(ConfigurationError, match="PROGRESS_EVERY_S must be >= 0"):
        Settings.from_env({**base, "PROGRESS_EVERY_S": "-1"})
