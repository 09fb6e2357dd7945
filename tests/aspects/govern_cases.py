"""Stacks for the governance tests: each resource is named for the result it must get.

``*_ok`` resources must produce no finding, ``*_fail`` the findings listed in ``EXPECTED_VIOLATIONS``;
``*_suppressed`` findings are covered by a suppression. Built and fully synthesized once per session
(conftest.py): every cdktf synth costs ~2 s here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aspects import GovernancePolicy, govern, suppress
from tfcdk import Construct, Fn, TerraformStack, Testing
from tfcdk.aws import load

TODAY = dt.date(2026, 11, 22)
FUTURE = "2027-06-30"
PAST = "2026-01-31"
REASON = "accepted by the platform team, see ADR-7"
ROLE_ARN = "arn:aws:iam::123456789012:role/exec"
ACCOUNT_ROOT = "arn:aws:iam::123456789012:root"
SITE_TAGS = {"CostCenter": "cc-42", "Environment": "test", "Owner": "platform", "Project": "governance"}
ALL_TAGS = {**SITE_TAGS, "ManagedBy": "cdktf"}

AwsProvider = load("provider").AwsProvider
S3Bucket = load("s3_bucket").S3Bucket
S3BucketPolicy = load("s3_bucket_policy").S3BucketPolicy
IamPolicy = load("iam_policy").IamPolicy
IamRole = load("iam_role").IamRole
IamRolePolicy = load("iam_role_policy").IamRolePolicy
PolicyDocument = load("data_aws_iam_policy_document").DataAwsIamPolicyDocument
Statement = load("data_aws_iam_policy_document").DataAwsIamPolicyDocumentStatement
SnsTopic = load("sns_topic").SnsTopic
SnsTopicPolicy = load("sns_topic_policy").SnsTopicPolicy
SqsQueue = load("sqs_queue").SqsQueue
SqsQueuePolicy = load("sqs_queue_policy").SqsQueuePolicy
KmsKey = load("kms_key").KmsKey
LambdaFunction = load("lambda_function").LambdaFunction
LambdaLayerVersion = load("lambda_layer_version").LambdaLayerVersion
LogGroup = load("cloudwatch_log_group").CloudwatchLogGroup
StateMachine = load("sfn_state_machine").SfnStateMachine
DynamodbTable = load("dynamodb_table").DynamodbTable
EcrRepository = load("ecr_repository").EcrRepository


def policy_json(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def root_key_policy() -> str:
    return policy_json(allow("kms:*", Principal={"AWS": ACCOUNT_ROOT}, Sid="RootAdmin"))


def function(scope, name: str, *, log_group: LogGroup | None, **kwargs) -> LambdaFunction:
    kwargs.setdefault("architectures", ["arm64"])
    if log_group is not None:
        kwargs["logging_config"] = {"log_format": "JSON", "log_group": log_group.name}
    return LambdaFunction(
        scope,
        name,
        function_name=name,
        role=ROLE_ARN,
        runtime="python3.12",
        handler="index.handler",
        filename="fn.zip",
        **kwargs,
    )


def table(scope, name: str, **kwargs) -> DynamodbTable:
    kwargs.setdefault("point_in_time_recovery", {"enabled": True})
    return DynamodbTable(
        scope,
        name,
        name=name,
        hash_key="pk",
        billing_mode="PAY_PER_REQUEST",
        attribute=[{"name": "pk", "type": "S"}],
        **kwargs,
    )


# --- the violations stack -------------------------------------------------------------------------

#: (rule id, terraform address, issue key, status) of every unsuppressed finding in the stack.
EXPECTED_VIOLATIONS = {
    # FIN-001 tags
    ("FIN-001", "aws_s3_bucket.tags_empty_owner_fail", "Owner", "FAILED"),
    ("FIN-001", "aws_s3_bucket.tags_override_fail", "Project", "FAILED"),
    # FIN-002 IAM wildcard actions
    ("FIN-002", "aws_iam_policy.iam_star_fail", "*", "FAILED"),
    ("FIN-002", "aws_iam_policy.iam_service_wildcard_fail", "s3:*", "FAILED"),
    ("FIN-002", "aws_iam_policy.iam_partial_wildcard_fail", "s3:Get*", "FAILED"),
    ("FIN-002", "aws_iam_policy.iam_notaction_fail", "NotAction", "FAILED"),
    ("FIN-002", "aws_iam_policy.iam_jsonencode_fail", "dynamodb:*", "FAILED"),
    ("FIN-002", "aws_iam_policy.iam_reference_unknown", "UNKNOWN", "UNKNOWN"),
    ("FIN-002", "aws_iam_policy.iam_jsonencode_action_unknown", "UNKNOWN", "UNKNOWN"),
    ("FIN-002", "aws_iam_policy.iam_override_fail", "iam:*", "FAILED"),
    ("FIN-002", "aws_iam_policy.iam_partial_suppressed", "s3:List*", "FAILED"),
    ("FIN-002", "data.aws_iam_policy_document.doc_wildcard_fail", "sqs:*", "FAILED"),
    ("FIN-002", "data.aws_iam_policy_document.doc_notaction_fail", "NotAction", "FAILED"),
    ("FIN-002", "aws_iam_role.role_inline_fail", "logs:*", "FAILED"),
    ("FIN-002", "aws_s3_bucket_policy.bucket_policy_fail", "s3:*", "FAILED"),
    ("FIN-002", "aws_sns_topic_policy.topic_policy_fail", "sns:*", "FAILED"),
    ("FIN-002", "aws_sqs_queue.queue_inline_policy_fail", "sqs:Send*", "FAILED"),
    ("FIN-002", "aws_kms_key.kms_mixed_fail", "kms:Create*", "FAILED"),
    # FIN-003 KMS root key administration
    ("FIN-003", "aws_kms_key.kms_root_admin_fail", "kms:*", "FAILED"),
    ("FIN-003", "aws_kms_key.kms_mixed_fail", "kms:*", "FAILED"),
    # FIN-004 / FIN-005 arm64
    ("FIN-004", "aws_lambda_function.fn_missing_arch_fail", "architectures", "FAILED"),
    ("FIN-004", "aws_lambda_function.fn_override_x86_fail", "architectures", "FAILED"),  # add_override
    ("FIN-005", "aws_lambda_layer_version.layer_missing_fail", "compatible_architectures", "FAILED"),
    ("FIN-005", "aws_lambda_layer_version.layer_x86_fail", "compatible_architectures", "FAILED"),
    # FIN-006 / FIN-007 logs
    ("FIN-006", "aws_cloudwatch_log_group.lg_missing_fail", "retention_in_days", "FAILED"),
    ("FIN-006", "aws_cloudwatch_log_group.lg_zero_fail", "retention_in_days", "FAILED"),
    ("FIN-006", "aws_cloudwatch_log_group.lg_not_allowed_fail", "retention_in_days", "FAILED"),
    ("FIN-007", "aws_lambda_function.fn_no_log_group_fail", "log_group", "FAILED"),
    ("FIN-007", "aws_lambda_function.fn_external_group_fail", "log_group", "FAILED"),
    ("FIN-007", "aws_sfn_state_machine.sfn_no_logging_fail", "logging_configuration", "FAILED"),
    ("FIN-007", "aws_sfn_state_machine.sfn_external_group_fail", "log_destination", "FAILED"),
    ("FIN-007", "aws_sfn_state_machine.sfn_level_off_fail", "level", "FAILED"),
    # FIN-008 PITR
    ("FIN-008", "aws_dynamodb_table.table_no_pitr_fail", "enabled", "FAILED"),
    ("FIN-008", "aws_dynamodb_table.table_pitr_disabled_fail", "enabled", "FAILED"),
    ("FIN-008", "aws_dynamodb_table.table_override_disable_fail", "enabled", "FAILED"),  # add_override
    ("FIN-008", "aws_dynamodb_table.table_short_period_fail", "recovery_period_in_days", "FAILED"),
    # FIN-009 no RETAIN
    ("FIN-009", "aws_s3_bucket.bucket_no_force_destroy_fail", "force_destroy", "FAILED"),
    ("FIN-009", "aws_ecr_repository.ecr_no_force_delete_fail", "force_delete", "FAILED"),
    ("FIN-009", "aws_cloudwatch_log_group.lg_prevent_destroy_fail", "prevent_destroy", "FAILED"),
    ("FIN-009", "aws_cloudwatch_log_group.lg_skip_destroy_fail", "skip_destroy", "FAILED"),
    ("FIN-009", "aws_lambda_layer_version.layer_skip_destroy_fail", "skip_destroy", "FAILED"),
    ("FIN-009", "aws_dynamodb_table.table_deletion_protection_fail", "deletion_protection_enabled", "FAILED"),
    ("FIN-009", "aws_s3_bucket.bucket_expired_suppression_fail", "force_destroy", "FAILED"),
    # suppressions
    ("FIN-010", "aws_s3_bucket.bucket_expired_suppression_fail", "FIN-009", "FAILED"),
    ("FIN-011", "aws_cloudwatch_log_group.lg_unused_suppression_warn", "FIN-006", "FAILED"),
}

#: (rule id, address, key) of the findings a suppression covers.
EXPECTED_SUPPRESSED = {
    ("FIN-002", "aws_iam_policy.iam_partial_suppressed", "s3:Get*"),
    ("FIN-003", "aws_kms_key.kms_root_admin_suppressed", "kms:*"),
    ("FIN-002", "data.aws_iam_policy_document.doc_suppressed", "sqs:*"),  # data sources carry "//" too
    ("FIN-004", "aws_lambda_function.legacy_fn_inherited_suppressed_92C889F9", "architectures"),
    ("FIN-005", "aws_lambda_layer_version.legacy_layer_inherited_suppressed_81225D9F", "compatible_architectures"),
}


def expected_findings(rule_id: str) -> set[tuple[str, str, str, str]]:
    """The rows of ``EXPECTED_VIOLATIONS`` for one rule (each rule's test asserts its own slice)."""
    rows = {v for v in EXPECTED_VIOLATIONS if v[0] == rule_id}
    assert rows, f"EXPECTED_VIOLATIONS has no finding for {rule_id}"
    return rows


def expected_suppressed(rule_id: str) -> set[tuple[str, str, str]]:
    return {v for v in EXPECTED_SUPPRESSED if v[0] == rule_id}


def build_violations(scope: Construct, stack_id: str = "violations") -> tuple[TerraformStack, object]:
    stack = TerraformStack(scope, stack_id)
    AwsProvider(stack, "aws", region="eu-west-1", default_tags=[{"tags": SITE_TAGS}])
    logs = LogGroup(stack, "lg_ok", name="/app/ok", retention_in_days=30)

    # FIN-001: defaults + the ManagedBy the aspect adds make these compliant
    S3Bucket(stack, "tags_default_merge_ok", force_destroy=True)
    S3Bucket(stack, "tags_resource_override_ok", force_destroy=True, tags={"Owner": "someone-else"})
    S3Bucket(stack, "tags_empty_owner_fail", force_destroy=True, tags={"Owner": ""})
    S3Bucket(stack, "tags_override_fail", force_destroy=True).add_override("tags.Project", "")
    IamRolePolicy(stack, "untaggable_role_policy_ok", role="exec", policy=policy_json(allow("s3:GetObject")))

    # FIN-002: IAM wildcard actions, everywhere a policy lives
    IamPolicy(stack, "iam_exact_ok", policy=policy_json(allow(["s3:GetObject", "s3:PutObject"])))
    IamPolicy(
        stack,
        "iam_deny_wildcard_ok",
        policy=policy_json({"Effect": "Deny", "Action": "*", "Resource": "*"}, allow("s3:GetObject")),
    )
    IamPolicy(stack, "iam_star_fail", policy=policy_json(allow("*")))
    IamPolicy(stack, "iam_service_wildcard_fail", policy=policy_json(allow("s3:*")))
    IamPolicy(stack, "iam_partial_wildcard_fail", policy=policy_json(allow(["s3:Get*", "s3:PutObject"])))
    IamPolicy(
        stack, "iam_notaction_fail", policy=policy_json({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    )
    bucket = S3Bucket(stack, "policy_target_bucket_ok", force_destroy=True)
    IamPolicy(
        stack,
        "iam_jsonencode_ok",
        policy=Fn.jsonencode({"Version": "2012-10-17", "Statement": [allow(["s3:GetObject"], bucket.arn)]}),
    )
    IamPolicy(
        stack,
        "iam_jsonencode_fail",
        policy=Fn.jsonencode({"Version": "2012-10-17", "Statement": [allow(["dynamodb:*"], bucket.arn)]}),
    )
    IamPolicy(
        stack,
        "iam_jsonencode_action_unknown",
        policy=Fn.jsonencode({"Version": "2012-10-17", "Statement": [allow([bucket.bucket], "*")]}),
    )
    exact = IamPolicy(stack, "iam_override_fail", policy=policy_json(allow("s3:GetObject")))
    exact.add_override("policy", policy_json(allow("iam:*")))
    IamPolicy(stack, "iam_reference_ok", policy=exact.policy)  # evaluated where it is declared
    IamPolicy(stack, "iam_reference_unknown", policy="${data.aws_ssm_parameter.policy.value}")
    partial = IamPolicy(stack, "iam_partial_suppressed", policy=policy_json(allow(["s3:Get*", "s3:List*"])))
    suppress(partial, "FIN-002", REASON, finding="s3:Get*", expires=FUTURE)
    doc_ok = PolicyDocument(stack, "doc_exact_ok", statement=[{"actions": ["sqs:SendMessage"], "resources": ["*"]}])
    doc_bad = PolicyDocument(
        stack,
        "doc_wildcard_fail",
        statement=[{"actions": ["sqs:SendMessage"], "resources": ["*"]}, {"actions": ["sqs:*"], "resources": ["*"]}],
    )
    PolicyDocument(stack, "doc_notaction_fail", statement=[Statement(not_actions=["s3:DeleteBucket"], resources=["*"])])
    suppress(
        PolicyDocument(stack, "doc_suppressed", statement=[{"actions": ["sqs:*"], "resources": ["*"]}]),
        "FIN-002",
        "queue admin document for the ops break-glass role",
    )
    PolicyDocument(stack, "doc_deny_ok", statement=[{"effect": "Deny", "actions": ["*"], "resources": ["*"]}])
    IamRolePolicy(stack, "role_policy_from_doc_ok", role="exec", policy=doc_ok.json)
    IamRolePolicy(stack, "role_policy_from_bad_doc_ok", role="exec", policy=doc_bad.json)  # reported on the doc
    trust = policy_json(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
    )
    IamRole(
        stack,
        "role_inline_fail",
        assume_role_policy=trust,
        inline_policy=[{"name": "logs", "policy": policy_json(allow("logs:*"))}],
    )
    IamRole(
        stack,
        "role_inline_ok",
        assume_role_policy=trust,
        inline_policy=[{"name": "logs", "policy": policy_json(allow("logs:PutLogEvents"))}],
    )
    S3BucketPolicy(stack, "bucket_policy_fail", bucket=bucket.id, policy=policy_json(allow("s3:*", Principal="*")))
    topic = SnsTopic(stack, "topic_ok", name="topic")
    SnsTopicPolicy(stack, "topic_policy_fail", arn=topic.arn, policy=policy_json(allow("sns:*")))
    queue = SqsQueue(stack, "queue_inline_policy_fail", name="queue", policy=policy_json(allow("sqs:Send*")))
    SqsQueuePolicy(stack, "queue_policy_ok", queue_url=queue.url, policy=policy_json(allow("sqs:SendMessage")))

    # FIN-003: KMS root key administration (documented, suppressible)
    KmsKey(stack, "kms_root_admin_fail", policy=root_key_policy())
    suppress(KmsKey(stack, "kms_root_admin_suppressed", policy=root_key_policy()), "FIN-003", REASON)
    KmsKey(
        stack,
        "kms_mixed_fail",
        policy=policy_json(
            allow("kms:*", Principal={"AWS": ACCOUNT_ROOT}), allow("kms:Create*", Principal={"AWS": ROLE_ARN})
        ),
    )
    KmsKey(stack, "kms_no_policy_ok")

    # FIN-004 / FIN-005: arm64
    function(stack, "fn_arm64_ok", log_group=logs)
    function(stack, "fn_missing_arch_fail", log_group=logs, architectures=None)
    function(stack, "fn_override_x86_fail", log_group=logs).add_override("architectures", ["x86_64"])
    LambdaLayerVersion(stack, "layer_arm64_ok", layer_name="ok", compatible_architectures=["arm64", "x86_64"])
    LambdaLayerVersion(stack, "layer_missing_fail", layer_name="missing")
    LambdaLayerVersion(stack, "layer_x86_fail", layer_name="x86", compatible_architectures=["x86_64"])
    team = Construct(stack, "legacy")  # suppressions attached here are inherited by the children
    suppress(team, "FIN-004", "legacy x86 binaries until the Q3 port", expires=FUTURE)
    suppress(team, "FIN-005", "legacy x86 binaries until the Q3 port")
    function(team, "fn_inherited_suppressed", log_group=logs, architectures=None)
    LambdaLayerVersion(team, "layer_inherited_suppressed", layer_name="legacy")

    # FIN-006 / FIN-007: logs
    LogGroup(stack, "lg_missing_fail", name="/app/missing")
    LogGroup(stack, "lg_zero_fail", name="/app/zero", retention_in_days=0)
    LogGroup(stack, "lg_not_allowed_fail", name="/app/two", retention_in_days=2)
    unused = LogGroup(stack, "lg_unused_suppression_warn", name="/app/unused", retention_in_days=14)
    suppress(unused, "FIN-006", "kept while the auditors sample it")
    function(stack, "fn_no_log_group_fail", log_group=None)
    LogGroup(stack, "lg_named_ok", name="/aws/lambda/fn_named_group_ok", retention_in_days=7)
    function(stack, "fn_named_group_ok", log_group=None)
    function(
        stack,
        "fn_external_group_fail",
        log_group=None,
        logging_config={"log_format": "JSON", "log_group": "/shared/elsewhere"},
    )
    StateMachine(
        stack,
        "sfn_ok",
        definition="{}",
        role_arn=ROLE_ARN,
        logging_configuration={"log_destination": f"{logs.arn}:*", "level": "ALL", "include_execution_data": True},
    )
    StateMachine(stack, "sfn_no_logging_fail", definition="{}", role_arn=ROLE_ARN)
    StateMachine(
        stack,
        "sfn_external_group_fail",
        definition="{}",
        role_arn=ROLE_ARN,
        logging_configuration={
            "log_destination": "arn:aws:logs:eu-west-1:123456789012:log-group:other:*",
            "level": "ERROR",
        },
    )
    StateMachine(
        stack,
        "sfn_level_off_fail",
        definition="{}",
        role_arn=ROLE_ARN,
        logging_configuration={"log_destination": f"{logs.arn}:*", "level": "OFF"},
    )

    # FIN-008: PITR (the policy below requires a recovery period of at least 14 days)
    table(stack, "table_pitr_ok")
    table(stack, "table_long_period_ok", point_in_time_recovery={"enabled": True, "recovery_period_in_days": 20})
    table(stack, "table_no_pitr_fail", point_in_time_recovery=None)
    table(stack, "table_pitr_disabled_fail", point_in_time_recovery={"enabled": False})
    table(stack, "table_override_disable_fail").add_override("point_in_time_recovery.enabled", False)
    table(stack, "table_short_period_fail", point_in_time_recovery={"enabled": True, "recovery_period_in_days": 7})

    # FIN-009: no RETAIN
    S3Bucket(stack, "bucket_no_force_destroy_fail")
    EcrRepository(stack, "ecr_force_delete_ok", name="ok", force_delete=True)
    EcrRepository(stack, "ecr_no_force_delete_fail", name="retained")
    LogGroup(
        stack, "lg_prevent_destroy_fail", name="/app/keep", retention_in_days=30, lifecycle={"prevent_destroy": True}
    )
    LogGroup(stack, "lg_skip_destroy_fail", name="/app/skip", retention_in_days=30, skip_destroy=True)
    LambdaLayerVersion(
        stack, "layer_skip_destroy_fail", layer_name="skip", compatible_architectures=["arm64"], skip_destroy=True
    )
    table(stack, "table_deletion_protection_fail", deletion_protection_enabled=True)
    expired = S3Bucket(stack, "bucket_expired_suppression_fail")
    suppress(expired, "FIN-009", "temporary keep during the migration", expires=PAST)

    governance = govern(stack, GovernancePolicy(min_pitr_recovery_days=14), today=TODAY)
    return stack, governance


# --- a compliant stack: synth must succeed ----------------------------------------------------------


def build_clean(scope: Construct, stack_id: str = "clean") -> tuple[TerraformStack, object]:
    """Every rule satisfied. Provider default_tags carry ALL required tags, so the tagging aspect must
    not add any resource tag; one FIN-002 finding is suppressed per action and one suppression is unused
    (a warning, which does not fail synth)."""
    stack = TerraformStack(scope, stack_id)
    AwsProvider(stack, "aws", region="eu-west-1", default_tags=[{"tags": ALL_TAGS}])
    logs = LogGroup(stack, "logs", name="/app/clean", retention_in_days=30)
    S3Bucket(stack, "bucket", force_destroy=True)
    S3Bucket(stack, "bucket_own_tags", force_destroy=True, tags={"Owner": "data-team"})
    function(stack, "fn", log_group=logs)
    table(stack, "table")
    reader = IamPolicy(stack, "reader", policy=policy_json(allow(["s3:GetObject", "s3:List*"])))
    suppress(reader, "FIN-002", "listing prefixes needs all List actions", finding="s3:List*")
    suppress(logs, "FIN-006", "kept while the auditors sample it", expires=FUTURE)
    governance = govern(stack, today=TODAY)
    return stack, governance


def build_untagged(scope: Construct, stack_id: str = "untagged", *, tags: dict | None = None):
    """No provider default_tags: the aspect must add every policy tag to each taggable resource."""
    stack = TerraformStack(scope, stack_id)
    AwsProvider(stack, "aws", region="eu-west-1")
    S3Bucket(stack, "bucket", force_destroy=True, tags={"Owner": "data-team"})
    IamRolePolicy(stack, "untaggable", role="exec", policy=policy_json(allow("s3:GetObject")))
    governance = govern(stack, GovernancePolicy.with_tags(**(tags or SITE_TAGS)), today=TODAY)
    return stack, governance


# --- synth helper -----------------------------------------------------------------------------------


@dataclass
class Synth:
    stack: Any
    governance: Any
    error: str | None  # the synth error message, None when synth succeeded
    document: dict  # cdk.tf.json when written, else the final document the validation evaluated

    def findings(self, rule_id: str | None = None) -> set[tuple[str, str, str, str]]:
        return {
            (f.rule_id, f.address, f.key, f.status)
            for f in self.governance.report.findings
            if rule_id is None or f.rule_id == rule_id
        }

    def suppressed(self, rule_id: str | None = None) -> set[tuple[str, str, str]]:
        return {
            (f.rule_id, f.address, f.key)
            for f in self.governance.report.suppressed
            if rule_id is None or f.rule_id == rule_id
        }


def full_synth(stack, governance) -> Synth:
    try:
        outdir = Testing.full_synth(stack)
    except RuntimeError as error:
        return Synth(stack, governance, str(error), stack.to_terraform())
    document = json.loads(Path(outdir, "stacks", stack.node.id, "cdk.tf.json").read_text())
    return Synth(stack, governance, None, document)
