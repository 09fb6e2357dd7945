"""The pipeline stack with one escape-hatch violation per rule fails synth, listing all six at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT


def test_synth_fails_with_one_line_per_violation(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "examples.violating_pipeline"],
        cwd=REPO_ROOT,
        env={**os.environ, "CDKTF_OUTDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = re.findall(r"^  \[(\S+)\] (FIN-\d+) \[(\w+)\] \S+ \(([^)]+)\)", result.stderr, re.MULTILINE)
    found = {
        (rule, path, address.split(".")[0] if not address.startswith("data.") else "data")
        for path, rule, _, address in lines
    }
    assert found == {
        ("FIN-001", "pipeline-dev/ingest_fn/function", "aws_lambda_function"),
        ("FIN-002", "pipeline-dev/ingest_fn/permissions", "data"),
        ("FIN-004", "pipeline-dev/load_fn/function", "aws_lambda_function"),
        ("FIN-006", "pipeline-dev/workflow/logs", "aws_cloudwatch_log_group"),
        ("FIN-008", "pipeline-dev/metadata/table", "aws_dynamodb_table"),
        ("FIN-009", "pipeline-dev/data_bucket/bucket", "aws_s3_bucket"),
    }
    assert "synth failed with 6 governance/validation errors" in result.stderr
    assert not (tmp_path / "stacks" / "pipeline-dev" / "cdk.tf.json").exists()
