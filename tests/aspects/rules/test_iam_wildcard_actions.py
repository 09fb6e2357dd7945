"""FIN-002: no Allow with a wildcard action or NotAction, wherever a policy lives; unreadable = UNKNOWN."""

import json

import pytest

from aspects.rules.iam_wildcard_actions import check
from tests.aspects.govern_cases import expected_findings, expected_suppressed
from tests.aspects.rules.rule_cases import FAIL, NA, OK, UNKNOWN, run


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-002") == expected_findings("FIN-002")
    assert violations.suppressed("FIN-002") == expected_suppressed("FIN-002")


@pytest.mark.parametrize(
    "type_, attribute",
    [
        ("aws_iam_policy", "policy"),
        ("aws_iam_role_policy", "policy"),
        ("aws_iam_user_policy", "policy"),
        ("aws_iam_group_policy", "policy"),
        ("aws_iam_role", "assume_role_policy"),
        ("aws_s3_bucket_policy", "policy"),
        ("aws_s3_bucket", "policy"),
        ("aws_sns_topic_policy", "policy"),
        ("aws_sns_topic", "policy"),
        ("aws_sqs_queue_policy", "policy"),
        ("aws_sqs_queue", "policy"),
        ("aws_kms_key", "policy"),
        ("aws_kms_key_policy", "policy"),
        ("aws_vpc_endpoint", "policy"),
        ("aws_cloudwatch_log_resource_policy", "policy_document"),
        ("aws_opensearch_domain", "access_policies"),
    ],
)
def test_every_policy_attribute_is_checked(type_, attribute):
    bad = doc({"Effect": "Allow", "Action": ["s3:Get?bject", "s3:PutObject"], "Resource": "*"})
    assert run(check, type_, {attribute: bad}) == (FAIL, {"s3:Get?bject"}, set())
    good = doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})
    assert run(check, type_, {attribute: good}) == (OK, set(), set())


def test_every_policy_location_exists_in_the_provider_schema():
    """POLICY_ATTRIBUTES names real resource types and attributes (checked against the kept schema excerpt)."""
    from aspects.data import taggable_resource_types
    from aspects.rules._policy_documents import POLICY_ATTRIBUTES

    assert all(attributes for attributes in POLICY_ATTRIBUTES.values())
    assert {"aws_iam_policy", "aws_s3_bucket_policy", "aws_kms_key", "aws_vpc_endpoint"} <= set(POLICY_ATTRIBUTES)
    # every type except the pure *_policy attachments is a taggable resource of the provider schema
    assert {t for t in POLICY_ATTRIBUTES if t not in taggable_resource_types()} == {
        "aws_iam_role_policy",
        "aws_iam_user_policy",
        "aws_iam_group_policy",
        "aws_s3_bucket_policy",
        "aws_sns_topic_policy",
        "aws_sqs_queue_policy",
        "aws_kms_key_policy",
        "aws_ecr_repository_policy",
        "aws_ecr_registry_policy",
        "aws_secretsmanager_secret_policy",
        "aws_cloudwatch_log_resource_policy",
        "aws_cloudwatch_event_bus_policy",
        "aws_api_gateway_rest_api_policy",
        "aws_opensearch_domain_policy",
        "aws_glue_resource_policy",
        "aws_s3_access_point",
        "aws_s3control_access_point_policy",
        "aws_efs_file_system_policy",
        "aws_backup_vault_policy",
        "aws_kinesis_resource_policy",
        "aws_dynamodb_resource_policy",
    }


def test_role_inline_policies_are_checked():
    config = {"inline_policy": [{"name": "a", "policy": doc({"Effect": "Allow", "Action": "ec2:*"})}]}
    assert run(check, "aws_iam_role", config) == (FAIL, {"ec2:*"}, set())


def test_single_statement_object_and_default_deny():
    single = json.dumps({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert run(check, "aws_iam_policy", {"policy": single}) == (FAIL, {"*"}, set())
    deny = doc({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"})
    assert run(check, "aws_iam_policy", {"policy": deny}) == (OK, set(), set())


def test_typed_policy_document_statements():
    config = {
        "statement": [
            {"actions": ["s3:GetObject"]},
            {"effect": "Deny", "actions": ["*"]},
            {"actions": ["kinesis:Put*"]},
            {"not_actions": ["s3:DeleteBucket"]},
        ]
    }
    assert run(check, "aws_iam_policy_document", config, mode="data") == (FAIL, {"kinesis:Put*", "NotAction"}, set())


def test_typed_policy_document_source_documents_are_read():
    config = {"source_policy_documents": [doc({"Effect": "Allow", "Action": "sqs:*"})]}
    assert run(check, "aws_iam_policy_document", config, mode="data") == (FAIL, {"sqs:*"}, set())


def test_reference_to_a_policy_document_in_the_stack_is_evaluated_there():
    document = {"data": {"aws_iam_policy_document": {"d": {}}}}
    policy = {"policy": "${data.aws_iam_policy_document.d.json}"}
    assert run(check, "aws_iam_policy", policy, document=document) == (OK, set(), set())
    assert run(check, "aws_iam_policy", policy) == (UNKNOWN, set(), {"UNKNOWN"})  # not declared here


@pytest.mark.parametrize(
    "policy",
    [
        "${aws_iam_policy.other.policy}",
        "${jsonencode(local.statements)}",
        '${jsonencode({"Statement" = [{"Effect" = var.effect, "Action" = "s3:GetObject"}]})}',
        '${jsonencode({"Statement" = [{"Effect" = "Allow", "Action" = "${var.service}:GetObject"}]})}',
        '{"Statement": [{"Effect": "Allow", "Action": "${var.action}"}]}',
        "not json",
    ],
)
def test_unreadable_policies_are_unknown_never_a_pass(policy):
    assert run(check, "aws_iam_policy", {"policy": policy}) == (UNKNOWN, set(), {"UNKNOWN"})


def test_jsonencode_literal_is_parsed_and_references_in_resources_are_fine():
    policy = (
        '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", '
        '"Action" = ["s3:GetObject", "s3:Put*"], "Resource" = "${aws_s3_bucket.b.arn}/*"}, '
        '{"Effect" = "Allow", "Action" = "s3:ListBucket", "Resource" = [aws_s3_bucket.b.arn]}]})}'
    )
    assert run(check, "aws_iam_policy", {"policy": policy}) == (FAIL, {"s3:Put*"}, set())


def test_kms_root_key_admin_statement_is_left_to_fin_003():
    root = doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*"})
    assert run(check, "aws_kms_key", {"policy": root}) == (OK, set(), set())
    assert run(check, "aws_iam_policy", {"policy": root}) == (FAIL, {"kms:*"}, set())  # only on key policies


def test_other_resources_are_not_applicable():
    assert run(check, "aws_lambda_function", {"policy": doc({"Effect": "Allow", "Action": "*"})})[0] is NA
