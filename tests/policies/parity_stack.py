"""The Parity stack: one document that violates every rule, under a policy that differs from the defaults in
every field (tests/policies/test_parity.py; fixtures/generate.py writes it to fixtures/Parity/)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from typing import Any

from aspects import govern, suppress
from aspects.policy import policy_from_mapping
from tests.aspects import breadth_cases
from tfcdk import App, TerraformStack
from tfcdk.aws import load

REASON = "accepted by the platform team, see ADR-7"
EXPIRED_ON = "2020-01-31"
ROLE_ARN = "arn:aws:iam::123456789012:role/exec"
ACCOUNT_ROOT = "arn:aws:iam::123456789012:root"
AwsProvider = load("provider").AwsProvider
S3Bucket = load("s3_bucket").S3Bucket
IamPolicy = load("iam_policy").IamPolicy
KmsKey = load("kms_key").KmsKey
LambdaFunction = load("lambda_function").LambdaFunction
LambdaLayerVersion = load("lambda_layer_version").LambdaLayerVersion
LogGroup = load("cloudwatch_log_group").CloudwatchLogGroup
DynamodbTable = load("dynamodb_table").DynamodbTable


def policy_json(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def function(scope: Any, name: str, **kwargs: Any) -> Any:
    kwargs.setdefault("architectures", ["arm64"])
    return LambdaFunction(
        scope, name, function_name=name, role=ROLE_ARN, runtime="python3.12", handler="app.handler",
        filename="fn.zip", **kwargs,
    )  # fmt: skip


def table(scope: Any, name: str, **kwargs: Any) -> Any:
    return DynamodbTable(
        scope, name, name=name, hash_key="pk", billing_mode="PAY_PER_REQUEST",
        attribute=[{"name": "pk", "type": "S"}], **kwargs,
    )  # fmt: skip


PARITY_POLICY = """
[tags]
required = ["CostCenter", "Team"]
defaults = { Team = "payments" }
[logs]
allowed_retention_days = [7, 30]
[dynamodb]
min_pitr_recovery_days = 30
[rules]
FIN-004 = "warning"
FIN-005 = "off"
FIN-003 = "error"
"""


def parity(app: App) -> tuple[TerraformStack, Any]:
    """Violates every rule; the policy (PARITY_POLICY) turns FIN-004 into a warning and FIN-005 off."""
    policy = policy_from_mapping(tomllib.loads(PARITY_POLICY), "PARITY_POLICY")
    s = TerraformStack(app, "Parity")
    AwsProvider(s, "aws", region="eu-west-1", default_tags=[{"tags": {"CostCenter": "cc-42"}}])
    S3Bucket(s, "bucket_force", force_destroy=True)  # Team comes from the policy default: compliant
    S3Bucket(s, "bucket_kept")  # FIN-009
    S3Bucket(s, "bucket_empty_team", force_destroy=True, tags={"Team": " "})  # FIN-001
    IamPolicy(s, "wildcard", policy=policy_json(allow("s3:*")))  # FIN-002
    KmsKey(s, "key", policy=policy_json(allow("kms:*", Principal={"AWS": ACCOUNT_ROOT})))  # FIN-003
    logs = LogGroup(s, "logs_30", name="/aws/lambda/x86", retention_in_days=30)
    function(s, "x86", architectures=["x86_64"], logging_config={"log_format": "JSON", "log_group": logs.name})
    LambdaLayerVersion(s, "layer_x86", layer_name="l", compatible_architectures=["x86_64"])  # FIN-005: off
    LogGroup(s, "logs_14", name="/app/fourteen", retention_in_days=14)  # FIN-006 under this policy
    function(s, "undeclared_logs", logging_config={"log_format": "JSON", "log_group": "/elsewhere"})  # FIN-007
    table(s, "table_29_days", point_in_time_recovery={"enabled": True, "recovery_period_in_days": 29})  # FIN-008
    suppress(S3Bucket(s, "bucket_expired"), "FIN-009", REASON, expires=EXPIRED_ON)  # FIN-009 + FIN-010
    S3Bucket(s, "bucket_short_reason", force_destroy=True).add_override(
        "//.governance", {"suppressions": [{"rule": "FIN-009", "reason": "because"}]}
    )  # FIN-012
    suppress(S3Bucket(s, "bucket_unused", force_destroy=True), "FIN-009", REASON)  # FIN-011: unused, a warning
    breadth_cases.module(s, "vpc")  # FIN-013
    return s, govern(s, policy, today=dt.date(2026, 11, 22))
