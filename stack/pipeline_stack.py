"""The financial transaction data pipeline, as one CDKTF stack.

S3 (raw/) -> EventBridge -> Step Functions (ingest -> validate -> transform -> load Lambdas, arm64,
a dependency layer and the shared code layer) -> DynamoDB job metadata; SNS alerts, SQS DLQ,
CloudWatch dashboard and alarms, a private 3-AZ VPC without NAT, SSM parameter exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aspects import govern
from aspects.policy import load_policy
from tfcdk import Construct, LocalBackend, S3Backend, TerraformStack
from tfcdk.aws import load

from .config import PipelineConfig
from .constructs.account import Account
from .constructs.analytics import CuratedAnalytics
from .constructs.data_bucket import WORK_PREFIX, DataBucket
from .constructs.encryption import DataKey
from .constructs.exports import Exports
from .constructs.iam import Statement
from .constructs.messaging import Alerts
from .constructs.metadata_table import MetadataTable
from .constructs.monitoring import AlarmSpec, Monitoring
from .constructs.network import PrivateNetwork
from .constructs.pipeline_function import DependencyLayer, FunctionContext, PipelineFunction, SharedLayer
from .constructs.workflow import Workflow
from .constructs.workflow_definition import FanOut
from .layer_build import AWS_ARM64, Platform, build, check_limits, unzipped_size
from .steps import STEPS, Resource

_provider = load("provider")
_caller = load("data_aws_caller_identity")
_partition = load("data_aws_partition")

REPO_ROOT = Path(__file__).resolve().parent.parent
POLICY_FILE = REPO_ROOT / "governance.toml"  # the organisation's policy (docs/governance.md)
HANDLERS = REPO_ROOT / "handlers"
#: the curated Parquet columns as Glue/Hive types (the engine writes them: txn_pipeline.engine.CURATED_COLUMNS;
#: tests/stack/test_analytics.py checks the two agree on a real Parquet file)
CURATED_COLUMNS = (
    ("transaction_id", "string"),
    ("amount", "decimal(22,4)"),
    ("currency", "string"),
    ("timestamp", "timestamp"),
    ("merchant", "string"),
    ("status", "string"),
    ("extra", "map<string,string>"),
)


@dataclass(frozen=True, kw_only=True)
class DependencyBuild:
    """Where the dependency layer comes from: the handlers' lock, built for ``platform`` by ``uv``,
    cached in ``cache`` (see :mod:`stack.layer_build`)."""

    lock: Path = HANDLERS / "requirements.txt"
    cache: Path = REPO_ROOT / ".gen" / "layers"
    uv: Path = REPO_ROOT / ".venv-uv" / "bin" / "uv"
    platform: Platform = AWS_ARM64


def stack_id(config: PipelineConfig) -> str:
    return f"pipeline-{config.environment_suffix}"


class PipelineStack(TerraformStack):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: PipelineConfig,
        handlers_dir: Path = HANDLERS,
        staging_dir: Path = REPO_ROOT / ".gen" / "assets",
        dependencies: DependencyBuild | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.config = c = config
        # Organisation policy first: tags applied and every rule enforced when this stack synthesizes.
        self.governance = govern(self, load_policy(POLICY_FILE).replace_tags(**c.required_tags))
        self._backend(id_)
        _provider.AwsProvider(self, "aws", region=c.region, default_tags=[{"tags": c.required_tags}])
        account_id = _caller.DataAwsCallerIdentity(self, "current").account_id
        partition = _partition.DataAwsPartition(self, "partition").partition
        account = Account(id=account_id, region=c.region, partition=partition)
        staging = staging_dir / c.environment_suffix

        self.key = DataKey(self, "data_key", name=c.name("kms", "data"), account=account)
        self.bucket = DataBucket(self, "data_bucket", bucket_name=c.bucket_name, kms_key_arn=self.key.arn)
        self.table = MetadataTable(self, "metadata", name=c.name("ddb", "metadata"), kms_key_arn=self.key.arn)
        self.alerts = Alerts(
            self, "alerts", topic_name=c.name("sns", "alerts"), dlq_name=c.name("sqs", "dlq"),
            kms_key_arn=self.key.arn, alert_email=c.alert_email,
        )  # fmt: skip
        self.network = PrivateNetwork(
            self, "network", name=f"pipeline-{c.environment_suffix}", cidr=c.vpc_cidr,
            subnet_cidrs=c.private_subnet_cidrs, zones=c.zones, account=account,
            log_retention_days=c.log_retention_days, kms_key_arn=self.key.arn,
        )  # fmt: skip
        deps = dependencies or DependencyBuild()
        self.dependency_layer = DependencyLayer(
            self, "dependency_layer", name=c.name("layer", "deps"),
            built=build(deps.lock, deps.platform, deps.cache, uv=deps.uv),
        )  # fmt: skip
        self.layer = SharedLayer(
            self, "shared_layer", name=c.name("layer", "common"), source=handlers_dir / "layer", staging=staging
        )
        self.functions = self._step_functions(
            handlers_dir,
            FunctionContext(
                account=account, placement=self.network.placement, staging=staging,
                layer_arns=[self.dependency_layer.arn, self.layer.arn], kms_key_arn=self.key.arn,
                dead_letter_queue_arn=self.alerts.dlq_arn, log_retention_days=c.log_retention_days,
            ),
        )  # fmt: skip
        self._check_lambda_limits()
        self.workflow = Workflow(
            self, "workflow", state_machine_name=c.name("sfn", "pipeline"), role_name=c.name("role", "sfn-pipeline"),
            trigger_rule_name=c.name("evr", "raw-object"), trigger_role_name=c.name("role", "evr-raw-object"),
            functions={step.state: (self.functions[step.name].arn, c.functions[step.name].timeout_seconds)
                       for step in STEPS},
            fanout=FanOut(threshold_bytes=c.fanout.threshold_bytes, max_concurrency=c.fanout.max_concurrency),
            table_name=self.table.name, table_arn=self.table.arn, alert_topic_arn=self.alerts.topic_arn,
            bucket_name=c.bucket_name, kms_key_arn=self.key.arn, dead_letter_queue_arn=self.alerts.dlq_arn,
            log_retention_days=c.log_retention_days, account=account,
        )  # fmt: skip
        self.alerts.allow_event_rule(rule_arn=self.workflow.rule.arn)
        self.analytics = CuratedAnalytics(
            self, "analytics", database_name=c.name("glue", "curated").replace("-", "_"),
            table_name=f"transactions_{c.environment_suffix}".replace("-", "_"),
            workgroup_name=c.name("athena", "analysts"), policy_name=c.name("policy", "curated-readers"),
            bucket_name=c.bucket_name, bucket_arn=self.bucket.arn, data_prefix="curated/",
            results_prefix="athena-results/", columns=CURATED_COLUMNS, partition_key="date", first_day="2000-01-01",
            kms_key_arn=self.key.arn, bytes_scanned_cutoff=100 * 2**30, account=account,
        )  # fmt: skip
        self.monitoring = Monitoring(
            self, "monitoring", dashboard_name=c.name("dashboard", "pipeline"), region=c.region,
            functions={step: fn.name for step, fn in self.functions.items()}, state_machine_arn=self.workflow.arn,
            table_name=self.table.name, bucket_name=self.bucket.name, alarms=self._alarms(),
            alert_topic_arn=self.alerts.topic_arn,
        )  # fmt: skip
        self.exports = self._exports()

    def _backend(self, id_: str) -> None:
        backend = self.config.backend
        if backend is None:
            LocalBackend(self, path=f"terraform.{id_}.tfstate")
            return
        S3Backend(self, bucket=backend.bucket, key=backend.key, region=backend.region, encrypt=True)
        # S3-native state locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
        self.add_override("terraform.backend.s3.use_lockfile", True)

    def _step_functions(self, handlers_dir: Path, context: FunctionContext) -> dict[str, PipelineFunction]:
        """One function per row of the table of steps, with the row's sizing and IAM needs (plus the data key)."""
        c, bucket_arn = self.config, self.bucket.arn
        arns: dict[Resource, str] = {
            "raw": f"{bucket_arn}/raw/*",
            "quarantine": f"{bucket_arn}/quarantine/*",
            "curated": f"{bucket_arn}/curated/*",
            "work": f"{bucket_arn}/{WORK_PREFIX}*",  # a large object's intermediates
            "table": self.table.arn,
        }
        use_key = Statement(sid="UseDataKey", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[self.key.arn])
        fanout_env = {
            "FANOUT_RANGE_BYTES": str(c.fanout.range_bytes),
            "FANOUT_PARTITION_BYTES": str(c.fanout.partition_bytes),
        }
        return {
            step.name: PipelineFunction(
                self,
                f"{step.name}_fn",
                function_name=c.name("lambda", step.name),
                role_name=c.name("role", f"lambda-{step.name}"),
                source=handlers_dir / "functions" / step.name,
                settings=c.functions[step.name],
                environment={
                    "TABLE_NAME": self.table.name,
                    "DATA_BUCKET": self.bucket.name,
                    "ALERT_TOPIC_ARN": self.alerts.topic_arn,
                    "ENVIRONMENT_SUFFIX": c.environment_suffix,
                    "SERVICE_NAME": step.name,
                    "LOG_LEVEL": "INFO",
                    **(fanout_env if step.reads_fanout_settings else {}),
                },
                permissions=[
                    *(
                        Statement(sid=a.sid, actions=a.actions, resources=[arns[r] for r in a.resources])
                        for a in step.access
                    ),
                    use_key,
                ],
                context=context,
            )
            for step in STEPS
        }

    def _alarms(self) -> list[AlarmSpec]:
        """Each step's alarms (from the table of steps), failed executions and a non-empty dead-letter queue."""
        c = self.config
        alarms = [
            AlarmSpec(
                name=c.name("alarm", f"{step.name}-{metric.lower()}"),
                namespace="AWS/Lambda",
                metric=metric,
                dimensions={"FunctionName": self.functions[step.name].name},
                description=f"{step.name} function {metric.lower()} in the last 5 minutes",
            )
            for step in STEPS
            for metric in step.alarms
        ]
        alarms.append(
            AlarmSpec(
                name=c.name("alarm", "executions-failed"),
                namespace="AWS/States",
                metric="ExecutionsFailed",
                dimensions={"StateMachineArn": self.workflow.arn},
                description="A pipeline execution failed",
            )
        )
        alarms.append(
            AlarmSpec(
                name=c.name("alarm", "dlq-depth"),
                namespace="AWS/SQS",
                metric="ApproximateNumberOfMessagesVisible",
                statistic="Maximum",
                dimensions={"QueueName": self.alerts.dlq.name},
                description="Undeliverable events or failed async invocations are waiting in the DLQ",
            )
        )
        return alarms

    def _exports(self) -> Exports:
        """What other stacks and the operations tools read, under ``/pipeline/<suffix>/`` in SSM."""
        return Exports(
            self,
            "exports",
            prefix=f"/pipeline/{self.config.environment_suffix}/",
            values={
                "bucket-name": self.bucket.name,
                "table-name": self.table.name,
                "state-machine-arn": self.workflow.arn,
                "vpc-id": self.network.vpc.id,
                "alert-topic-arn": self.alerts.topic_arn,
                "athena-workgroup": self.analytics.workgroup_name,
                "glue-database": self.analytics.database_name,
                "curated-table": self.analytics.table_name,
                "curated-readers-policy-arn": self.analytics.reader_policy.arn,
            },
            lists={"private-subnet-ids": self.network.subnet_ids},
        )

    def _check_lambda_limits(self) -> None:
        """Each function's code and layers, unzipped, against Lambda's limits (fails the synth)."""
        built = self.dependency_layer.built
        layers = {"dependency layer": built.unzipped_bytes, "code layer": unzipped_size(self.layer.staged)}
        for fn in self.functions.values():
            check_limits(
                fn.node.id,
                code_bytes=unzipped_size(fn.staged),
                layers=layers,
                zips=[("the dependency layer", built.zip_bytes)],
            )
