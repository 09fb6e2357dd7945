"""Functional (moto): deployed tags against the synthesized expectation, and how ARNs are matched."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from tag_audit import drift, live, static
from tag_audit.model import DriftItem, Unverifiable
from tests.tag_audit.conftest import REGION, tag_list

DEFAULTS = {"CostCenter": "FIN-1", "Environment": "dev", "Owner": "data", "Project": "drift", "ManagedBy": "cdktf"}
DOCUMENT = {
    "//": {"metadata": {"stackName": "drift-dev"}},
    "provider": {"aws": [{"region": REGION, "default_tags": [{"tags": DEFAULTS}]}]},
    "resource": {
        "aws_s3_bucket": {"raw": {"bucket": "drift-raw-dev"}},
        "aws_sqs_queue": {"dlq": {"name": "drift-dlq-dev", "tags": {"Tier": "gold"}}},
        "aws_sns_topic": {"alerts": {"name": "drift-alerts-dev"}},
        "aws_dynamodb_table": {"meta": {"name": "drift-meta-dev", "hash_key": "pk"}},
        "aws_vpc": {"vpc": {"cidr_block": "10.0.0.0/16", "tags": {"Name": "vpc-drift-dev"}}},
        "aws_subnet": {"sub": {"vpc_id": "${aws_vpc.vpc.id}", "cidr_block": "10.0.0.0/20"}},
        "aws_kms_key": {"key": {"description": "k"}},
        "aws_lambda_function": {"fn": {"function_name": "${var.name}", "role": "r"}},
        "aws_s3_bucket_policy": {"raw": {"bucket": "${aws_s3_bucket.raw.id}", "policy": "{}"}},
    },
}


@pytest.fixture
def stack(tmp_path: Path) -> static.Stack:
    path = tmp_path / "cdk.tf.json"
    path.write_text(json.dumps(DOCUMENT))
    return static.load_stacks([path])[0]


def _deploy() -> None:
    """What a partly drifted deployment of DOCUMENT looks like in the account."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="drift-raw-dev", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_tagging(Bucket="drift-raw-dev", Tagging={"TagSet": tag_list(DEFAULTS)})  # in sync
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.create_queue(QueueName="drift-dlq-dev", tags={**DEFAULTS, "CostCenter": "FIN-OLD", "Ad-hoc": "x"})
    sqs.create_queue(QueueName="drift-orphan-dev", tags=DEFAULTS)  # the stack's tags, not in the stack
    sqs.create_queue(QueueName="someone-else", tags={**DEFAULTS, "Project": "other"})  # out of scope
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(
        TableName="drift-meta-dev",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=tag_list({k: v for k, v in DEFAULTS.items() if k != "Owner"}),
    )
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=tag_list({**DEFAULTS, "Name": "vpc-drift-dev"}))
    kms = boto3.client("kms", region_name=REGION)  # aws_kms_key.key: generated id, cannot be matched
    kms.create_key(Description="k", Tags=[{"TagKey": k, "TagValue": v} for k, v in DEFAULTS.items()])
    # aws_sns_topic.alerts is not deployed


def test_drift_kinds_and_matching(aws, stack):
    _deploy()
    mappings = list(live.get_resources(live.make_client(region=REGION)))
    items, unverifiable = drift.compare([stack], mappings)
    arn = {m["ResourceARN"].rsplit(":", 1)[-1].rsplit("/", 1)[-1]: m["ResourceARN"] for m in mappings}
    assert sorted(items, key=lambda d: (d.kind, d.address, d.key)) == [
        DriftItem("missing-resource", "drift-dev", "aws_sns_topic.alerts", ""),
        DriftItem("not-in-stack", "drift-dev", "", arn["drift-orphan-dev"]),
        DriftItem("tag-differs", "drift-dev", "aws_dynamodb_table.meta", arn["drift-meta-dev"], "Owner", "data", None),
        DriftItem("tag-differs", "drift-dev", "aws_sqs_queue.dlq", arn["drift-dlq-dev"], "Ad-hoc", None, "x"),
        DriftItem(
            "tag-differs", "drift-dev", "aws_sqs_queue.dlq", arn["drift-dlq-dev"], "CostCenter", "FIN-1", "FIN-OLD"
        ),
        DriftItem("tag-differs", "drift-dev", "aws_sqs_queue.dlq", arn["drift-dlq-dev"], "Tier", "gold", None),
    ]
    key_arn = next(m["ResourceARN"] for m in mappings if ":kms:" in m["ResourceARN"])
    assert unverifiable == [
        Unverifiable("drift-dev", "aws_subnet.sub", "generated id and no literal Name tag"),
        Unverifiable("drift-dev", "aws_kms_key.key", "generated id or not listed by the Resource Groups Tagging API"),
        Unverifiable("drift-dev", "aws_lambda_function.fn", "function_name is an expression"),
        # the deployed key carries the stack's tags: maybe aws_kms_key.key, so not "not-in-stack"
        Unverifiable(
            "drift-dev",
            key_arn,
            "deployed with the stack's tags; may be one of its kms:key resources not verifiable live",
        ),
    ]


def test_services_limit_listing_and_comparison(aws, stack):
    _deploy()
    mappings = list(live.get_resources(live.make_client(region=REGION), resource_types=["s3", "sqs"]))
    assert sorted(live.resource_type(m["ResourceARN"]) for m in mappings) == ["s3:bucket"] + ["sqs:queue"] * 3
    items, unverifiable = drift.compare([stack], mappings, services={"s3", "sqs"})
    assert {(d.kind, d.address or d.arn.rsplit(":", 1)[-1]) for d in items} == {
        ("tag-differs", "aws_sqs_queue.dlq"),
        ("not-in-stack", "drift-orphan-dev"),
    }
    assert {u.address: u.reason for u in unverifiable} == {
        "aws_sns_topic.alerts": "sns not audited (--services)",
        "aws_dynamodb_table.meta": "dynamodb not audited (--services)",
        "aws_vpc.vpc": "ec2 not audited (--services)",
        "aws_subnet.sub": "ec2 not audited (--services)",
        "aws_kms_key.key": "kms not audited (--services)",
        "aws_lambda_function.fn": "lambda not audited (--services)",
    }


def test_no_drift_when_everything_matches(aws, stack):
    _deploy()
    in_sync = {**DOCUMENT, "resource": {"aws_s3_bucket": DOCUMENT["resource"]["aws_s3_bucket"]}}
    stack = static.Stack("drift-dev", stack.path, in_sync)
    mappings = [m for m in live.get_resources(live.make_client(region=REGION)) if ":s3:" in m["ResourceARN"]]
    assert drift.compare([stack], mappings) == ([], [])


@pytest.mark.parametrize(
    ("type_", "config", "key"),
    [
        ("aws_s3_bucket", {"bucket": "b"}, ("arn", "s3", "b")),
        ("aws_lambda_function", {"function_name": "f"}, ("arn", "lambda", "function:f")),
        ("aws_cloudwatch_log_group", {"name": "/aws/lambda/f"}, ("arn", "logs", "log-group:/aws/lambda/f")),
        ("aws_ssm_parameter", {"name": "/pipeline/dev/x"}, ("arn", "ssm", "parameter/pipeline/dev/x")),
        ("aws_cloudwatch_event_rule", {"name": "r", "event_bus_name": "bus"}, ("arn", "events", "rule/bus/r")),
        ("aws_cloudwatch_metric_alarm", {"alarm_name": "a"}, ("arn", "cloudwatch", "alarm:a")),
        ("aws_sfn_state_machine", {"name": "m"}, ("arn", "states", "stateMachine:m")),
        ("aws_subnet", {"tags": {"Name": "s"}}, ("name-tag", "ec2", "subnet", "s")),
    ],
)
def test_identity_rules(type_, config, key):
    from aspects.tfjson import Resource

    resource = Resource.from_config(type_, "x", config)
    expected = static.ExpectedResource("s", resource, True, config.get("tags", {}), False)
    assert drift.identity(expected) == (key, "")


@pytest.mark.parametrize(
    ("type_", "kind"),
    [
        ("aws_s3_bucket", "s3:bucket"),
        ("aws_sqs_queue", "sqs:queue"),
        ("aws_lambda_function", "lambda:function"),
        ("aws_cloudwatch_log_group", "logs:log-group"),
        ("aws_vpc", "ec2:vpc"),
        ("aws_kms_key", "kms:key"),
        ("aws_iam_role", "iam:role"),
        ("aws_s3_bucket_policy", None),
    ],
)
def test_live_type_of_terraform_types(type_, kind):
    assert drift.live_type(type_) == kind
