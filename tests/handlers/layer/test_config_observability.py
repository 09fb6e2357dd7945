"""Unit: job id contract, settings, Powertools logger and metrics, progress lines."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from pathlib import Path

import pytest
from txn_pipeline import observability
from txn_pipeline.config import ENGINE_MEMORY_SHARE, Settings
from txn_pipeline.errors import ConfigurationError
from txn_pipeline.models import job_id_for

BASE = {"TABLE_NAME": "t", "DATA_BUCKET": "b"}


def test_job_id_matches_the_state_machine_formula():
    expected = hashlib.sha256(b"bkt/raw/a b.csv#v1").hexdigest()
    assert job_id_for("bkt", "raw/a b.csv", "v1") == expected
    assert job_id_for("bkt", "k", None) == job_id_for("bkt", "k", "null") == hashlib.sha256(b"bkt/k#null").hexdigest()


def test_settings_from_env():
    s = Settings.from_env({**BASE, "LOG_LEVEL": "debug", "ENGINE_THREADS": "2", "WORK_DIR": "/scratch"})
    assert (s.table_name, s.data_bucket, s.log_level, s.engine_threads, s.work_dir) == (
        "t",
        "b",
        "DEBUG",
        2,
        Path("/scratch"),
    )
    with pytest.raises(ConfigurationError, match="TABLE_NAME"):
        Settings.from_env({"DATA_BUCKET": "b"})
    with pytest.raises(ConfigurationError, match="ENGINE_THREADS must be >= 1"):
        Settings.from_env({**BASE, "ENGINE_THREADS": "0"})


def test_engine_memory_is_derived_from_the_function_memory():
    assert Settings.from_env(BASE).engine_memory_mb is None  # outside Lambda: DuckDB's own default
    assert Settings.from_env({**BASE, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1769"}).engine_memory_mb == int(
        1769 * ENGINE_MEMORY_SHARE
    )
    assert Settings.from_env({**BASE, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "100"}).engine_memory_mb == 64  # floor
    explicit = {**BASE, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1769", "ENGINE_MEMORY_MB": "300"}
    assert Settings.from_env(explicit).engine_memory_mb == 300
    with pytest.raises(ConfigurationError, match="ENGINE_MEMORY_MB must be a number of MB, got 'lots'"):
        Settings.from_env({**BASE, "ENGINE_MEMORY_MB": "lots"})
    with pytest.raises(ConfigurationError, match="AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be > 0"):
        Settings.from_env({**BASE, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "0"})


def test_progress_setting():
    assert Settings.from_env(BASE).progress_every_s == 15.0
    assert Settings.from_env({**BASE, "PROGRESS_EVERY_S": "2.5"}).progress_every_s == 2.5
    with pytest.raises(ConfigurationError, match="PROGRESS_EVERY_S must be >= 0"):
        Settings.from_env({**BASE, "PROGRESS_EVERY_S": "-1"})


def logger_to(out: io.StringIO, service: str) -> observability.Logger:
    """A Logger writing to ``out`` (Powertools shares one logging.Logger per service name: one name per test)."""
    return observability.Logger(service=service, level="INFO", logger_handler=logging.StreamHandler(out))


def test_logger_emits_one_json_object_per_line_with_step_and_job():
    out = io.StringIO()
    log = logger_to(out, "validate-log-test")
    log.append_keys(job_id="j1", step="validate")
    log.debug("hidden")
    log.info("hello", rows=3)
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed", error_class="PermanentError")
    recs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["message"] for r in recs] == ["hello", "failed"]
    assert {k: recs[0][k] for k in ("level", "service", "job_id", "step", "rows")} == {
        "level": "INFO", "service": "validate-log-test", "job_id": "j1", "step": "validate", "rows": 3,
    }  # fmt: skip
    assert recs[1]["exception_name"] == "ValueError" and "boom" in recs[1]["exception"]
    assert recs[1]["error_class"] == "PermanentError"


def test_metrics_are_one_emf_document(capsys, monkeypatch):
    monkeypatch.setenv("ENVIRONMENT_SUFFIX", "dev")
    m = observability.metrics("validate")
    m.add_metric(name="RowsAccepted", unit=observability.MetricUnit.Count, value=5)
    m.add_metric(name="BytesProcessed", unit=observability.MetricUnit.Bytes, value=10)
    m.flush_metrics()
    (line,) = capsys.readouterr().out.splitlines()
    doc = json.loads(line)
    (cw,) = doc["_aws"]["CloudWatchMetrics"]
    assert cw["Namespace"] == "TxnPipeline" and sorted(cw["Dimensions"][0]) == ["environment", "service"]
    assert {m["Name"]: m["Unit"] for m in cw["Metrics"]} == {"RowsAccepted": "Count", "BytesProcessed": "Bytes"}
    assert (doc["RowsAccepted"], doc["BytesProcessed"], doc["service"], doc["environment"]) == (
        [5.0],
        [10.0],
        "validate",
        "dev",
    )


def test_tracer_is_off_outside_lambda():
    assert observability.tracer("validate").disabled is True


def test_progress_logs_at_most_every_interval_with_rate_and_eta():
    out = io.StringIO()
    log = logger_to(out, "validate-progress-test")
    log.append_keys(job_id="j1", step="validate")
    now = [100.0]
    progress = observability.Progress(log, 400 << 20, every_s=10.0, fields=lambda: {"x": 7}, clock=lambda: now[0])
    for t, read in ((5.0, 10 << 20), (10.0, 100 << 20), (15.0, 150 << 20), (20.0, 200 << 20)):
        now[0] = 100.0 + t
        progress.bytes(read)
    now[0] = 131.0
    progress.percent("load", 42.04)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    keep = ("message", "job_id", "step", "phase", "bytes_read", "elapsed_s", "total_bytes", "percent", "mib_per_s",
            "eta_s", "x")  # fmt: skip
    assert [{k: rec[k] for k in keep if k in rec} for rec in lines] == [
        {"message": "progress", "job_id": "j1", "step": "validate", "phase": "download", "bytes_read": 100 << 20,
         "elapsed_s": 10.0, "total_bytes": 400 << 20, "percent": 25.0, "mib_per_s": 10.0, "eta_s": 30, "x": 7},
        {"message": "progress", "job_id": "j1", "step": "validate", "phase": "download", "bytes_read": 200 << 20,
         "elapsed_s": 20.0, "total_bytes": 400 << 20, "percent": 50.0, "mib_per_s": 10.0, "eta_s": 20, "x": 7},
        {"message": "progress", "job_id": "j1", "step": "validate", "phase": "load", "percent": 42.0,
         "elapsed_s": 31.0, "x": 7},
    ]  # fmt: skip
    assert progress.lines == 3


def test_progress_without_a_known_size_has_no_percent_or_eta():
    out = io.StringIO()
    progress = observability.Progress(logger_to(out, "transform-progress-test"), None, every_s=0.0, clock=lambda: 1.0)
    progress.bytes(5)
    (rec,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rec["bytes_read"] == 5 and not {"percent", "eta_s", "total_bytes"} & set(rec)
