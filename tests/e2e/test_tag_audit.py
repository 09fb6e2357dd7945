"""The live tag audit of the stack deployed on MiniStack (the session's one deployment).

Runs the installed ``tag-audit`` console script against the emulator endpoint, then changes tags
out of band (restored afterwards, so other e2e tests see the deployment unchanged) and checks the
drift. MiniStack's ``GetResources`` lists s3, lambda, sqs, sns, dynamodb, events and kms only (not
logs, cloudwatch, states, ssm, ec2), hence ``--services``: resources of other services are listed as
not verifiable instead of being reported missing (docs/tag-audit.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ops.pipeline import Pipeline

pytestmark = pytest.mark.e2e

REGION = "us-east-2"
MINISTACK_SERVICES = "s3,lambda,sqs,sns,dynamodb,events,kms"
SCRIPT = shutil.which("tag-audit", path=str(Path(sys.executable).parent))


def audit(pipeline: Pipeline, outdir: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    assert SCRIPT, "tag-audit console script not installed (uv sync)"
    command = [SCRIPT, "live", "--region", REGION, "--compare", str(outdir), "--services", MINISTACK_SERVICES]
    result = subprocess.run(
        [*command, "--format", "json", *extra],
        env=pipeline.emulator.client_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return result.returncode, json.loads(result.stdout or "{}"), result.stderr


def test_deployed_stack_is_fully_tagged_and_in_sync(pipeline: Pipeline, emulator_stack) -> None:  # type: ignore[no-untyped-def]
    code, report, stderr = audit(pipeline, emulator_stack.outdir, "--min-coverage", "100")
    assert code == 0, stderr
    assert report["summary"]["overall"] == {"covered": 14, "total": 14, "percent": 100.0}
    assert {t: c["total"] for t, c in report["summary"]["by_type"].items()} == {
        "dynamodb:table": 1,
        "events:rule": 1,
        "kms:key": 1,
        "lambda:function": 8,
        "s3:bucket": 1,
        "sns:topic": 1,
        "sqs:queue": 1,
    }
    assert report["drift"] == []
    assert sorted({u["reason"] for u in report["unverifiable"]}) == [
        "cloudwatch not audited (--services)",
        "deployed with the stack's tags; may be one of its kms:key resources not verifiable live",
        "ec2 not audited (--services)",
        "generated id or not listed by the Resource Groups Tagging API",
        "iam not audited (--services)",
        "logs not audited (--services)",
        "ssm not audited (--services)",
        "states not audited (--services)",
        # the Athena workgroup and the Glue database: tag_audit.drift has no ARN rule for them yet
        "unknown service not audited (--services)",
    ]


def test_out_of_band_changes_are_drift(pipeline: Pipeline, emulator_stack) -> None:  # type: ignore[no-untyped-def]
    tagging = pipeline.emulator.boto3_client("resourcegroupstaggingapi")
    s3 = pipeline.emulator.boto3_client("s3")
    queue = next(
        m["ResourceARN"]
        for m in tagging.get_resources(ResourceTypeFilters=["sqs"])["ResourceTagMappingList"]
        if m["ResourceARN"].endswith(":sqs-dlq-dev")
    )
    rogue = "rogue-pipeline-dev"
    try:
        tagging.tag_resources(ResourceARNList=[queue], Tags={"CostCenter": "FIN-OTHER"})
        s3.create_bucket(Bucket=rogue, CreateBucketConfiguration={"LocationConstraint": REGION})
        scope = [{"Key": "Project", "Value": "financial-data-pipeline"}, {"Key": "Environment", "Value": "dev"}]
        s3.put_bucket_tagging(Bucket=rogue, Tagging={"TagSet": scope})
        code, report, stderr = audit(pipeline, emulator_stack.outdir)
    finally:
        tagging.tag_resources(ResourceARNList=[queue], Tags={"CostCenter": "FIN-DATA-001"})
        s3.delete_bucket(Bucket=rogue)
    assert code == 1, stderr
    drift = {
        (d["kind"], d["address"], d["arn"].rsplit(":", 1)[-1], d["key"], d["expected"], d["actual"])
        for d in report["drift"]
    }
    assert drift == {
        ("tag-differs", "aws_sqs_queue.alerts_dlq_25E71D3C", "sqs-dlq-dev", "CostCenter", "FIN-DATA-001", "FIN-OTHER"),
        ("not-in-stack", "", rogue, "", None, None),
    }
    # the rogue bucket lacks CostCenter, Owner and ManagedBy: 14 of 15 resources covered
    assert report["summary"]["overall"] == {"covered": 14, "total": 15, "percent": 93.33}
