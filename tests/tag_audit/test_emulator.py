"""End-to-end: the live audit of the pipeline stack deployed to the local emulator (MiniStack).

Deploys with the ``deploy`` package (terraform apply against MiniStack, ~2 minutes), runs the
installed ``tag-audit`` console script against the emulator endpoint, then changes tags out of band
and checks the drift. Skipped when the emulator environment (``.venv-emulator``) or the deploy
helpers are not there.

MiniStack's ``GetResources`` lists s3, lambda, sqs, sns, dynamodb, events and kms (not logs,
cloudwatch, states, ssm or ec2), hence ``--services``: the other resources are listed as not
verifiable instead of being reported missing.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.tag_audit.test_cli import SCRIPT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

emulator = pytest.importorskip("deploy.emulator")
local = pytest.importorskip("deploy.local")
if not emulator.DEFAULT_VENV.exists():
    pytest.skip("no .venv-emulator (make emulator-env)", allow_module_level=True)

REGION = "us-east-2"
MINISTACK_SERVICES = "s3,lambda,sqs,sns,dynamodb,events,kms"


@pytest.fixture(scope="module")
def deployed(dev_stack, tmp_path_factory) -> Iterator[tuple[Any, Any]]:
    work = tmp_path_factory.mktemp("tag-audit-emulator")
    with (
        emulator.running(region=REGION, workdir=work / "ministack") as ministack,
        local.deployed(ministack, dev_stack.stack_dir, work / "tf", check_drift=False),
    ):
        yield ministack, dev_stack


def audit(ministack: Any, stack: Any, *extra: str) -> tuple[int, dict[str, Any], str]:
    assert SCRIPT
    command = [SCRIPT, "live", "--region", REGION, "--compare", str(stack.outdir), "--services", MINISTACK_SERVICES]
    result = subprocess.run(
        [*command, "--format", "json", *extra],
        env=ministack.client_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return result.returncode, json.loads(result.stdout or "{}"), result.stderr


def test_deployed_stack_is_fully_tagged_and_in_sync(deployed):
    code, report, stderr = audit(*deployed, "--min-coverage", "100")
    assert code == 0, stderr
    assert report["summary"]["overall"] == {"covered": 10, "total": 10, "percent": 100.0}
    assert report["summary"]["by_type"] == {
        "dynamodb:table": {"covered": 1, "total": 1, "percent": 100.0},
        "events:rule": {"covered": 1, "total": 1, "percent": 100.0},
        "kms:key": {"covered": 1, "total": 1, "percent": 100.0},
        "lambda:function": {"covered": 4, "total": 4, "percent": 100.0},
        "s3:bucket": {"covered": 1, "total": 1, "percent": 100.0},
        "sns:topic": {"covered": 1, "total": 1, "percent": 100.0},
        "sqs:queue": {"covered": 1, "total": 1, "percent": 100.0},
    }
    assert report["drift"] == []
    reasons = sorted({u["reason"] for u in report["unverifiable"]})
    assert reasons == [
        "cloudwatch not audited (--services)",
        "deployed with the stack's tags; may be one of its kms:key resources not verifiable live",
        "ec2 not audited (--services)",
        "generated id or not listed by the Resource Groups Tagging API",
        "iam not audited (--services)",
        "logs not audited (--services)",
        "ssm not audited (--services)",
        "states not audited (--services)",
    ]


def test_out_of_band_changes_are_drift(deployed):
    ministack, stack = deployed
    tagging = ministack.boto3_client("resourcegroupstaggingapi")
    queue = next(
        m["ResourceARN"]
        for m in tagging.get_resources(ResourceTypeFilters=["sqs"])["ResourceTagMappingList"]
        if m["ResourceARN"].endswith(":sqs-dlq-dev")
    )
    tagging.tag_resources(ResourceARNList=[queue], Tags={"CostCenter": "FIN-OTHER"})
    s3 = ministack.boto3_client("s3")
    s3.create_bucket(Bucket="rogue-pipeline-dev", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_tagging(
        Bucket="rogue-pipeline-dev",
        Tagging={
            "TagSet": [{"Key": "Project", "Value": "financial-data-pipeline"}, {"Key": "Environment", "Value": "dev"}]
        },
    )
    code, report, stderr = audit(ministack, stack)
    assert code == 1, stderr
    assert {
        (d["kind"], d["address"], d["arn"].rsplit(":", 1)[-1], d["key"], d["expected"], d["actual"])
        for d in report["drift"]
    } == {
        ("tag-differs", "aws_sqs_queue.alerts_dlq_25E71D3C", "sqs-dlq-dev", "CostCenter", "FIN-DATA-001", "FIN-OTHER"),
        ("not-in-stack", "", "rogue-pipeline-dev", "", None, None),
    }
    # the rogue bucket lacks Owner, CostCenter and ManagedBy: 10 of 11 resources covered
    assert report["summary"]["overall"] == {"covered": 10, "total": 11, "percent": 90.91}
