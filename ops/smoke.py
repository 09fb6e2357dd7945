"""``python -m ops.smoke``: after a deploy, drop a small clean file under raw/ and wait for LOADED.

Used by the main workflow right after ``make deploy`` (real account, credentials from OIDC) and by
the end-to-end suite against the emulator. It finds everything through the stack's SSM exports
(``/pipeline/<env>/...``), so it needs no resource names. Exit status 0 only when the execution
SUCCEEDED, the job record says LOADED with every row accepted, and curated output exists.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from dataclasses import dataclass
from typing import Any

from .pipeline import Clients, Exports, Pipeline, RunResult, progress_printer

SMOKE_ROWS = 200


@dataclass(frozen=True)
class AwsAccount:
    """boto3 clients for the account the ambient credentials point at."""

    region: str

    def boto3_client(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            service, region_name=self.region, config=Config(retries={"max_attempts": 8, "mode": "standard"})
        )


def sample_file(rows: int = SMOKE_ROWS, seed: int = 7) -> bytes:
    from tools.datagen import generate

    buffer = io.BytesIO()
    generate(buffer, rows=rows, bad_ratio=0.0, seed=seed, odd_ratio=0.0)
    return buffer.getvalue()


def problems(result: RunResult, rows: int) -> list[str]:
    """Why a smoke run is not healthy (empty when it is)."""
    found = []
    if result.status != "SUCCEEDED":
        found.append(f"execution {result.execution_arn} ended {result.status}: {result.error}")
    item = result.job_item or {}
    if item.get("status") != "LOADED":
        found.append(f"job {result.job_id} status is {item.get('status')!r}, not 'LOADED'")
    if (item.get("accepted"), item.get("rejected")) != (rows, 0):
        found.append(
            f"job {result.job_id} accepted/rejected {item.get('accepted')}/{item.get('rejected')}, expected {rows}/0"
        )
    if not result.curated_keys:
        found.append(f"no curated output for job {result.job_id}")
    return found


def smoke(clients: Clients, environment: str, *, timeout: float = 900.0) -> tuple[RunResult, list[str]]:
    pipeline = Pipeline(clients, Exports.read(clients, environment))
    key = f"raw/smoke/{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.csv"
    result = pipeline.run(key, sample_file(), trigger_timeout=60.0, run_timeout=timeout, progress=progress_printer())
    return result, problems(result, SMOKE_ROWS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.smoke", description=__doc__.splitlines()[0])
    parser.add_argument("--environment", default=os.environ.get("ENVIRONMENT_SUFFIX", "dev"))
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-2"))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the execution")
    args = parser.parse_args(argv)
    try:
        result, found = smoke(AwsAccount(args.region), args.environment, timeout=args.timeout)
    except Exception as error:  # botocore errors, timeouts, missing exports: one clear line, no traceback
        print(f"smoke: error: {type(error).__name__}: {error}", file=sys.stderr)
        return 3
    print(
        f"smoke: {result.key} -> job {result.job_id} {result.status} in {result.seconds:.1f}s "
        f"(started by {result.triggered_by})"
    )
    for problem in found:
        print(f"smoke: FAILED: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
