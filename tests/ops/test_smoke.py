from __future__ import annotations

import csv
import io
from decimal import Decimal

from ops.pipeline import RunResult
from ops.smoke import SMOKE_ROWS, problems, sample_file


def result(**changes: object) -> RunResult:
    base: dict[str, object] = dict(
        key="raw/smoke/x.csv", version_id="v1", job_id="j" * 64, execution_arn="arn:exec", triggered_by="eventbridge",
        status="SUCCEEDED", steps=[], output=None, error=None, curated_keys=["curated/date=2026-11-22/j.parquet"],
        quarantine_keys=[], job_item={"status": "LOADED", "accepted": Decimal(200), "rejected": Decimal(0)},
        alerts=[], seconds=1.0,
    )  # fmt: skip
    base.update(changes)
    return RunResult(**base)  # type: ignore[arg-type]


def test_a_healthy_run_has_no_problems() -> None:
    assert problems(result(), 200) == []


def test_every_unhealthy_sign_is_reported() -> None:
    found = problems(
        result(status="FAILED", error={"error": "JobFailed", "cause": "x"}, curated_keys=[],
               job_item={"status": "FAILED", "accepted": Decimal(150), "rejected": Decimal(50)}),
        200,
    )  # fmt: skip
    assert [p.split(" ")[0] for p in found] == ["execution", "job", "job", "no"]
    assert "ended FAILED" in found[0] and "'FAILED', not 'LOADED'" in found[1] and "150/50, expected 200/0" in found[2]


def test_sample_file_is_clean_csv_with_the_expected_rows() -> None:
    rows = list(csv.DictReader(io.StringIO(sample_file().decode())))
    assert len(rows) == SMOKE_ROWS
    assert set(rows[0]) >= {"transaction_id", "amount", "currency", "timestamp", "merchant", "status"}
