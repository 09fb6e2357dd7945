"""The CloudWatch log groups that AWS services write to when their logging is on: one reviewed table.

Two kinds of entry:

* :class:`NamedLogGroup`: the service names the group itself from the resource's arguments and creates it
  on first write, outside the stack and with no retention (``/aws/rds/instance/<identifier>/<log type>``).
  The stack must declare a log group with exactly that name.
* :class:`LogDestination`: an argument names the group the service writes to (an ARN or a name). It must
  refer to a log group declared in the stack, so the group's retention is governed too.

Each entry names the argument that turns logging on and, in ``source``, where the naming comes from
(AWS or provider documentation). ``tests/aspects/data`` checks every type and argument against the
pinned provider schema. Not covered, on purpose: AWS Glue jobs (``/aws-glue/jobs/*`` are account-wide
groups shared by every job: govern them in the account baseline), DMS task logging (configured inside
the task settings JSON, named after the replication instance id).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamedLogGroup:
    type: str
    trigger: str  # argument (dotted through blocks) that turns logging on
    on: str  # "items": one group per element of a list argument; "true": a boolean; "not_off": a level
    name: str  # template: {argument} is the resource's argument (or its reference), {item} a list element
    source: str
    default_on: bool = False  # logging is on when the trigger is not set


@dataclass(frozen=True)
class LogDestination:
    type: str
    destination: str  # argument (dotted through blocks) naming the group: ARN or name
    source: str
    trigger: str | None = None  # argument that turns it on (None: the destination being set turns it on)
    on: str = "true"


NAMED: tuple[NamedLogGroup, ...] = (
    NamedLogGroup(
        "aws_db_instance",
        "enabled_cloudwatch_logs_exports",
        "items",
        "/aws/rds/instance/{identifier}/{item}",
        "Amazon RDS User Guide, Publishing database logs to CloudWatch Logs: a log group "
        "/aws/rds/instance/instance_name/log_type for each type of log; retained indefinitely by default",
    ),
    NamedLogGroup(
        "aws_rds_cluster",
        "enabled_cloudwatch_logs_exports",
        "items",
        "/aws/rds/cluster/{cluster_identifier}/{item}",
        "Amazon Aurora User Guide: a new log group is created under /aws/rds/cluster/cluster-name/log_type with "
        "the default retention, Never Expire, unless a group with that name exists",
    ),
    NamedLogGroup(
        "aws_docdb_cluster",
        "enabled_cloudwatch_logs_exports",
        "items",
        "/aws/docdb/{cluster_identifier}/{item}",
        "AWS CDK aws-docdb (logGroupName /aws/docdb/<cluster identifier>/<log type>)",
    ),
    NamedLogGroup(
        "aws_neptune_cluster",
        "enable_cloudwatch_logs_exports",
        "items",
        "/aws/neptune/{cluster_identifier}/{item}",
        "Neptune audit logs are published to /aws/neptune/<cluster>/audit",
    ),
    NamedLogGroup(
        "aws_eks_cluster",
        "enabled_cluster_log_types",
        "items",
        "/aws/eks/{name}/cluster",
        "terraform-provider-aws aws_eks_cluster documentation: EKS creates the log group /aws/eks/<cluster-name>/"
        "cluster automatically; declare it first (one group for every log type)",
    ),
    NamedLogGroup(
        "aws_api_gateway_method_settings",
        "settings.logging_level",
        "not_off",
        "API-Gateway-Execution-Logs_{rest_api_id}/{stage_name}",
        "terraform-provider-aws aws_api_gateway_stage documentation: execution logging creates "
        "API-Gateway-Execution-Logs_<rest api id>/<stage name>; manage it with aws_cloudwatch_log_group",
    ),
    NamedLogGroup(
        "aws_appsync_graphql_api",
        "log_config",
        "true",
        "/aws/appsync/apis/{id}",
        "AppSync writes to /aws/appsync/apis/<api id> and creates it with no retention",
    ),
    NamedLogGroup(
        "aws_mq_broker",
        "logs.general",
        "true",
        "/aws/amazonmq/broker/{id}/general",
        "Amazon MQ Developer Guide: the broker's log group /aws/amazonmq/broker/<broker-id>/general",
    ),
    NamedLogGroup(
        "aws_mq_broker",
        "logs.audit",
        "true",
        "/aws/amazonmq/broker/{id}/audit",
        "Amazon MQ Developer Guide: /aws/amazonmq/broker/<broker-id>/audit",
    ),
    NamedLogGroup(
        "aws_mwaa_environment",
        "logging_configuration.dag_processing_logs.enabled",
        "true",
        "airflow-{name}-DAGProcessing",
        "Amazon MWAA User Guide: airflow-<environment name>-<log type>",
    ),
    NamedLogGroup(
        "aws_mwaa_environment",
        "logging_configuration.scheduler_logs.enabled",
        "true",
        "airflow-{name}-Scheduler",
        "Amazon MWAA User Guide: airflow-<environment name>-<log type>",
    ),
    NamedLogGroup(
        "aws_mwaa_environment",
        "logging_configuration.task_logs.enabled",
        "true",
        "airflow-{name}-Task",
        "Amazon MWAA User Guide: airflow-<environment name>-<log type>",
    ),
    NamedLogGroup(
        "aws_mwaa_environment",
        "logging_configuration.webserver_logs.enabled",
        "true",
        "airflow-{name}-WebServer",
        "Amazon MWAA User Guide: airflow-<environment name>-<log type>",
    ),
    NamedLogGroup(
        "aws_mwaa_environment",
        "logging_configuration.worker_logs.enabled",
        "true",
        "airflow-{name}-Worker",
        "Amazon MWAA User Guide: airflow-<environment name>-<log type>",
    ),
)

DESTINATIONS: tuple[LogDestination, ...] = (
    LogDestination(
        "aws_api_gateway_stage",
        "access_log_settings.destination_arn",
        "API Gateway access logging writes to the group whose ARN destination_arn names",
    ),
    LogDestination(
        "aws_apigatewayv2_stage",
        "access_log_settings.destination_arn",
        "API Gateway v2 access logging writes to the group whose ARN destination_arn names",
    ),
    LogDestination(
        "aws_flow_log",
        "log_destination",
        "VPC User Guide: if the log group does not exist, VPC Flow Logs attempts to create it",
        trigger="log_destination_type",
        on="flow_log",
    ),
    LogDestination(
        "aws_flow_log",
        "log_group_name",
        "VPC User Guide: if the log group does not exist, VPC Flow Logs attempts to create it",
    ),
    LogDestination(
        "aws_route53_query_log",
        "cloudwatch_log_group_arn",
        "Route 53 query logging writes to cloudwatch_log_group_arn",
    ),
    LogDestination(
        "aws_msk_cluster",
        "logging_info.broker_logs.cloudwatch_logs.log_group",
        "MSK broker logs are delivered to logging_info.broker_logs.cloudwatch_logs.log_group",
        trigger="logging_info.broker_logs.cloudwatch_logs.enabled",
    ),
    LogDestination(
        "aws_opensearch_domain",
        "log_publishing_options.cloudwatch_log_group_arn",
        "OpenSearch log publishing writes to cloudwatch_log_group_arn",
    ),
    LogDestination(
        "aws_elasticsearch_domain",
        "log_publishing_options.cloudwatch_log_group_arn",
        "Elasticsearch log publishing writes to cloudwatch_log_group_arn",
    ),
    LogDestination(
        "aws_elasticache_cluster",
        "log_delivery_configuration.destination",
        "ElastiCache log delivery (destination_type cloudwatch-logs) writes to the group named by destination",
        trigger="log_delivery_configuration.destination_type",
        on="cloudwatch-logs",
    ),
    LogDestination(
        "aws_elasticache_replication_group",
        "log_delivery_configuration.destination",
        "ElastiCache log delivery (destination_type cloudwatch-logs) writes to the group named by destination",
        trigger="log_delivery_configuration.destination_type",
        on="cloudwatch-logs",
    ),
    LogDestination(
        "aws_kinesis_firehose_delivery_stream",
        "extended_s3_configuration.cloudwatch_logging_options.log_group_name",
        "Firehose error logging writes to cloudwatch_logging_options.log_group_name",
        trigger="extended_s3_configuration.cloudwatch_logging_options.enabled",
    ),
)

#: CodeBuild logs to CloudWatch unless logs_config.cloudwatch_logs.status is DISABLED, into group_name or this.
CODEBUILD_PROJECT = "aws_codebuild_project"
CODEBUILD_DEFAULT_NAME = "/aws/codebuild/{name}"
CODEBUILD_SOURCE = (
    "terraform-provider-aws aws_codebuild_project: logs_config.cloudwatch_logs.status defaults to ENABLED; the "
    "service creates /aws/codebuild/<project name> when group_name is not set"
)

#: ECS: a container whose awslogs driver has awslogs-create-group "true" creates awslogs-group itself.
ECS_TASK_DEFINITION = "aws_ecs_task_definition"
ECS_SOURCE = (
    "Amazon ECS LogConfiguration: awslogs-create-group (default false) creates the log group automatically; "
    "the group is named by awslogs-group"
)


def types() -> frozenset[str]:
    """Every resource type this table can find a service-created log group on."""
    named = {entry.type for entry in NAMED}
    return frozenset(named | {entry.type for entry in DESTINATIONS} | {ECS_TASK_DEFINITION, CODEBUILD_PROJECT})
