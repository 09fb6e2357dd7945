"""A small stack of another team, declared with ``TerraformProvider``/``TerraformResource`` only, so the
same code builds it with cdktf or cdktn. Every resource is named for what governance must say about it."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

TEAM_TAGS = {"CostCenter": "CC-7", "Environment": "dev", "Owner": "team-b", "Project": "reports"}
WILDCARD = "s3:*"


def resource(lib: ModuleType, scope: Any, id_: str, type_: str, **config: Any) -> Any:
    element = lib.TerraformResource(scope, id_, terraform_resource_type=type_)
    for key, value in config.items():
        element.add_override(key, value)
    return element


def team_stack(lib: ModuleType, *, fixed: bool = False, name: str = "team-dev", app: Any = None) -> tuple[Any, Any]:
    """(app, stack): a bucket, a function with its log group, a policy. Unless ``fixed``: the function
    runs on x86_64, its log group never expires and the policy grants ``s3:*``. ``app``: default a test app."""
    app = app or lib.Testing.app()
    stack = lib.TerraformStack(app, name)
    provider = lib.TerraformProvider(
        stack, "aws", terraform_resource_type="aws", terraform_provider_source="hashicorp/aws"
    )
    provider.add_override("region", "us-east-2")
    provider.add_override("default_tags", [{"tags": TEAM_TAGS}])
    resource(lib, stack, "reports_ok", "aws_s3_bucket", bucket="team-b-reports", force_destroy=True)
    resource(
        lib,
        stack,
        "render_fn",
        "aws_lambda_function",
        function_name="render",
        role="arn:aws:iam::123456789012:role/render",
        runtime="python3.12",
        handler="app.handler",
        filename="render.zip",
        architectures=["arm64" if fixed else "x86_64"],
    )
    retention = {"retention_in_days": 14} if fixed else {}
    resource(lib, stack, "render_logs", "aws_cloudwatch_log_group", name="/aws/lambda/render", **retention)
    action = "s3:GetObject" if fixed else WILDCARD
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    resource(lib, stack, "render_policy", "aws_iam_policy", name="render", policy=json.dumps(document))
    return app, stack
