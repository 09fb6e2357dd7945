"""Shared fixtures for the handler tests.

Test kinds (Powertools convention): unit tests (no AWS at all) live in
``tests/handlers/layer``; functional tests run the real handlers against
moto's in-process AWS (``mock_aws``) in ``tests/handlers/functions``. The
benchmark is separate (``benchmarks/bench_handlers.py``). Event JSON lives in
``tests/events`` and is loaded only through :func:`load_event`.
"""

from __future__ import annotations

import copy
import gzip
import importlib.util
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import duckdb
import pytest
from moto import mock_aws
from txn_pipeline import aws, engine
from txn_pipeline.models import job_id_for
from txn_pipeline.reader import FileFormat, open_raw, spool

from stack.steps import FANOUT, SINGLE_PATH

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "tests" / "events"
FUNCTIONS = REPO / "handlers" / "functions"
BUCKET = "txn-data-test"
TABLE = "txn-jobs-test"
#: the handlers of every object's path and of a large object's, in order (the table of steps)
STEPS = tuple(step.name for step in SINGLE_PATH)
FANOUT_STEPS = tuple(step.name for step in FANOUT)
HEADER = "transaction_id,amount,currency,timestamp,merchant,status\n"


def load_event(name: str, **overrides: Any) -> dict[str, Any]:
    """The one loader for ``tests/events/<name>.json``; top-level keys can be overridden."""
    event = json.loads((EVENTS / f"{name}.json").read_text())
    event.update(overrides)
    return copy.deepcopy(event)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return header + "".join(r if r.endswith("\n") else r + "\n" for r in rows)


def good_row(i: int, *, amount: str = "10.00", currency: str = "USD", day: str = "2024-03-02") -> str:
    return f"tx-{i:06d},{amount},{currency},{day}T10:00:00Z,Shop {i % 7},completed"


def _load_app(name: str) -> ModuleType:
    path = FUNCTIONS / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"_handler_app_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def apps() -> dict[str, ModuleType]:
    return {name: _load_app(name) for name in STEPS}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_NAME": TABLE,
        "DATA_BUCKET": BUCKET,
        "ALERT_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alerts",
        "ENVIRONMENT_SUFFIX": "test",
        "LOG_LEVEL": "WARNING",
        "SERVICE_NAME": "txn-test",
        "AWS_MAX_ATTEMPTS": "3",
    }.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name in (
        "ENGINE_MEMORY_MB",
        "ENGINE_THREADS",
        "WORK_DIR",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "PROGRESS_EVERY_S",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def aws_env(env: None) -> Iterator[dict[str, Any]]:
    """moto-backed bucket (versioned) and table; clients are the handlers' own cached ones."""
    with mock_aws():
        aws.reset_clients()
        s3 = aws.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        ddb = aws.client("dynamodb")
        ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield {"s3": s3, "ddb": ddb, "resource": boto3.resource("dynamodb", region_name="us-east-1")}
        aws.reset_clients()


@pytest.fixture
def put_raw(aws_env: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """Upload ``body`` under ``raw/`` and return the state payload the first Pass state builds."""

    def put(body: bytes | str, key: str = "raw/2024/03/02/transactions.csv", *, gz: bool = False) -> dict[str, Any]:
        data = body.encode() if isinstance(body, str) else body
        if gz:
            data = gzip.compress(data, mtime=0)
        resp = aws_env["s3"].put_object(Bucket=BUCKET, Key=key, Body=data)
        vid = resp.get("VersionId") or "null"
        return load_event("state_input", bucket=BUCKET, key=key, version_id=vid, job_id=job_id_for(BUCKET, key, vid))

    return put


@pytest.fixture
def run_step(apps: dict[str, ModuleType]) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    def run(step: str, payload: dict[str, Any]) -> dict[str, Any]:
        return apps[step].handler(copy.deepcopy(payload), None)

    return run


@pytest.fixture
def run_pipeline(
    run_step: Callable[[str, dict[str, Any]], dict[str, Any]],
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def run(payload: dict[str, Any]) -> dict[str, Any]:
        for step in STEPS:
            payload = run_step(step, payload)
        return payload

    return run


def read_gz_jsonl(s3: Any, key: str) -> list[dict[str, Any]]:
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return [json.loads(line) for line in io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(body)), "utf-8")]


def read_parquet_rows(s3: Any, key: str) -> list[dict[str, Any]]:
    """A curated Parquet object's rows (amount as text, timestamp as ISO UTC text)."""
    import tempfile

    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    with tempfile.NamedTemporaryFile(suffix=".parquet") as f:
        f.write(body)
        f.flush()
        cursor = duckdb.execute(f"SELECT {CURATED} FROM read_parquet('{f.name}')")
        names = [d[0] for d in cursor.description]
        return [dict(zip(CURATED_NAMES, row, strict=True)) for row in cursor.fetchall()] if names else []


def job_item(aws_env: dict[str, Any], job_id: str, sk: str = "JOB") -> dict[str, Any] | None:
    table = aws_env["resource"].Table(TABLE)
    return table.get_item(Key={"pk": f"JOB#{job_id}", "sk": sk}, ConsistentRead=True).get("Item")


CURATED = (
    "transaction_id, CAST(amount AS VARCHAR), currency, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%fZ'), merchant, "
    "status, extra"
)
CURATED_NAMES = ("transaction_id", "amount", "currency", "timestamp", "merchant", "status", "extra")


class EngineRun:
    """What one engine pass over a file gave: result, rejects, curated rows read back from Parquet."""

    def __init__(self, result: engine.Result, rejects: list[engine.Rejected], rows: list[dict[str, Any]]) -> None:
        self.result, self.rejects, self.rows = result, rejects, rows
        self.counts = result.counts

    def outcomes(self) -> list[tuple[int, str, str]]:
        return [(r.row, *r.errors[0]) for r in self.rejects]

    def triple(self) -> tuple[int, int, int]:
        return self.counts.rows_read, self.counts.accepted, self.counts.rejected


def run_engine(tmp_path: Path, data: bytes | str, fmt: str = "csv", limits: engine.Limits | None = None) -> EngineRun:
    raw_bytes = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    tmp_path.mkdir(parents=True, exist_ok=True)
    raw, _ = open_raw(io.BytesIO(raw_bytes), FileFormat(fmt, "none"))
    spooled = spool(raw, FileFormat(fmt, "none"), tmp_path / f"input.{fmt}")
    rejects: list[engine.Rejected] = []
    result = engine.run(spooled.path, fmt, limits=limits, on_reject=rejects.append, curated_dir=tmp_path / "out")
    rows = []
    for day, files in sorted(result.curated.items()):
        for f in files:
            for values in duckdb.execute(f"SELECT {CURATED} FROM read_parquet('{f}')").fetchall():
                row = dict(zip(CURATED_NAMES, values, strict=True))
                assert row["timestamp"][:10] == day
                rows.append(row)
    return EngineRun(result, rejects, sorted(rows, key=lambda r: r["transaction_id"]))
