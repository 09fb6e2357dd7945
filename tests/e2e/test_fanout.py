"""Large objects on MiniStack: the fan-out path (Plan -> Map over ranges -> Map over partitions -> Merge -> Load)
against the single-function path for the same bytes, a worker crash during a range, a permanent error in one.

The deployment synthesizes the stack with ``emulator.fanout_settings.EMULATOR_FANOUT``: files over 200 kB fan out
in ~24 kB ranges. The single-function reference is the same bytes gzip-compressed (compressed objects are never
split), so both runs read identical rows.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from txn_pipeline import fanout as fo

from emulator.fanout_settings import EMULATOR_FANOUT
from ops.pipeline import AlertInbox, Pipeline, RunResult
from stack.steps import FANOUT, SINGLE_PATH
from tools.datagen import generate

pytestmark = pytest.mark.e2e

RANGE_BYTES = int(EMULATOR_FANOUT["FANOUT_RANGE_BYTES"])
THRESHOLD = int(EMULATOR_FANOUT["FANOUT_THRESHOLD_BYTES"])
FANOUT_STATES = [*(s.map_state or s.state for s in FANOUT), SINGLE_PATH[-1].state]


def _unique(name: str) -> str:
    return f"raw/e2e/{time.strftime('%H%M%S')}-{time.perf_counter_ns() % 10**6}-{name}"


def _ranges(data: bytes) -> list[fo.ByteRange]:
    """The plan the planning step makes of ``data`` (same rule, same range size)."""

    def find(offset: int, limit: int) -> int | None:
        found = data.find(b"\n", offset, offset + limit)
        return found if found >= 0 else None

    return fo.plan_ranges(len(data), header_end=data.index(b"\n") + 1, range_bytes=RANGE_BYTES, find=find)


def _range_of(ranges: list[fo.ByteRange], offset: int) -> int:
    return next(r.index for r in ranges if r.start <= offset < r.end)


def large_file(*, seed: int, rows: int = 3400) -> tuple[bytes, dict[str, Any]]:
    """A CSV over the threshold with bad rows throughout and valid ids repeated after later range boundaries."""
    out = io.BytesIO()
    report = generate(out, rows=rows, bad_ratio=0.05, seed=seed)
    lines = out.getvalue().splitlines(keepends=True)
    rng = random.Random(seed)
    ranges = _ranges(out.getvalue())
    # Right after every other boundary, repeat a valid row from the range before it: the first occurrence
    # and the duplicate then sit in different ranges (and are compared in one hash partition).
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    placed = []
    for boundary in reversed([r.start for r in ranges[1:]][::2]):
        at = next(i for i, o in enumerate(offsets) if o >= boundary)
        candidates = [i for i in range(max(1, at - 40), at) if b"Store," in lines[i] and b'"' not in lines[i]]
        source = rng.choice(candidates)
        lines.insert(at + 1, lines[source])
        placed.append(source)
    data = b"".join(lines)
    assert len(data) > THRESHOLD
    return data, {**report, "duplicates_placed": len(placed), "ranges": _ranges(data)}


def _quarantine(pipeline: Pipeline, result: RunResult) -> list[dict[str, Any]]:
    if not result.quarantine_keys:
        return []
    body = pipeline.s3.get_object(Bucket=pipeline.exports.bucket, Key=result.quarantine_keys[0])["Body"].read()
    return [json.loads(line) for line in gzip.decompress(body).splitlines()]


def _curated(pipeline: Pipeline, result: RunResult, tmp_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each UTC day's curated records, from every Parquet object the job wrote (order does not matter)."""
    by_day: dict[str, list[tuple[Any, ...]]] = {}
    for n, key in enumerate(k for k in result.curated_keys if k.endswith(".parquet")):
        path = tmp_path / f"{result.job_id[:8]}-{n}.parquet"
        path.write_bytes(pipeline.s3.get_object(Bucket=pipeline.exports.bucket, Key=key)["Body"].read())
        rows = duckdb.execute(
            "SELECT transaction_id, CAST(amount AS VARCHAR), CAST(currency AS VARCHAR), "
            "strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%fZ'), merchant, CAST(status AS VARCHAR), "
            f"CAST(extra AS VARCHAR) FROM read_parquet('{path}')"
        ).fetchall()
        by_day.setdefault(key.split("/")[1].removeprefix("date="), []).extend(rows)
    return {day: sorted(rows) for day, rows in by_day.items()}


def _left_under_work(pipeline: Pipeline, job_id: str) -> list[str]:
    listing = pipeline.s3.list_objects_v2(Bucket=pipeline.exports.bucket, Prefix=fo.work_prefix(job_id))
    return [o["Key"] for o in listing.get("Contents", [])]


def _function(pipeline: Pipeline, step: str) -> str:
    names = [f["FunctionName"] for f in pipeline.emulator.boto3_client("lambda").list_functions()["Functions"]]
    (name,) = [n for n in names if n.startswith(f"lambda-{step}-")]
    return name


def test_large_file_fans_out_and_equals_the_single_function_path(
    pipeline: Pipeline, inbox: AlertInbox, tmp_path: Path
) -> None:
    data, made = large_file(seed=31)
    ranges = made["ranges"]
    assert len(ranges) >= 8
    fanned = pipeline.run(_unique("large.csv"), data, inbox=inbox, run_timeout=600)
    single = pipeline.run(_unique("large.csv.gz"), gzip.compress(data, mtime=0), inbox=inbox, run_timeout=300)
    assert fanned.status == "SUCCEEDED", fanned.error
    assert single.status == "SUCCEEDED", single.error
    visited = fanned.states_visited
    assert [s for s in FANOUT_STATES if s in visited] == FANOUT_STATES and "Validate" not in visited
    assert "Plan" not in single.states_visited and "Validate" in single.states_visited
    item = fanned.job_item
    assert item is not None and item["status"] == "LOADED" and item["ranges"] == len(ranges)
    counts = (item["rows_read"], item["accepted"], item["rejected"])
    assert single.job_item is not None
    assert counts == (single.job_item["rows_read"], single.job_item["accepted"], single.job_item["rejected"])
    assert item["rows_read"] == made["rows"] + made["duplicates_placed"]
    assert item["rejected"] == made["bad"] + made["duplicates_placed"]
    quarantined = _quarantine(pipeline, fanned)
    assert quarantined == _quarantine(pipeline, single)  # rows (absolute), fields, reasons, raw values, order
    # bad rows in several ranges; the placed duplicates sit in a later range than their first occurrence
    offsets = [0]
    for line in data.splitlines(keepends=True)[1:]:
        offsets.append(offsets[-1] + len(line))
    header = data.index(b"\n") + 1
    in_ranges = {_range_of(ranges, header + offsets[r["row"] - 1]) for r in quarantined}
    assert len(in_ranges) >= 5, in_ranges
    duplicates = [r for r in quarantined if r["reason"] == "duplicate transaction_id within file"]
    assert len(duplicates) >= made["duplicates_placed"] >= 4
    rows = data.splitlines()[1:]
    across = [
        d for d in duplicates  # the first occurrence of the id is in an earlier range than the duplicate
        if _range_of(ranges, header + offsets[next(i for i, r in enumerate(rows) if r.startswith(
            d["raw"]["transaction_id"].encode() + b","))]) < _range_of(ranges, header + offsets[d["row"] - 1])
    ]  # fmt: skip
    assert len(across) >= 4, across
    assert _curated(pipeline, fanned, tmp_path) == _curated(pipeline, single, tmp_path)
    assert pipeline.manifest(fanned)["aggregates"] == pipeline.manifest(single)["aggregates"]
    assert _left_under_work(pipeline, fanned.job_id) == []
    assert fanned.alerts == [] and single.alerts == []


def test_a_range_worker_crash_is_retried_and_the_counts_stay_exact(pipeline: Pipeline, inbox: AlertInbox) -> None:
    out = io.BytesIO()
    report = generate(out, rows=3000, bad_ratio=0.04, seed=41)
    assert len(out.getvalue()) > THRESHOLD
    # two range invocations run to the end (their objects written) and are then lost: the retries meet them
    pipeline.emulator.inject_faults(_function(pipeline, "range"), count=2, error="TransientError", after=True)
    result = pipeline.run(_unique("crash.csv"), out.getvalue(), inbox=inbox, run_timeout=600)
    assert result.status == "SUCCEEDED", result.error
    events = pipeline.history(result.execution_arn)
    failures = [e["taskFailedEventDetails"]["error"] for e in events if e["type"] == "TaskFailed"]
    assert failures == ["TransientError", "TransientError"]
    item = result.job_item
    assert item is not None and item["status"] == "LOADED"
    assert (item["rows_read"], item["rejected"]) == (report["rows"], report["bad"])
    assert item["accepted"] == report["rows"] - report["bad"]
    assert _left_under_work(pipeline, result.job_id) == []
    assert result.alerts == []


def test_a_permanent_error_in_one_range_fails_the_job_once_with_one_alert_naming_it(
    pipeline: Pipeline, inbox: AlertInbox
) -> None:
    lines = [b"transaction_id,amount,currency,timestamp,merchant,status\n"]
    lines += [f"tx-{i:06d},10.00,USD,2024-03-02T10:{i % 60:02d}:00Z,Shop {i % 9},completed\n".encode()
              for i in range(3500)]  # fmt: skip
    # A quoted merchant holding line breaks, long enough to span the boundary after range 3.
    lines[1500] = b'tx-001499,10.00,USD,2024-03-02T10:00:00Z,"Shop\n' + b"line\n" * 8000 + b'end",completed\n'
    data = b"".join(lines)
    odd = [r for r in _ranges(data) if not r.last and data[r.start : r.end].count(b'"') % 2]
    assert odd, "the quoted field must span a range boundary"
    result = pipeline.run(_unique("quoted.csv"), data, inbox=inbox, run_timeout=600)
    assert result.status == "FAILED"
    item = result.job_item
    assert item is not None and item["status"] == "FAILED" and item["failed_step"] == "range"
    assert item["error"] == "InvalidFileError"
    assert len(result.alerts) == 1
    alert = json.loads(result.alerts[0]["Message"])
    assert alert["job_id"] == result.job_id and alert["step"] == "range"
    assert any(r.label() in alert["cause"] for r in odd), alert["cause"]
    assert "a quoted field continues past byte" in alert["cause"]
    assert result.curated_keys == []
    assert inbox.drain(wait_seconds=2) == []  # still one alert
