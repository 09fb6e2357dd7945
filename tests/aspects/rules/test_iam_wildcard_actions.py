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
        ("aws_ssoadmin_permission_set_inline_policy", "inline_policy"),
        ("aws_glacier_vault", "access_policy"),
        ("aws_codeartifact_repository_permissions_policy", "policy_document"),
        ("aws_organizations_resource_policy", "content"),
        ("aws_s3tables_table_bucket_policy", "resource_policy"),
    ],
)
def test_every_policy_attribute_is_checked(type_, attribute):
    bad = doc({"Effect": "Allow", "Action": ["s3:Get?bject", "s3:PutObject"], "Resource": "*"})
    assert run(check, type_, {attribute: bad}) == (FAIL, {"s3:Get?bject"}, set())
    good = doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})
    assert run(check, type_, {attribute: good}) == (OK, set(), set())


@pytest.mark.parametrize(
    "type_, attribute",
    [
        ("aws_iam_role", "assume_role_policy"),  # a trust policy: who may assume the role
        ("aws_organizations_policy", "content"),  # an SCP: a guardrail, not a grant
        ("aws_ecr_lifecycle_policy", "policy"),  # image lifecycle rules
        ("aws_sqs_queue", "redrive_policy"),
    ],
)
def test_documents_that_are_not_grants_are_not_read(type_, attribute):
    star = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert run(check, type_, {attribute: star})[0] in (NA, OK)


def test_excluded_locations_say_why():
    from aspects.data import POLICY_LOCATIONS_FILE

    excluded = json.loads(POLICY_LOCATIONS_FILE.read_text())["excluded"]
    assert "trust policy" in excluded["aws_iam_role:assume_role_policy"]
    assert "SCP" in excluded["aws_organizations_policy:content"]
    assert all(len(reason) > 15 for reason in excluded.values())


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
        "${aws_iam_policy.other.policy}",  # not declared in this document
        "${data.aws_ssm_parameter.policy.value}",
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


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def test_aws_managed_policies_are_resolved_in_the_dated_snapshot():
    attach = "aws_iam_role_policy_attachment"
    assert run(check, attach, {"policy_arn": ADMIN}) == (FAIL, {ADMIN}, set())
    partition = {"policy_arn": "arn:${data.aws_partition.p.partition}:iam::aws:policy/AdministratorAccess"}
    assert run(check, attach, partition) == (FAIL, {ADMIN}, set())
    clean = {"policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
    assert run(check, attach, clean)[0] is OK
    wrong_path = {"policy_arn": "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"}
    assert run(check, attach, wrong_path)[0] is UNKNOWN  # the managed policy lives under /service-role/
    assert run(check, attach, {"policy_arn": "${var.policy}"}) == (UNKNOWN, set(), {"${var.policy}"})


def test_a_managed_policy_finding_names_the_policy_and_its_wildcards():
    from aspects.context import StackContext
    from aspects.tfjson import Resource

    result = check(
        Resource.from_config("aws_iam_role", "r", {"managed_policy_arns": [ADMIN]}), StackContext.from_document({})
    )
    (issue,) = result.issues
    assert issue.key == ADMIN
    assert "AWS managed policy AdministratorAccess" in issue.detail and "wildcard actions *" in issue.detail
    assert "snapshot of 20" in issue.detail


def test_customer_policies_in_the_stack_are_evaluated_where_declared():
    document = {
        "resource": {
            "aws_iam_policy": {
                "mine": {"name": "team-read", "policy": doc({"Effect": "Allow", "Action": "s3:GetObject"})}
            }
        }
    }
    attach = "aws_iam_user_policy_attachment"
    assert run(check, attach, {"policy_arn": "${aws_iam_policy.mine.arn}"}, document=document)[0] is OK
    assert run(check, attach, {"policy_arn": "arn:aws:iam::123456789012:policy/team-read"}, document=document)[0] is OK
    outside = {"policy_arn": "arn:aws:iam::123456789012:policy/elsewhere"}
    assert run(check, attach, outside) == (UNKNOWN, set(), {"arn:aws:iam::123456789012:policy/elsewhere"})


def test_data_source_lookups_of_managed_policies():
    document = {"data": {"aws_iam_policy": {"admin": {"name": "AdministratorAccess"}, "x": {"name": "${var.n}"}}}}
    attach = "aws_iam_role_policy_attachment"
    assert run(check, attach, {"policy_arn": "${data.aws_iam_policy.admin.arn}"}, document=document) == (
        FAIL,
        {ADMIN},
        set(),
    )
    assert run(check, attach, {"policy_arn": "${data.aws_iam_policy.x.arn}"}, document=document)[0] is UNKNOWN
    embedded = {"policy": "${data.aws_iam_policy.admin.policy}"}
    assert run(check, "aws_iam_policy", embedded, document=document) == (FAIL, {ADMIN}, set())


def test_permission_actions_and_sso_customer_policies():
    assert run(check, "aws_lambda_permission", {"action": "lambda:*"}) == (FAIL, {"lambda:*"}, set())
    assert run(check, "aws_lambda_permission", {"action": "lambda:InvokeFunction"})[0] is OK
    reference = {"customer_managed_policy_reference": {"name": "team-read", "path": "/"}}
    assert run(check, "aws_ssoadmin_customer_managed_policy_attachment", reference)[0] is UNKNOWN
