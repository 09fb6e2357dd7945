"""Team B's report service: requests on a queue, jobs in a table, a renderer role, its logs.

Declared with the core ``TerraformProvider``/``TerraformResource`` classes, so it needs no provider
bindings (the prebuilt AWS bindings for CDK Terrain pin a provider major this team does not use yet).
"""

from __future__ import annotations

import json

from constructs import Construct

try:  # the team builds with CDK Terrain; on CDKTF 0.21 only this import differs
    from cdktn import App, TerraformProvider, TerraformResource, TerraformStack
except ImportError:
    from cdktf import App, TerraformProvider, TerraformResource, TerraformStack

from aspects import govern

__all__ = ["App", "ReportsStack"]

REGION = "us-east-2"
PLATFORM_KEY = "arn:aws:kms:us-east-2:123456789012:key/0d5a6e6c-5c4f-4a8e-9b53-2f7c3c1e9a10"  # shared CMK


def resource(scope: Construct, id_: str, type_: str, **config: object) -> TerraformResource:
    element = TerraformResource(scope, id_, terraform_resource_type=type_)
    for key, value in config.items():
        element.add_override(key, value)
    return element


class ReportsStack(TerraformStack):
    def __init__(self, scope: Construct, id_: str, *, environment: str) -> None:
        super().__init__(scope, id_)
        aws = TerraformProvider(self, "aws", terraform_resource_type="aws", terraform_provider_source="hashicorp/aws")
        aws.add_override("region", REGION)
        tags = {"CostCenter": "FIN-REP-007", "Environment": environment, "Owner": "team-b", "Project": "reports"}
        aws.add_override("default_tags", [{"tags": tags}])

        queue = resource(
            self, "requests", "aws_sqs_queue", name=f"reports-requests-{environment}", kms_master_key_id=PLATFORM_KEY
        )
        jobs = resource(
            self,
            "jobs",
            "aws_dynamodb_table",
            name=f"reports-jobs-{environment}",
            billing_mode="PAY_PER_REQUEST",
            hash_key="job_id",
            attribute=[{"name": "job_id", "type": "S"}],
            server_side_encryption={"enabled": True, "kms_key_arn": PLATFORM_KEY},
        )
        resource(
            self,
            "render_logs",
            "aws_cloudwatch_log_group",
            name=f"/team-b/reports-{environment}/render",
            retention_in_days=365,
            kms_key_id=PLATFORM_KEY,
        )
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}
            ],
        }
        role = resource(
            self,
            "render_role",
            "aws_iam_role",
            name=f"reports-render-{environment}",
            assume_role_policy=json.dumps(trust),
        )
        permissions = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                    "Resource": queue.get_string_attribute("arn"),
                },
                {"Effect": "Allow", "Action": "dynamodb:*", "Resource": jobs.get_string_attribute("arn")},
            ],
        }
        resource(
            self,
            "render_permissions",
            "aws_iam_role_policy",
            role=role.get_string_attribute("name"),
            policy=json.dumps(permissions),
        )
        govern(self)  # policy: ./governance.toml
