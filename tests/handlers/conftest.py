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
import pytest
from moto import mock_aws
from txn_pipeline import aws
from txn_pipeline.models import job_id_for

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "tests" / "events"
FUNCTIONS = REPO / "handlers" / "functions"
BUCKET = "txn-data-test"
TABLE = "txn-jobs-test"
STEPS = ("ingest", "validate", "transform", "load")
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
    monkeypatch.delenv("CHUNK_ROWS", raising=False)
    monkeypatch.delenv("DEDUPE_MEMORY_MB", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", raising=False)


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
        return load_event(
            "state_input", bucket=BUCKET, key=key, version_id=vid, job_id=job_id_for(BUCKET, key, vid)
        )

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


def job_item(aws_env: dict[str, Any], job_id: str, sk: str = "JOB") -> dict[str, Any] | None:
    table = aws_env["resource"].Table(TABLE)
    return table.get_item(Key={"pk": f"JOB#{job_id}", "sk": sk}, ConsistentRead=True).get("Item")
