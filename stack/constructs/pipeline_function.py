"""One pipeline step as a Lambda function: the only way this stack creates functions.

Every function gets: arm64, a current Python runtime, its own log group with retention,
its own least-privilege role, the private subnets with HTTPS-only egress, X-Ray, a DLQ,
reserved concurrency and KMS-encrypted environment variables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfcdk import AssetType, Construct, TerraformAsset
from tfcdk.aws import load

from ..layer_build import LAYER_DESCRIPTION, BuiltLayer
from ..packaging import stage
from ..steps import FunctionSettings
from .account import Account
from .iam import Statement, service_role
from .logs import encrypted_log_group
from .network import Placement

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


@dataclass(frozen=True, kw_only=True)
class FunctionContext:
    """What every pipeline function of a stack shares: where it deploys and runs in the network, the staging
    folder of its code, the layers, the key its logs and environment are encrypted with, its dead-letter
    queue and its log retention."""

    account: Account
    placement: Placement
    staging: Path
    layer_arns: Sequence[str]
    kms_key_arn: str
    dead_letter_queue_arn: str
    log_retention_days: int


class PipelineFunction(Construct):
    """``source`` (a handler folder with ``app.py``) as one function named ``function_name`` with its own role
    ``role_name``: the baseline statements plus ``permissions``."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        function_name: str,
        role_name: str,
        source: Path,
        settings: FunctionSettings,
        environment: Mapping[str, str],
        permissions: Sequence[Statement],
        context: FunctionContext,
    ) -> None:
        super().__init__(scope, id_)
        s, placement, kms_key_arn = settings, context.placement, context.kms_key_arn
        problems = []
        if not 128 <= s.memory_mb <= 10240:
            problems.append(f"memory_mb={s.memory_mb} outside 128..10240")
        if not 1 <= s.timeout_seconds <= 900:
            problems.append(f"timeout_seconds={s.timeout_seconds} outside 1..900")
        if not 512 <= s.ephemeral_storage_mb <= 10240:
            problems.append(f"ephemeral_storage_mb={s.ephemeral_storage_mb} outside 512..10240")
        if not placement.subnet_ids or not placement.security_group_ids:
            problems.append("a pipeline function must run in private subnets with a security group")
        if problems:
            raise ValueError(f"{function_name}: " + "; ".join(problems))

        self.log_group = encrypted_log_group(
            self, "logs", name=f"/aws/lambda/{function_name}", retention_days=context.log_retention_days,
            kms_key_arn=kms_key_arn,
        )  # fmt: skip
        eni_arn = context.account.arn("ec2", "network-interface/*")
        baseline = [
            Statement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[f"{self.log_group.arn}:*"],
            ),
            Statement(sid="DescribeNetwork", actions=list(_ENI_DESCRIBE), resources=["*"]),
            Statement(
                sid="ManageOwnEnis",
                actions=list(_ENI_MANAGE),
                resources=[eni_arn, *placement.subnet_arns, *placement.security_group_arns],
            ),
            Statement(sid="Tracing", actions=list(_TRACING), resources=["*"]),
            Statement(sid="DeadLetter", actions=["sqs:SendMessage"], resources=[context.dead_letter_queue_arn]),
        ]
        self.service_role = service_role(
            self,
            role_name=role_name,
            policy_name=f"{function_name}-permissions",
            service="lambda.amazonaws.com",
            account_id=context.account.id,
            statements=[*baseline, *permissions],
        )
        self.role = self.service_role.role
        self.policy_document = self.service_role.permissions
        self.role_policy = self.service_role.policy
        self.staged = stage(source, context.staging / function_name)
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
            layers=list(context.layer_arns),
            memory_size=s.memory_mb,
            ephemeral_storage={"size": s.ephemeral_storage_mb},
            timeout=s.timeout_seconds,
            reserved_concurrent_executions=-1 if s.reserved_concurrency is None else s.reserved_concurrency,
            environment={"variables": dict(environment)},
            kms_key_arn=kms_key_arn,
            vpc_config={
                "subnet_ids": list(placement.subnet_ids),
                "security_group_ids": list(placement.security_group_ids),
            },
            tracing_config={"mode": "Active"},
            logging_config={"log_format": "JSON", "log_group": self.log_group.name},
            dead_letter_config={"target_arn": context.dead_letter_queue_arn},
            depends_on=[self.log_group, self.role_policy],
        )
        self.name: str = self.function.function_name
        self.arn: str = self.function.arn
