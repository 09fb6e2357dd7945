"""Functional (moto, in-process): GetResources over many pages, throttling retries, access denied."""

from __future__ import annotations

import boto3
import pytest

from tag_audit import live
from tag_audit.model import Coverage
from tag_audit.policy import TagRequirements
from tests.tag_audit.conftest import REGION, inject_errors, tag_list

FULL = {"CostCenter": "FIN-1", "Environment": "dev", "Owner": "data", "Project": "demo", "ManagedBy": "cdktf"}


def _queues(n: int, tags: dict[str, str], prefix: str) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    for i in range(n):
        sqs.create_queue(QueueName=f"{prefix}-{i:03d}", tags=tags)


def test_all_pages_are_read_and_mis_tagged_resources_reported(aws, no_sleep):
    _queues(115, FULL, "ok")
    _queues(10, {k: v for k, v in FULL.items() if k != "Owner"}, "no-owner")
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="wrong-env", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_tagging(Bucket="wrong-env", Tagging={"TagSet": tag_list({**FULL, "Environment": ""})})
    client = live.make_client(region=REGION)
    calls = inject_errors(client, [])  # count the calls, inject nothing
    mappings = list(live.get_resources(client, sleep=no_sleep))
    assert len(mappings) == 126
    assert len({m["ResourceARN"] for m in mappings}) == 126
    assert len(calls) > 1  # moto caps a page at 100 tags: several pages were followed
    report = live.audit(mappings, REGION, TagRequirements.from_catalog(), min_coverage=95)
    assert report.overall == Coverage(115, 126)
    assert report.coverage_by_type() == {"s3:bucket": Coverage(0, 1), "sqs:queue": Coverage(115, 125)}
    assert report.coverage_by_key()["Owner"] == Coverage(116, 126)
    gaps = {r.id.rsplit(":", 1)[-1]: dict(r.problems) for r in report.gaps}
    assert gaps == {f"no-owner-{i:03d}": {"Owner": "missing"} for i in range(10)} | {
        "wrong-env": {"Environment": "empty"}
    }
    assert not report.passed  # 91.3% < 95%
    assert no_sleep.delays == []


def test_throttling_is_retried_with_backoff(aws, no_sleep):
    _queues(3, FULL, "q")
    client = live.make_client(region=REGION)
    calls = inject_errors(client, ["ThrottlingException", "Throttling"])
    mappings = list(live.get_resources(client, sleep=no_sleep, base_delay=0.5))
    assert len(mappings) == 3
    assert calls == ["ThrottlingException", "Throttling", "passed"]
    assert len(no_sleep.delays) == 2
    assert 0 <= no_sleep.delays[0] <= 0.5 and 0 <= no_sleep.delays[1] <= 1.0  # capped exponential, full jitter


def test_throttling_gives_up_after_max_attempts(aws, no_sleep):
    client = live.make_client(region=REGION)
    calls = inject_errors(client, ["ThrottlingException"] * 10)
    with pytest.raises(live.LiveError, match=r"throttled by AWS \(ThrottlingException\) 4 times in a row"):
        list(live.get_resources(client, sleep=no_sleep, max_attempts=4))
    assert len(calls) == 4 and len(no_sleep.delays) == 3


def test_access_denied_is_one_clear_message(aws, no_sleep):
    client = live.make_client(region=REGION)
    inject_errors(client, ["AccessDeniedException"])
    with pytest.raises(live.LiveError) as error:
        list(live.get_resources(client, sleep=no_sleep))
    assert str(error.value).startswith("access denied (AccessDeniedException): User: arn:aws:iam::123456789012:user/ci")
    assert "tag:GetResources" in str(error.value)
    assert no_sleep.delays == []  # never retried


def test_missing_credentials(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    client = live.make_client(region=REGION)
    with pytest.raises(live.LiveError, match="no usable AWS credentials"):
        list(live.get_resources(client))


@pytest.mark.parametrize(
    ("arn", "service_part", "type_"),
    [
        ("arn:aws:s3:::bucket-a", ("s3", "bucket-a"), "s3:bucket"),
        ("arn:aws:sqs:us-east-2:123456789012:queue-a", ("sqs", "queue-a"), "sqs:queue"),
        ("arn:aws:lambda:us-east-2:123456789012:function:fn", ("lambda", "function:fn"), "lambda:function"),
        ("arn:aws:dynamodb:us-east-2:123456789012:table/t", ("dynamodb", "table/t"), "dynamodb:table"),
        (
            "arn:aws:logs:us-east-2:123456789012:log-group:/aws/lambda/f:*",
            ("logs", "log-group:/aws/lambda/f"),
            "logs:log-group",
        ),
        (
            "arn:aws:ssm:us-east-2:123456789012:parameter/pipeline/dev/x",
            ("ssm", "parameter/pipeline/dev/x"),
            "ssm:parameter",
        ),
        ("arn:aws:ec2:us-east-2:123456789012:vpc/vpc-0abc", ("ec2", "vpc/vpc-0abc"), "ec2:vpc"),
    ],
)
def test_arn_parts_and_types(arn, service_part, type_):
    assert live.arn_parts(arn) == service_part
    assert live.resource_type(arn) == type_
