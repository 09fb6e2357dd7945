"""Unit tests (no network) for the job id, the event shape and the step summary of an execution history."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ops.pipeline import job_id_for, jsonable, object_created_event, step_results

EVENTS = Path(__file__).resolve().parents[1] / "events"


def test_job_id_matches_the_handlers_rule() -> None:
    from txn_pipeline.models import job_id_for as handlers_job_id_for

    assert job_id_for("b", "raw/x.csv", "v1") == handlers_job_id_for("b", "raw/x.csv", "v1")
    assert job_id_for("b", "raw/x.csv", None) == handlers_job_id_for("b", "raw/x.csv", None)


def test_explicit_event_has_the_shape_s3_sends() -> None:
    real = json.loads((EVENTS / "s3_object_created.json").read_text())
    ours = object_created_event("txn-data-test", "raw/k.csv", "v1", 10, "e")
    assert (ours["source"], ours["detail-type"]) == (real["source"], real["detail-type"])
    assert set(ours["detail"]["object"]) <= set(real["detail"]["object"])
    assert ours["detail"]["object"]["version-id"] == "v1"


def _history(*entries: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    start = datetime(2026, 1, 1)
    return [
        {"type": kind, "timestamp": start + timedelta(seconds=i), **extra} for i, (kind, extra) in enumerate(entries)
    ]


def _entered(name: str) -> tuple[str, dict[str, Any]]:
    return "TaskStateEntered", {"stateEnteredEventDetails": {"name": name}}


def _exited(name: str) -> tuple[str, dict[str, Any]]:
    return "TaskStateExited", {"stateExitedEventDetails": {"name": name}}


def test_step_results_count_retries_and_failures() -> None:
    failed = ("TaskFailed", {"taskFailedEventDetails": {"error": "TransientError"}})
    events = _history(
        _entered("Ingest"), ("TaskScheduled", {}), ("TaskSucceeded", {}), _exited("Ingest"),
        _entered("Validate"), ("TaskScheduled", {}), failed, ("TaskScheduled", {}), ("TaskSucceeded", {}),
        _exited("Validate"),
        _entered("Transform"), ("TaskScheduled", {}),
        ("TaskFailed", {"taskFailedEventDetails": {"error": "InvalidFileError"}}), _exited("Transform"),
    )  # fmt: skip
    ingest, validate, transform, load = step_results(events)
    assert (ingest.status, ingest.attempts, ingest.error) == ("SUCCEEDED", 1, None)
    assert (validate.status, validate.attempts, validate.error) == ("SUCCEEDED", 2, "TransientError")
    assert (transform.status, transform.error) == ("FAILED", "InvalidFileError")
    assert (load.status, load.attempts) == ("NOT RUN", 0)


def test_jsonable_turns_dynamodb_numbers_into_ints_and_floats() -> None:
    from decimal import Decimal

    assert jsonable({"a": Decimal("3"), "b": [Decimal("1.5")], "c": {Decimal("2")}}) == {"a": 3, "b": [1.5], "c": [2]}

