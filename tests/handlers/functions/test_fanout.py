"""Functional: a large object through plan -> ranges -> partitions -> merge -> load against moto gives
exactly what validate -> transform -> load give for the same bytes (counts, quarantine, curated data)."""

from __future__ import annotations

import copy
import io
import itertools
import random
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from txn_pipeline import fanout as fo

from tests.handlers.conftest import BUCKET, FANOUT_STEPS, STEPS, _load_app, job_item, read_gz_jsonl, read_parquet_rows
from tools.datagen import generate


@pytest.fixture(scope="session")
def fanout_apps() -> dict[str, ModuleType]:
    return {name: _load_app(name) for name in FANOUT_STEPS}


@pytest.fixture
def small_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANOUT_RANGE_BYTES", "5000")
    monkeypatch.setenv("FANOUT_PARTITION_BYTES", "15000")


@pytest.fixture
def run_fanout(
    run_step: Callable[[str, dict[str, Any]], dict[str, Any]], fanout_apps: dict[str, ModuleType]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What the state machine does for a large object (Map states run here one item after another)."""

    def call(step: str, payload: dict[str, Any]) -> dict[str, Any]:
        return fanout_apps[step].handler(copy.deepcopy(payload), None)

    def run(payload: dict[str, Any]) -> dict[str, Any]:
        state = run_step("ingest", payload)
        state = call("plan", state)
        plan = state["plan"]
        job = {k: state[k] for k in ("bucket", "key", "version_id", "job_id")}
        for item in plan["ranges"]:
            call("range", {**job, "range": item, "partitions": plan["partitions"], "header_end": plan["header_end"]})
        for p in plan["partition_list"]:
            call("partition", {**job, "partition": p, "partitions": plan["partitions"],
                               "range_count": plan["range_count"]})  # fmt: skip
        state = call("merge", state)
        return {**run_step("load", state), "plan_seen": plan}

    return run


def _single(run_step: Callable[[str, dict[str, Any]], dict[str, Any]], payload: dict[str, Any]) -> dict[str, Any]:
    for step in STEPS:
        payload = run_step(step, payload)
    return payload


def _outcome(aws_env: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    s3 = aws_env["s3"]
    by_day: dict[str, list[tuple[Any, ...]]] = {}
    for key in out["curated_keys"]:
        day = key.split("/")[1].removeprefix("date=")
        by_day.setdefault(day, []).extend(tuple(sorted(r.items(), key=str)) for r in read_parquet_rows(s3, key))
    manifest = s3.get_object(Bucket=BUCKET, Key=out["manifest_key"])["Body"].read()
    import json

    return {
        "counts": (out["rows_read"], out["accepted"], out["rejected"]),
        "quarantine": read_gz_jsonl(s3, out["quarantine_key"]) if out["quarantine_key"] else [],
        "curated": {day: sorted(rows) for day, rows in by_day.items()},
        "aggregates": json.loads(manifest)["aggregates"],
        "by_reason": job_item(aws_env, out["job_id"])["rejected_by_reason"],
    }


def _left_under_work(aws_env: dict[str, Any]) -> list[str]:
    listing = aws_env["s3"].list_objects_v2(Bucket=BUCKET, Prefix=fo.WORK_PREFIX)
    return [o["Key"] for o in listing.get("Contents", [])]


def _file(seed: int, rows: int, *, fmt: str = "csv", crlf: bool = False, blanks: bool = False) -> bytes:
    out = io.BytesIO()
    generate(out, rows=rows, fmt=fmt, bad_ratio=0.06, seed=seed, odd_ratio=0.2)
    data = out.getvalue()
    lines = data.splitlines(keepends=True)
    rng = random.Random(seed)
    if blanks:  # blank lines here and there (not counted as rows)
        for _ in range(12):
            lines.insert(rng.randrange(2, len(lines)), b"\n")
    # repeat some valid ids far apart, so a duplicate lands in a later range (and partition) than its first
    valid = [i for i, line in enumerate(lines[1:200], start=1) if b"Store" in line and b'"' not in line]
    for i in valid[:6]:
        lines.insert(rng.randrange(len(lines) // 2, len(lines)), lines[i])
    data = b"".join(lines)
    return data.replace(b"\n", b"\r\n") if crlf else data


@pytest.mark.parametrize(
    ("fmt", "crlf", "blanks"),
    [("csv", False, False), ("csv", True, True), ("jsonl", False, True)],
    ids=["csv", "csv-crlf-blank-lines", "jsonl"],
)
def test_fanout_equals_single_function_path(  # type: ignore[no-untyped-def]
    aws_env, put_raw, run_step, run_fanout, small_ranges, fmt, crlf, blanks
) -> None:
    data = _file(7, 600, fmt=fmt, crlf=crlf, blanks=blanks)
    single = _single(run_step, put_raw(data, key=f"raw/single.{fmt}"))
    fanned = run_fanout(put_raw(data, key=f"raw/fanned.{fmt}"))
    assert fanned["status"] == single["status"] == "LOADED"
    assert fanned["plan_seen"]["range_count"] >= 8 and fanned["plan_seen"]["partitions"] >= 3
    a, b = _outcome(aws_env, single), _outcome(aws_env, fanned)
    assert a["counts"] == b["counts"]
    reasons = [r["reason"] for r in a["quarantine"]]
    assert "duplicate transaction_id within file" in reasons and len(set(reasons)) > 5
    assert a["quarantine"] == b["quarantine"]  # same rows, numbers, fields, reasons, raw values, in order
    assert a["curated"] == b["curated"]
    assert a["aggregates"] == b["aggregates"]
    assert a["by_reason"] == b["by_reason"]
    assert _left_under_work(aws_env) == []
    # rejects in several ranges, and a duplicate whose first occurrence is in an earlier range
    bounds = [r["start"] for r in fanned["plan_seen"]["ranges"]]
    assert len({sum(1 for s in bounds if s <= _offset(data, r["row"], fmt)) for r in b["quarantine"]}) >= 3


def _offset(data: bytes, row: int, fmt: str) -> int:
    """Byte offset of data row ``row`` in a file without quoted line breaks (blank lines skipped)."""
    pos, n = 0, 0
    lines = data.splitlines(keepends=True)
    if fmt == "csv":
        pos += len(lines[0])
        lines = lines[1:]
    for line in lines:
        if line.strip():
            n += 1
            if n == row:
                return pos
        pos += len(line)
    raise AssertionError(row)


def test_a_quoted_field_across_a_range_boundary_fails_the_range_by_name(  # type: ignore[no-untyped-def]
    aws_env, put_raw, run_step, fanout_apps, small_ranges
) -> None:
    rows = [f"tx-{i:05d},10.00,USD,2024-03-02T10:00:00Z,Shop {i},completed\n" for i in range(100)]
    rows[30] = 'tx-00030,10.00,USD,2024-03-02T10:00:00Z,"Shop\n' + "x" * 6000 + '\nend",completed\n'
    state = run_step("ingest", put_raw("transaction_id,amount,currency,timestamp,merchant,status\n" + "".join(rows)))
    state = fanout_apps["plan"].handler(state, None)
    job = {k: state[k] for k in ("bucket", "key", "version_id", "job_id")}
    errors = []
    for item in state["plan"]["ranges"]:
        try:
            fanout_apps["range"].handler({**job, "range": item, "partitions": 2, "header_end": 58}, None)
        except Exception as exc:
            errors.append((type(exc).__name__, str(exc)))
    count = state["plan"]["range_count"]
    assert count >= 2
    # range 1 ends inside the quoted field (a range starting inside it may fail the same way)
    assert {name for name, _ in errors} == {"InvalidFileError"}
    assert errors[0][1].startswith(f"range 1 of {count} (bytes 0-")
    assert "a quoted field continues past byte" in errors[0][1]


def test_a_range_retried_after_a_crash_gives_exact_counts(  # type: ignore[no-untyped-def]
    aws_env, put_raw, run_step, fanout_apps, run_fanout, small_ranges, monkeypatch
) -> None:
    data = _file(3, 300)
    expected = _single(run_step, put_raw(data, key="raw/expected.csv"))
    from txn_pipeline import writers

    real = writers.upload_file
    calls = {"n": 0}

    def crash_once(*args: Any, **kwargs: Any) -> str:  # the third partition file of the first range: mid-range
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("worker lost its connection")
        return real(*args, **kwargs)

    monkeypatch.setattr("txn_pipeline.fanout_steps.upload_file", crash_once)
    payload = put_raw(data, key="raw/crash.csv")
    with pytest.raises(Exception, match=r"range \d+ of \d+ \(bytes \d+-\d+\): ConnectionError") as info:
        run_fanout(payload)
    assert type(info.value).__name__ == "TransientError"  # retried by the state machine
    monkeypatch.setattr("txn_pipeline.fanout_steps.upload_file", real)
    out = run_fanout(payload)  # the retry: ingest sees the job, the range runs again over its own objects
    assert (out["rows_read"], out["accepted"], out["rejected"]) == (
        expected["rows_read"], expected["accepted"], expected["rejected"],
    )  # fmt: skip
    assert _left_under_work(aws_env) == []


def test_plan_splits_after_line_breaks() -> None:
    data = b"h\n" + b"".join(f"line {i:03d}\n".encode() for i in range(100))

    def find(offset: int, limit: int) -> int | None:
        i = data.find(b"\n", offset, offset + limit)
        return i if i >= 0 else None

    ranges = fo.plan_ranges(len(data), header_end=2, range_bytes=100, find=find)
    assert ranges[0].start == 0 and ranges[-1].end == len(data)
    assert all(data[r.start - 1 : r.start] == b"\n" for r in ranges[1:])
    assert all(a.end == b.start for a, b in itertools.pairwise(ranges))
    # 902 bytes, lines of 9: each range runs to the end of the line holding its 100th byte
    assert [r.start for r in ranges] == [0, 101, 209, 317, 425, 533, 641, 749, 857]
    assert {r.count for r in ranges} == {9}
    # no line break: one range
    assert len(fo.plan_ranges(1000, header_end=0, range_bytes=10, find=lambda o, n: None)) == 1


def test_merge_rejects_makes_rows_absolute() -> None:
    rejects = [b'{"row": 1, "field": "a"}\n', b'{"row": 5, "field": "b"}\n']
    dups = [b'{"row": 3, "field": "transaction_id"}\n']
    assert list(fo.merge_rejects(rejects, dups, 100)) == [
        b'{"row": 101, "field": "a"}\n',
        b'{"row": 103, "field": "transaction_id"}\n',
        b'{"row": 105, "field": "b"}\n',
    ]
