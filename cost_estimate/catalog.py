"""What every resource type costs: priced by a pricer, free with the reason, or not priced with the
reason. One place; the census test checks every type of the synthesized stacks is here.

A type missing from the catalog is reported as not priced ("no pricing rule"), never as free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aspects.tfjson import Resource
from cost_estimate.context import Context
from cost_estimate.model import FREE, NOT_PRICED, PRICED, LineItem
from cost_estimate.pricers import analytics, compute, messaging, monitoring, network, security, storage

Pricer = Callable[[Context, Resource], tuple[list[LineItem], list[str]]]


@dataclass(frozen=True)
class Rule:
    service: str
    pricer: Pricer | None = None
    free: str = ""  # why the type itself costs nothing
    not_priced: str = ""  # why it is not priced

    @property
    def kind(self) -> str:
        return PRICED if self.pricer else FREE if self.free else NOT_PRICED


def _free(service: str, reason: str) -> Rule:
    return Rule(service, free=reason)


def _not_priced(service: str, reason: str) -> Rule:
    return Rule(service, not_priced=reason)


_IAM = "IAM: no charge"
_NET = "VPC networking objects have no charge"
_S3_SETTING = "a bucket setting: what it changes is priced on the bucket (storage, requests)"

CATALOG: dict[str, Rule] = {
    # priced
    "aws_lambda_function": Rule(compute.LAMBDA, compute.lambda_function),
    "aws_sfn_state_machine": Rule(compute.STATES, compute.state_machine),
    "aws_s3_bucket": Rule(storage.S3, storage.s3_bucket),
    "aws_dynamodb_table": Rule(storage.DYNAMODB, storage.dynamodb_table),
    "aws_kms_key": Rule(security.KMS, security.kms_key),
    "aws_ssm_parameter": Rule(security.SSM, security.ssm_parameter),
    "aws_cloudwatch_log_group": Rule(monitoring.CLOUDWATCH, monitoring.log_group),
    "aws_cloudwatch_metric_alarm": Rule(monitoring.CLOUDWATCH, monitoring.metric_alarm),
    "aws_cloudwatch_composite_alarm": Rule(monitoring.CLOUDWATCH, monitoring.composite_alarm),
    "aws_cloudwatch_dashboard": Rule(monitoring.CLOUDWATCH, monitoring.dashboard),
    "aws_sns_topic": Rule(messaging.SNS, messaging.sns_topic),
    "aws_sqs_queue": Rule(messaging.SQS, messaging.sqs_queue),
    "aws_cloudwatch_event_bus": Rule(messaging.EVENTS, messaging.event_bus),
    "aws_nat_gateway": Rule(network.EC2, network.nat_gateway),
    "aws_eip": Rule(network.VPC, network.public_ipv4),
    "aws_vpc_endpoint": Rule(network.VPC, network.vpc_endpoint),
    "aws_glue_catalog_database": Rule(analytics.GLUE, analytics.glue_database),
    "aws_glue_catalog_table": Rule(analytics.GLUE, analytics.glue_table),
    "aws_athena_workgroup": Rule(analytics.ATHENA, analytics.athena_workgroup),
    # free
    "aws_iam_role": _free("AWS IAM", _IAM),
    "aws_iam_role_policy": _free("AWS IAM", _IAM),
    "aws_iam_policy": _free("AWS IAM", _IAM),
    "aws_iam_role_policy_attachment": _free("AWS IAM", _IAM),
    "aws_lambda_layer_version": _free(compute.LAMBDA, "layer storage counts against the free 75 GB code storage"),
    "aws_lambda_permission": _free(compute.LAMBDA, "a resource policy statement: no charge"),
    "aws_cloudwatch_event_rule": _free(
        messaging.EVENTS,
        "rules have no charge, and AWS service events (S3 Object Created) on the default bus are delivered free; "
        "custom events are priced on their bus",
    ),
    "aws_cloudwatch_event_target": _free(
        messaging.EVENTS, "targets have no charge; invocations are priced on the target"
    ),
    "aws_s3_bucket_lifecycle_configuration": _free(storage.S3, _S3_SETTING + "; transitions are priced on the bucket"),
    "aws_s3_bucket_notification": _free(storage.S3, "S3 sends its events to EventBridge at no charge"),
    "aws_s3_bucket_ownership_controls": _free(storage.S3, _S3_SETTING),
    "aws_s3_bucket_policy": _free(storage.S3, _S3_SETTING),
    "aws_s3_bucket_public_access_block": _free(storage.S3, _S3_SETTING),
    "aws_s3_bucket_server_side_encryption_configuration": _free(
        storage.S3, _S3_SETTING + "; KMS requests are priced on the key"
    ),
    "aws_s3_bucket_versioning": _free(
        storage.S3, _S3_SETTING + "; noncurrent versions are not modelled (the profile assumes no overwrites)"
    ),
    "aws_sqs_queue_policy": _free(messaging.SQS, "a queue policy: no charge"),
    "aws_sns_topic_subscription": _free(messaging.SNS, "deliveries are priced on the topic"),
    "aws_sns_topic_policy": _free(messaging.SNS, "a topic policy: no charge"),
    "aws_kms_alias": _free(security.KMS, "aliases have no charge"),
    "aws_vpc": _free(network.VPC, _NET),
    "aws_subnet": _free(network.VPC, _NET),
    "aws_route_table": _free(network.VPC, _NET),
    "aws_route_table_association": _free(network.VPC, _NET),
    "aws_route": _free(network.VPC, _NET),
    "aws_internet_gateway": _free(network.VPC, "internet gateways have no charge (data transfer out would be)"),
    "aws_security_group": _free(network.VPC, _NET),
    "aws_default_security_group": _free(network.VPC, _NET),
    "aws_vpc_security_group_egress_rule": _free(network.VPC, _NET),
    "aws_vpc_security_group_ingress_rule": _free(network.VPC, _NET),
    "aws_vpc_endpoint_route_table_association": _free(network.VPC, _NET),
    "aws_flow_log": _free(network.VPC, "flow logs are priced as log ingestion and storage on their log group"),
    "aws_athena_named_query": _free(
        analytics.ATHENA, "saved queries have no charge; scans are priced on the workgroup"
    ),
    # not priced
    "aws_lambda_provisioned_concurrency_config": _not_priced(
        compute.LAMBDA, "provisioned concurrency needs its hours and utilisation in the profile"
    ),
    "aws_lambda_event_source_mapping": _not_priced(compute.LAMBDA, "poller charges depend on the event source"),
    "aws_glue_crawler": _not_priced(analytics.GLUE, "crawler DPU-hours need run times in the profile"),
    "aws_glue_job": _not_priced(analytics.GLUE, "job DPU-hours need run times in the profile"),
}

NO_RULE = "no pricing rule for this resource type"


def rule_for(resource_type: str) -> Rule:
    return CATALOG.get(resource_type, _not_priced("(unknown)", NO_RULE))
