"""The previous design of the pipeline: the cost baseline the business case ("cut monthly operational
costs by 30 percent") was measured against. An example to synthesize and cost, never deployed.

    make legacy-synth                                        # -> cdktf.legacy.out
    cost-estimate cdktf.out --compare cdktf.legacy.out       # = make cost-compare

Built from the stack's own constructs, with the old design's choices:

* DynamoDB with PROVISIONED capacity (``LEGACY_CAPACITY`` read and write units) instead of on-demand;
* a NAT gateway in each of the three AZs (public subnets, internet gateway, one Elastic IP each) and the
  private subnets' default route through their AZ's NAT; the S3 and DynamoDB gateway endpoints are kept,
  so the functions' data traffic does not cross the NATs (the conservative baseline);
* x86_64 functions and layer;
* no S3 lifecycle rules: every object stays in S3 Standard, forever;
* individually orchestrated Lambdas: the EventBridge rule starts an orchestrator function
  (``examples/legacy_orchestrator``) that invokes ingest, validate, transform and load one after another and
  waits for each, instead of a Step Functions state machine.

Governance: ``govern()`` runs as on any stack. The x86_64 findings (FIN-004 on the functions, FIN-005 on
the layer) are suppressed with a reason, because x86 is the point of this baseline; nothing else is
relaxed. This stack is not synthesized by ``make synth`` and not scanned by the checkov gate or the tag
audit: it is an input to the cost comparison only.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from aspects import GovernancePolicy, govern, suppress
from aspects.synth import synth_failure
from stack.app import config_from_env, summarize
from stack.config import PipelineConfig
from stack.constructs.account import Account
from stack.constructs.data_bucket import DataBucket
from stack.constructs.encryption import DataKey
from stack.constructs.iam import Statement
from stack.constructs.messaging import Alerts
from stack.constructs.metadata_table import PITR_RECOVERY_DAYS, MetadataTable
from stack.constructs.monitoring import AlarmSpec, Monitoring, dashboard_body
from stack.constructs.network import PrivateNetwork
from stack.constructs.pipeline_function import FunctionContext, PipelineFunction, SharedLayer
from stack.pipeline_stack import HANDLERS
from stack.steps import SINGLE_PATH, FunctionSettings
from tfcdk import App, Construct, LocalBackend, TerraformStack
from tfcdk.aws import load

_provider = load("provider")
_caller = load("data_aws_caller_identity")
_partition = load("data_aws_partition")
_subnet = load("subnet")
_route_table = load("route_table")
_route = load("route")
_rta = load("route_table_association")
_igw = load("internet_gateway")
_eip = load("eip")
_nat = load("nat_gateway")
_rule = load("cloudwatch_event_rule")
_target = load("cloudwatch_event_target")
_permission = load("lambda_permission")

LEGACY_ARCHITECTURE = "x86_64"
LEGACY_TMP_MB = 512  # the old functions had Lambda's default /tmp
LEGACY_CAPACITY = 25  # provisioned read and write capacity units (sized for bursts of files, not the average)
PUBLIC_SUBNET_CIDRS = ("10.0.48.0/20", "10.0.64.0/20", "10.0.80.0/20")
ORCHESTRATOR_SOURCE = Path(__file__).with_name("legacy_orchestrator")
X86_REASON = "legacy baseline for the cost comparison: x86_64 is the design being measured, never deployed"

# What each step may do, as the old functions had it: S3 actions on prefixes, DynamoDB actions on the table.
STEP_ACCESS = {
    "ingest": (["s3:GetObject", "s3:GetObjectVersion"], ["raw/*"], ["dynamodb:GetItem", "dynamodb:PutItem"]),
    "validate": (["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], ["raw/*", "quarantine/*"],
                 ["dynamodb:GetItem", "dynamodb:UpdateItem"]),
    "transform": (["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], ["raw/*", "curated/*"],
                  ["dynamodb:GetItem", "dynamodb:UpdateItem"]),
    "load": (["s3:GetObject"], ["curated/*"], ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:UpdateItem"]),
}  # fmt: skip


class LegacyPipelineStack(TerraformStack):
    def __init__(self, scope: Construct, id_: str, *, config: PipelineConfig, staging_dir: Path) -> None:
        super().__init__(scope, id_)
        c = config
        self.governance = govern(
            self, GovernancePolicy(tags=c.required_tags, min_pitr_recovery_days=PITR_RECOVERY_DAYS)
        )
        LocalBackend(self, path=f"terraform.{id_}.tfstate")
        _provider.AwsProvider(self, "aws", region=c.region, default_tags=[{"tags": c.required_tags}])
        account_id = _caller.DataAwsCallerIdentity(self, "current").account_id
        partition = _partition.DataAwsPartition(self, "partition").partition
        staging = staging_dir / c.environment_suffix

        account = Account(id=account_id, region=c.region, partition=partition)
        key = DataKey(self, "data_key", name=c.name("kms", "data"), account=account)
        bucket = DataBucket(self, "data_bucket", bucket_name=c.bucket_name, kms_key_arn=key.arn)
        bucket.node.try_remove_child("lifecycle")  # no lifecycle rules: everything stays in S3 Standard
        table = MetadataTable(self, "metadata", name=c.name("ddb", "metadata"), kms_key_arn=key.arn)
        table.table.add_override("billing_mode", "PROVISIONED")
        table.table.add_override("read_capacity", LEGACY_CAPACITY)
        table.table.add_override("write_capacity", LEGACY_CAPACITY)
        alerts = Alerts(self, "alerts", topic_name=c.name("sns", "alerts"), dlq_name=c.name("sqs", "dlq"),
                        kms_key_arn=key.arn, alert_email=c.alert_email)  # fmt: skip
        network = PrivateNetwork(
            self, "network", name=f"pipeline-{c.environment_suffix}", cidr=c.vpc_cidr,
            subnet_cidrs=c.private_subnet_cidrs, zones=c.zones, account=account,
            log_retention_days=c.log_retention_days, kms_key_arn=key.arn,
        )  # fmt: skip
        self._nat_per_zone(network, c)
        layer = SharedLayer(self, "shared_layer", name=c.name("layer", "common"), source=HANDLERS / "layer",
                            staging=staging)  # fmt: skip
        layer.layer.add_override("compatible_architectures.0", LEGACY_ARCHITECTURE)
        suppress(layer, "FIN-005", X86_REASON)

        context = FunctionContext(
            account=account, placement=network.placement,
            staging=staging, layer_arns=[layer.arn], kms_key_arn=key.arn, dead_letter_queue_arn=alerts.dlq_arn,
            log_retention_days=c.log_retention_days,
        )  # fmt: skip
        environment = {"TABLE_NAME": table.name, "DATA_BUCKET": bucket.name, "ALERT_TOPIC_ARN": alerts.topic_arn,
                       "ENVIRONMENT_SUFFIX": c.environment_suffix, "LOG_LEVEL": "INFO"}  # fmt: skip
        use_key = Statement(sid="UseDataKey", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.arn])
        self.functions: dict[str, PipelineFunction] = {}
        for step in (s.name for s in SINGLE_PATH):
            s3_actions, prefixes, table_actions = STEP_ACCESS[step]
            self.functions[step] = PipelineFunction(
                self, f"{step}_fn", function_name=c.name("lambda", step), role_name=c.name("role", f"lambda-{step}"),
                source=HANDLERS / "functions" / step,
                settings=dataclasses.replace(c.functions[step], ephemeral_storage_mb=LEGACY_TMP_MB),
                environment={**environment, "SERVICE_NAME": step},
                permissions=[
                    Statement(sid="Objects", actions=s3_actions, resources=[f"{bucket.arn}/{p}" for p in prefixes]),
                    Statement(sid="JobTable", actions=table_actions, resources=[table.arn]),
                    use_key,
                ],
                context=context,
            )  # fmt: skip
        step_arns = [fn.arn for fn in self.functions.values()]
        orchestrator = PipelineFunction(
            self, "orchestrator_fn", function_name=c.name("lambda", "orchestrator"),
            role_name=c.name("role", "lambda-orchestrator"), source=ORCHESTRATOR_SOURCE,
            settings=FunctionSettings(memory_mb=256, timeout_seconds=900, reserved_concurrency=10),
            environment={**environment, "SERVICE_NAME": "orchestrator",
                         **{f"{step.upper()}_FUNCTION": fn.name for step, fn in self.functions.items()}},
            permissions=[
                Statement(sid="InvokeSteps", actions=["lambda:InvokeFunction"], resources=step_arns),
                Statement(sid="PublishAlert", actions=["sns:Publish"], resources=[alerts.topic_arn]),
                use_key,
            ],
            context=context,
        )  # fmt: skip
        self.functions["orchestrator"] = orchestrator
        for fn in self.functions.values():
            fn.function.add_override("architectures.0", LEGACY_ARCHITECTURE)
            suppress(fn.function, "FIN-004", X86_REASON)

        rule = _rule.CloudwatchEventRule(
            self, "trigger", name=c.name("evr", "raw-object"),
            description=f"Run the orchestrator for every object created under s3://{c.bucket_name}/raw/",
            event_pattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"],
                                      "detail": {"bucket": {"name": [c.bucket_name]},
                                                 "object": {"key": [{"prefix": "raw/"}]}}}),
        )  # fmt: skip
        _target.CloudwatchEventTarget(self, "trigger_target", rule=rule.name, arn=orchestrator.arn,
                                      dead_letter_config={"arn": alerts.dlq_arn})  # fmt: skip
        _permission.LambdaPermission(self, "trigger_permission", action="lambda:InvokeFunction",
                                     function_name=orchestrator.name, principal="events.amazonaws.com",
                                     source_arn=rule.arn)  # fmt: skip
        alerts.allow_event_rule(rule_arn=rule.arn)

        alarms = [
            AlarmSpec(name=c.name("alarm", f"{step}-{metric.lower()}"), namespace="AWS/Lambda", metric=metric,
                      dimensions={"FunctionName": fn.name}, description=f"{step} function {metric.lower()}")
            for step, fn in self.functions.items()
            for metric in ("Errors", "Throttles")
        ]  # fmt: skip
        monitoring = Monitoring(
            self, "monitoring", dashboard_name=c.name("dashboard", "pipeline"), region=c.region,
            functions={step: fn.name for step, fn in self.functions.items()}, state_machine_arn="",
            table_name=table.name, bucket_name=bucket.name, alarms=alarms, alert_topic_arn=alerts.topic_arn,
        )  # fmt: skip
        body = dashboard_body(region=c.region, functions={s: f.name for s, f in self.functions.items()},
                              state_machine_arn="", table_name=table.name, bucket_name=bucket.name)  # fmt: skip
        body["widgets"] = [w for w in body["widgets"] if "AWS/States" not in json.dumps(w)]  # no state machine
        monitoring.dashboard.add_override("dashboard_body", json.dumps(body, sort_keys=True))

    def _nat_per_zone(self, network: PrivateNetwork, c: PipelineConfig) -> None:
        """Public subnets, an internet gateway and a NAT gateway per AZ; each private subnet routes through
        its AZ's NAT (its own route table, which the S3 and DynamoDB gateway endpoints also serve)."""
        igw = _igw.InternetGateway(self, "igw", vpc_id=network.vpc.id)
        public = _route_table.RouteTable(self, "public_routes", vpc_id=network.vpc.id)
        private_tables = [network.route_table.id]
        _route.Route(self, "public_default", route_table_id=public.id, destination_cidr_block="0.0.0.0/0",
                     gateway_id=igw.id)  # fmt: skip
        for index, (cidr, zone) in enumerate(zip(PUBLIC_SUBNET_CIDRS, c.zones, strict=True)):
            subnet = _subnet.Subnet(self, f"public_{index}", vpc_id=network.vpc.id, cidr_block=cidr,
                                    availability_zone=zone, map_public_ip_on_launch=False)  # fmt: skip
            _rta.RouteTableAssociation(self, f"public_{index}_routes", subnet_id=subnet.id, route_table_id=public.id)
            address = _eip.Eip(self, f"nat_{index}_ip", domain="vpc")
            nat = _nat.NatGateway(self, f"nat_{index}", allocation_id=address.id, subnet_id=subnet.id,
                                  depends_on=[igw])  # fmt: skip
            private = _route_table.RouteTable(self, f"private_{index}_routes", vpc_id=network.vpc.id)
            _route.Route(self, f"private_{index}_default", route_table_id=private.id,
                         destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)  # fmt: skip
            private_tables.append(private.id)
            association = network.node.find_child(f"private_{index}_routes")
            association.add_override("route_table_id", private.id)  # type: ignore[attr-defined]
        for endpoint in network.gateway_endpoints.values():
            endpoint.add_override("route_table_ids", private_tables)


def main() -> int:
    started = time.perf_counter()
    config = config_from_env(os.environ)
    outdir = Path(os.environ.get("CDKTF_OUTDIR", "cdktf.legacy.out"))
    app = App(outdir=str(outdir))
    stack_name = f"legacy-pipeline-{config.environment_suffix}"
    stack = LegacyPipelineStack(app, stack_name, config=config, staging_dir=outdir / ".staging")
    try:
        app.synth()
    except Exception as error:  # jsii wraps the synth errors
        return synth_failure(error)
    path = outdir / "stacks" / stack_name / "cdk.tf.json"
    report = stack.governance.report
    suppressed = len(report.suppressed) if report is not None else 0
    print(
        f"synthesized {path} in {time.perf_counter() - started:.1f}s (legacy design, env={config.environment_suffix})"
    )
    print(f"governance: {len(report.errors) if report else 0} violations, {suppressed} suppressed findings (x86_64)")
    print(summarize(json.loads(path.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
