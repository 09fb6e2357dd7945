"""Configurations other teams write, each as a violating resource and its fixed twin: one table for the
synth tests, the CLI tests and the checkov fixtures.

A :class:`Case` is declared without provider bindings (``TerraformResource``/``TerraformDataSource`` with
overrides), so it reads exactly like the JSON other tools write. ``fail`` is the violating config, ``fix``
its twin; ``expected`` lists the (key, status) pairs of the findings the rule must report on ``fail``,
and nothing on ``fix``. ``support`` declares what both need (a log group, a data source).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tfcdk import Construct, TerraformDataSource, TerraformHclModule, TerraformResource

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
PARTITION = "${data.aws_partition.current.partition}"
TRUST = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                             "Principal": {"Service": "lambda.amazonaws.com"}}]}
)  # fmt: skip
ROLE = {"name": "team-role", "assume_role_policy": TRUST}
ALL_KEYS = ("CostCenter", "Environment", "Owner", "Project")


def doc(*actions: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}
    )


@dataclass(frozen=True)
class Case:
    name: str
    rule: str
    type: str
    fail: Mapping[str, Any]
    fix: Mapping[str, Any]
    expected: frozenset[tuple[str, str]]  # (issue key, FAILED/UNKNOWN) on the violating resource
    mode: str = "resource"  # or "data"
    support: Callable[[Construct], None] | None = field(default=None, compare=False)


def _data(scope: Construct, type_: str, name: str, config: Mapping[str, Any]) -> TerraformDataSource:
    source = TerraformDataSource(scope, name, terraform_resource_type=type_)
    for key, value in config.items():
        source.add_override(key, value)
    return source


def resource(scope: Construct, type_: str, name: str, config: Mapping[str, Any]) -> TerraformResource:
    """A resource declared the way a team without provider bindings (or with cdktn) declares it."""
    element = TerraformResource(scope, name, terraform_resource_type=type_)
    for key, value in config.items():
        element.add_override(key, value)
    return element


def _partition(scope: Construct) -> None:
    if scope.node.try_find_child("current") is None:
        _data(scope, "aws_partition", "current", {})


def _log_group(name: str) -> Callable[[Construct], None]:
    def declare(scope: Construct) -> None:
        resource(
            scope,
            "aws_cloudwatch_log_group",
            "lg" + re.sub(r"\W+", "_", name).lower(),
            {"name": name, "retention_in_days": 30},
        )

    return declare


def _admin_lookup(scope: Construct) -> None:
    _data(scope, "aws_iam_policy", "admin", {"name": "AdministratorAccess"})
    _data(scope, "aws_iam_policy", "basic", {"arn": LAMBDA_BASIC})


def failed(*keys: str) -> frozenset[tuple[str, str]]:
    return frozenset((key, "FAILED") for key in keys)


def unknown(*keys: str) -> frozenset[tuple[str, str]]:
    return frozenset((key, "UNKNOWN") for key in keys)


CASES: tuple[Case, ...] = (
    # --- FIN-002: wildcards through AWS managed policies and every place a grant can live ------------------
    Case(
        "role_attach_admin",
        "FIN-002",
        "aws_iam_role_policy_attachment",
        {"role": "team-role", "policy_arn": ADMIN},
        {"role": "team-role", "policy_arn": LAMBDA_BASIC},
        failed(ADMIN),
    ),
    Case(
        "user_attach_partition",
        "FIN-002",
        "aws_iam_user_policy_attachment",
        {"user": "ci", "policy_arn": f"arn:{PARTITION}:iam::aws:policy/AmazonS3FullAccess"},
        {"user": "ci", "policy_arn": f"arn:{PARTITION}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
        failed(S3_FULL),
        support=_partition,
    ),
    Case(
        "group_attach_admin",
        "FIN-002",
        "aws_iam_group_policy_attachment",
        {"group": "ops", "policy_arn": ADMIN},
        {"group": "ops", "policy_arn": LAMBDA_BASIC},
        failed(ADMIN),
    ),
    Case(
        "policy_attachment_admin",
        "FIN-002",
        "aws_iam_policy_attachment",
        {"name": "a", "roles": ["team-role"], "policy_arn": ADMIN},
        {"name": "a", "roles": ["team-role"], "policy_arn": LAMBDA_BASIC},
        failed(ADMIN),
    ),
    Case(
        "role_managed_arns",
        "FIN-002",
        "aws_iam_role",
        {**ROLE, "managed_policy_arns": [S3_FULL]},
        {**ROLE, "managed_policy_arns": [LAMBDA_BASIC]},
        failed(S3_FULL),
    ),
    Case(
        "role_exclusive_attachments",
        "FIN-002",
        "aws_iam_role_policy_attachments_exclusive",
        {"role_name": "team-role", "policy_arns": [ADMIN, LAMBDA_BASIC]},
        {"role_name": "team-role", "policy_arns": [LAMBDA_BASIC]},
        failed(ADMIN),
    ),
    Case(
        "data_policy_lookup",
        "FIN-002",
        "aws_iam_role_policy_attachment",
        {"role": "team-role", "policy_arn": "${data.aws_iam_policy.admin.arn}"},
        {"role": "team-role", "policy_arn": "${data.aws_iam_policy.basic.arn}"},
        failed(ADMIN),
        support=_admin_lookup,
    ),
    Case(
        "sso_managed_admin",
        "FIN-002",
        "aws_ssoadmin_managed_policy_attachment",
        {
            "instance_arn": "arn:aws:sso:::instance/ssoins-1",
            "permission_set_arn": "arn:aws:sso:::permissionSet/x",
            "managed_policy_arn": ADMIN,
        },
        {
            "instance_arn": "arn:aws:sso:::instance/ssoins-1",
            "permission_set_arn": "arn:aws:sso:::permissionSet/x",
            "managed_policy_arn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        },
        failed(ADMIN),
    ),
    Case(
        "sso_inline_star",
        "FIN-002",
        "aws_ssoadmin_permission_set_inline_policy",
        {
            "instance_arn": "arn:aws:sso:::instance/ssoins-1",
            "permission_set_arn": "arn:aws:sso:::permissionSet/x",
            "inline_policy": doc("*"),
        },
        {
            "instance_arn": "arn:aws:sso:::instance/ssoins-1",
            "permission_set_arn": "arn:aws:sso:::permissionSet/x",
            "inline_policy": doc("s3:GetObject"),
        },
        failed("*"),
    ),
    Case(
        "lambda_permission_star",
        "FIN-002",
        "aws_lambda_permission",
        {"function_name": "f", "principal": "s3.amazonaws.com", "action": "lambda:*"},
        {"function_name": "f", "principal": "s3.amazonaws.com", "action": "lambda:InvokeFunction"},
        failed("lambda:*"),
    ),
    Case(
        "unknown_managed_arn",
        "FIN-002",
        "aws_iam_role_policy_attachment",
        {"role": "team-role", "policy_arn": "arn:aws:iam::aws:policy/NoSuchPolicyAnywhere"},
        {"role": "team-role", "policy_arn": LAMBDA_BASIC},
        unknown("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere"),
    ),
    # --- FIN-009: every kind of deletion protection -------------------------------------------------------
    Case(
        "db_deletion_protection",
        "FIN-009",
        "aws_db_instance",
        {
            "instance_class": "db.t4g.micro",
            "engine": "postgres",
            "deletion_protection": True,
            "skip_final_snapshot": True,
        },
        {
            "instance_class": "db.t4g.micro",
            "engine": "postgres",
            "deletion_protection": False,
            "skip_final_snapshot": True,
        },
        failed("deletion_protection"),
    ),
    Case(
        "db_no_final_snapshot",
        "FIN-009",
        "aws_db_instance",
        {"instance_class": "db.t4g.micro", "engine": "postgres"},
        {"instance_class": "db.t4g.micro", "engine": "postgres", "final_snapshot_identifier": "team-db-final"},
        failed("skip_final_snapshot"),
    ),
    Case(
        "redshift_no_final_snapshot",
        "FIN-009",
        "aws_redshift_cluster",
        {"cluster_identifier": "dw", "node_type": "ra3.xlplus", "skip_final_snapshot": False},
        {"cluster_identifier": "dw", "node_type": "ra3.xlplus", "skip_final_snapshot": True},
        failed("skip_final_snapshot"),
    ),
    Case(
        "lb_deletion_protection",
        "FIN-009",
        "aws_lb",
        {"name": "team-alb", "enable_deletion_protection": True},
        {"name": "team-alb"},
        failed("enable_deletion_protection"),
    ),
    Case(
        "cognito_active",
        "FIN-009",
        "aws_cognito_user_pool",
        {"name": "users", "deletion_protection": "ACTIVE"},
        {"name": "users", "deletion_protection": "INACTIVE"},
        failed("deletion_protection"),
    ),
    Case(
        "qldb_default",
        "FIN-009",
        "aws_qldb_ledger",
        {"permissions_mode": "STANDARD"},
        {"permissions_mode": "STANDARD", "deletion_protection": False},
        failed("deletion_protection"),
    ),
    Case(
        "ec2_termination",
        "FIN-009",
        "aws_instance",
        {"ami": "ami-12345678", "instance_type": "t4g.micro", "disable_api_termination": True},
        {"ami": "ami-12345678", "instance_type": "t4g.micro"},
        failed("disable_api_termination"),
    ),
    Case(
        "backup_vault_force",
        "FIN-009",
        "aws_backup_vault",
        {"name": "vault"},
        {"name": "vault", "force_destroy": True},
        failed("force_destroy"),
    ),
    Case(
        "object_lock_compliance",
        "FIN-009",
        "aws_s3_bucket_object_lock_configuration",
        {"bucket": "b", "rule": {"default_retention": {"mode": "COMPLIANCE", "days": 30}}},
        {"bucket": "b", "rule": {"default_retention": {"mode": "GOVERNANCE", "days": 30}}},
        failed("rule.default_retention.mode"),
    ),
    # --- FIN-008: replicas ------------------------------------------------------------------------------
    Case(
        "table_replica_default",
        "FIN-008",
        "aws_dynamodb_table_replica",
        {"global_table_arn": "arn:aws:dynamodb:us-east-2:123456789012:table/t"},
        {"global_table_arn": "arn:aws:dynamodb:us-east-2:123456789012:table/t", "point_in_time_recovery": True},
        failed("point_in_time_recovery"),
    ),
    Case(
        "table_replica_block",
        "FIN-008",
        "aws_dynamodb_table",
        {
            "name": "t",
            "hash_key": "pk",
            "billing_mode": "PAY_PER_REQUEST",
            "attribute": [{"name": "pk", "type": "S"}],
            "point_in_time_recovery": {"enabled": True},
            "replica": [{"region_name": "us-west-2"}],
        },
        {
            "name": "t",
            "hash_key": "pk",
            "billing_mode": "PAY_PER_REQUEST",
            "attribute": [{"name": "pk", "type": "S"}],
            "point_in_time_recovery": {"enabled": True},
            "replica": [{"region_name": "us-west-2", "point_in_time_recovery": True}],
        },
        failed("replica[us-west-2]"),
    ),
    # --- FIN-001: tags outside the tags map -------------------------------------------------------------
    Case(
        "asg_untagged",
        "FIN-001",
        "aws_autoscaling_group",
        {"max_size": 1, "min_size": 0, "availability_zones": ["us-east-2a"]},
        {
            "max_size": 1,
            "min_size": 0,
            "availability_zones": ["us-east-2a"],
            "tag": [{"key": k, "value": "x", "propagate_at_launch": True} for k in ALL_KEYS],
        },
        failed(*ALL_KEYS),
    ),
    # --- FIN-007: log groups that services create themselves --------------------------------------------
    Case(
        "rds_log_exports",
        "FIN-007",
        "aws_db_instance",
        {
            "identifier": "orders",
            "instance_class": "db.t4g.micro",
            "engine": "postgres",
            "skip_final_snapshot": True,
            "enabled_cloudwatch_logs_exports": ["postgresql"],
        },
        {
            "identifier": "orders-ok",
            "instance_class": "db.t4g.micro",
            "engine": "postgres",
            "skip_final_snapshot": True,
            "enabled_cloudwatch_logs_exports": ["postgresql"],
        },
        failed("enabled_cloudwatch_logs_exports:postgresql"),
        support=_log_group("/aws/rds/instance/orders-ok/postgresql"),
    ),
    Case(
        "eks_control_plane",
        "FIN-007",
        "aws_eks_cluster",
        {
            "name": "platform",
            "role_arn": "arn:aws:iam::123456789012:role/eks",
            "vpc_config": {"subnet_ids": ["s"]},
            "enabled_cluster_log_types": ["api", "audit"],
        },
        {
            "name": "platform-ok",
            "role_arn": "arn:aws:iam::123456789012:role/eks",
            "vpc_config": {"subnet_ids": ["s"]},
            "enabled_cluster_log_types": ["api", "audit"],
        },
        failed("enabled_cluster_log_types:api"),
        support=_log_group("/aws/eks/platform-ok/cluster"),
    ),
    Case(
        "codebuild_default_logs",
        "FIN-007",
        "aws_codebuild_project",
        {
            "name": "build",
            "service_role": "r",
            "artifacts": {"type": "NO_ARTIFACTS"},
            "environment": {"compute_type": "BUILD_GENERAL1_SMALL", "image": "i", "type": "ARM_CONTAINER"},
            "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2"},
        },
        {
            "name": "build-ok",
            "service_role": "r",
            "artifacts": {"type": "NO_ARTIFACTS"},
            "environment": {"compute_type": "BUILD_GENERAL1_SMALL", "image": "i", "type": "ARM_CONTAINER"},
            "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2"},
        },
        failed("logs_config"),
        support=_log_group("/aws/codebuild/build-ok"),
    ),
    Case(
        "ecs_create_group",
        "FIN-007",
        "aws_ecs_task_definition",
        {
            "family": "web",
            "container_definitions": json.dumps(
                [
                    {
                        "name": "web",
                        "image": "nginx",
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {"awslogs-group": "/ecs/web", "awslogs-create-group": "true"},
                        },
                    }
                ]
            ),
        },
        {
            "family": "web",
            "container_definitions": json.dumps(
                [
                    {
                        "name": "web",
                        "image": "nginx",
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {"awslogs-group": "/ecs/web-ok", "awslogs-create-group": "true"},
                        },
                    }
                ]
            ),
        },
        failed("container web"),
        support=_log_group("/ecs/web-ok"),
    ),
    Case(
        "apigw_access_logs",
        "FIN-007",
        "aws_api_gateway_stage",
        {
            "rest_api_id": "a1",
            "deployment_id": "d1",
            "stage_name": "prod",
            "access_log_settings": {
                "destination_arn": "arn:aws:logs:us-east-2:123456789012:log-group:/ext/api",
                "format": "$context.requestId",
            },
        },
        {
            "rest_api_id": "a1",
            "deployment_id": "d1",
            "stage_name": "prod",
            "access_log_settings": {
                "destination_arn": "arn:aws:logs:us-east-2:123456789012:log-group:/team/api",
                "format": "$context.requestId",
            },
        },
        failed("access_log_settings.destination_arn"),
        support=_log_group("/team/api"),
    ),
    Case(
        "apigw_execution_logs",
        "FIN-007",
        "aws_api_gateway_method_settings",
        {"rest_api_id": "api1", "stage_name": "prod", "method_path": "*/*", "settings": {"logging_level": "INFO"}},
        {"rest_api_id": "api2", "stage_name": "prod", "method_path": "*/*", "settings": {"logging_level": "INFO"}},
        failed("settings.logging_level"),
        support=_log_group("API-Gateway-Execution-Logs_api2/prod"),
    ),
)

#: FIN-013: a module call (its fixed twin is the same module suppressed with a reason).
MODULE_SOURCE = "terraform-aws-modules/vpc/aws"


def module(scope: Construct, name: str) -> TerraformHclModule:
    return TerraformHclModule(scope, name, source=MODULE_SOURCE, version="5.8.1")


def build(scope: Construct, cases: tuple[Case, ...] = CASES) -> None:
    """Declare ``<case>_fail`` and ``<case>_pass`` for every case (plus what they need) in ``scope``."""
    for case in cases:
        if case.support is not None:
            case.support(scope)
        for suffix, config in (("fail", case.fail), ("pass", case.fix)):
            name = f"{case.name}_{suffix}"
            if case.mode == "data":
                _data(scope, case.type, name, config)
            else:
                resource(scope, case.type, name, config)


def expected_findings(cases: tuple[Case, ...] = CASES) -> set[tuple[str, str, str, str]]:
    """(rule id, address, key, status) of every finding the cases must produce, and nothing else."""
    return {
        (case.rule, f"{case.type}.{case.name}_fail", key, status) for case in cases for key, status in case.expected
    }


def of_rule(rule_id: str) -> tuple[Case, ...]:
    return tuple(case for case in CASES if case.rule == rule_id)
