"""One pipeline step as a Lambda function: the only way this stack creates functions.

Every function gets: arm64, a current Python runtime, its own log group with retention,
its own least-privilege role, the private subnets with HTTPS-only egress, X-Ray, a DLQ,
reserved concurrency and KMS-encrypted environment variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tfcdk import AssetType, Construct, TerraformAsset
from tfcdk.aws import load

from ..layer_build import LAYER_DESCRIPTION, BuiltLayer
from ..packaging import stage
from .iam import Statement, service_role
from .logs import encrypted_log_group

_function = load("lambda_function")
_layer = load("lambda_layer_version")

RUNTIME = "python3.12"
ARCHITECTURE = "arm64"

# ENI management for VPC functions: what AWSLambdaVPCAccessExecutionRole grants, without wildcards.
_ENI_DESCRIBE = (
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcs",
)
_ENI_MANAGE = (
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
_TRACING = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")


def _layer_version(scope: Construct, *, name: str, description: str, filename: str, source_code_hash: str) -> Any:
    """A layer version for the pipeline's functions: their runtime and architecture only."""
    return _layer.LambdaLayerVersion(
        scope,
        "layer",
        layer_name=name,
        description=description,
        filename=filename,
        source_code_hash=source_code_hash,
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
    )


class SharedLayer(Construct):
    """The shared handler library (``handlers/layer``), packaged at synth, arm64-compatible."""

    def __init__(self, scope: Construct, id_: str, *, name: str, source: Path, staging: Path) -> None:
        super().__init__(scope, id_)
        self.staged = stage(source, staging / name)
        self.asset = TerraformAsset(self, "code", path=str(self.staged), type=AssetType.ARCHIVE)
        self.layer = _layer_version(
            self,
            name=name,
            description="Shared transaction-pipeline library (txn_pipeline)",
            filename=self.asset.path,
            source_code_hash=self.asset.asset_hash,
        )
        self.arn: str = self.layer.arn


class DependencyLayer(Construct):
    """The handlers' third-party dependencies, prebuilt for the functions' platform
    (:func:`stack.layer_build.build`): the zip is the asset as is, its SHA-256 the code hash."""

    def __init__(self, scope: Construct, id_: str, *, name: str, built: BuiltLayer) -> None:
        super().__init__(scope, id_)
        self.built = built
        self.asset = TerraformAsset(self, "code", path=str(built.zip_path), type=AssetType.FILE)
        self.layer = _layer_version(
            self,
            name=name,
            description=LAYER_DESCRIPTION,
            filename=self.asset.path,
            source_code_hash=built.sha256_base64,
        )
        self.arn: str = self.layer.arn


class PipelineFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        function_name: str,
        role_name: str,
        source: Path,
        staging: Path,
        layer_arns: Sequence[str],
        memory_mb: int,
        timeout_seconds: int,
        reserved_concurrency: int | None,
        ephemeral_storage_mb: int = 512,
        environment: Mapping[str, str],
        subnet_ids: Sequence[str],
        subnet_arns: Sequence[str],
        security_group_ids: Sequence[str],
        security_group_arns: Sequence[str],
        permissions: Sequence[Statement],
        log_retention_days: int,
        kms_key_arn: str,
        dead_letter_queue_arn: str,
        account_id: str,
        region: str,
        partition: str,
    ) -> None:
        super().__init__(scope, id_)
        problems = []
        if not 128 <= memory_mb <= 10240:
            problems.append(f"memory_mb={memory_mb} outside 128..10240")
        if not 1 <= timeout_seconds <= 900:
            problems.append(f"timeout_seconds={timeout_seconds} outside 1..900")
        if not 512 <= ephemeral_storage_mb <= 10240:
            problems.append(f"ephemeral_storage_mb={ephemeral_storage_mb} outside 512..10240")
        if not subnet_ids or not security_group_ids:
            problems.append("a pipeline function must run in private subnets with a security group")
        if problems:
            raise ValueError(f"{function_name}: " + "; ".join(problems))

        self.log_group = encrypted_log_group(
            self, "logs", name=f"/aws/lambda/{function_name}", retention_days=log_retention_days,
            kms_key_arn=kms_key_arn,
        )  # fmt: skip
        eni_arn = f"arn:{partition}:ec2:{region}:{account_id}:network-interface/*"
        baseline = [
            Statement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[f"{self.log_group.arn}:*"],
            ),
            Statement(sid="DescribeNetwork", actions=list(_ENI_DESCRIBE), resources=["*"]),
            Statement(
                sid="ManageOwnEnis", actions=list(_ENI_MANAGE), resources=[eni_arn, *subnet_arns, *security_group_arns]
            ),
            Statement(sid="Tracing", actions=list(_TRACING), resources=["*"]),
            Statement(sid="DeadLetter", actions=["sqs:SendMessage"], resources=[dead_letter_queue_arn]),
        ]
        self.service_role = service_role(
            self,
            role_name=role_name,
            policy_name=f"{function_name}-permissions",
            service="lambda.amazonaws.com",
            account_id=account_id,
            statements=[*baseline, *permissions],
        )
        self.role = self.service_role.role
        self.policy_document = self.service_role.permissions
        self.role_policy = self.service_role.policy
        self.staged = stage(source, staging / function_name)
        self.asset = TerraformAsset(self, "code", path=str(self.staged), type=AssetType.ARCHIVE)
        self.function = _function.LambdaFunction(
            self,
            "function",
            function_name=function_name,
            role=self.role.arn,
            handler="app.handler",
            runtime=RUNTIME,
            architectures=[ARCHITECTURE],
            filename=self.asset.path,
            source_code_hash=self.asset.asset_hash,
            layers=list(layer_arns),
            memory_size=memory_mb,
            ephemeral_storage={"size": ephemeral_storage_mb},
            timeout=timeout_seconds,
            reserved_concurrent_executions=reserved_concurrency if reserved_concurrency is not None else -1,
            environment={"variables": dict(environment)},
            kms_key_arn=kms_key_arn,
            vpc_config={"subnet_ids": list(subnet_ids), "security_group_ids": list(security_group_ids)},
            tracing_config={"mode": "Active"},
            logging_config={"log_format": "JSON", "log_group": self.log_group.name},
            dead_letter_config={"target_arn": dead_letter_queue_arn},
            depends_on=[self.log_group, self.role_policy],
        )
        self.name: str = self.function.function_name
        self.arn: str = self.function.arn
