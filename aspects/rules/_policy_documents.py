"""Find and read the IAM policy documents a resource carries (pure Python)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aspects.rules._terraform import Unknown, expression, parse_jsonencode

if TYPE_CHECKING:
    from aspects.document import Resource, StackContext

#: Resource type -> attributes holding a policy JSON string.
POLICY_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_iam_role": ("assume_role_policy",),  # plus inline_policy blocks
    "aws_s3_bucket_policy": ("policy",),
    "aws_s3_bucket": ("policy",),
    "aws_sns_topic_policy": ("policy",),
    "aws_sns_topic": ("policy",),
    "aws_sqs_queue_policy": ("policy",),
    "aws_sqs_queue": ("policy",),
    "aws_kms_key": ("policy",),
    "aws_kms_key_policy": ("policy",),
    # other resource policies that grant actions (names checked against the provider schema)
    "aws_vpc_endpoint": ("policy",),
    "aws_ecr_repository_policy": ("policy",),
    "aws_ecr_registry_policy": ("policy",),
    "aws_secretsmanager_secret": ("policy",),
    "aws_secretsmanager_secret_policy": ("policy",),
    "aws_cloudwatch_log_resource_policy": ("policy_document",),
    "aws_cloudwatch_event_bus_policy": ("policy",),
    "aws_api_gateway_rest_api": ("policy",),
    "aws_api_gateway_rest_api_policy": ("policy",),
    "aws_opensearch_domain": ("access_policies",),
    "aws_opensearch_domain_policy": ("access_policies",),
    "aws_glue_resource_policy": ("policy",),
    "aws_s3_access_point": ("policy",),
    "aws_s3control_access_point_policy": ("policy",),
    "aws_efs_file_system_policy": ("policy",),
    "aws_backup_vault_policy": ("policy",),
    "aws_kinesis_resource_policy": ("policy",),
    "aws_dynamodb_resource_policy": ("policy",),
}
KMS_TYPES = frozenset({"aws_kms_key", "aws_kms_key_policy"})
_DOC_REF = re.compile(r"^data\.aws_iam_policy_document\.(?P<name>[\w-]+)\.(json|minified_json)$")
_ROOT = re.compile(r"^(arn:aws[\w-]*:iam::(\d{12}|\$\{[^}]+\}):root|\d{12})$")  # a bare account id is root


@dataclass(frozen=True)
class Statement:
    where: str  # e.g. "policy statement 0"
    effect: Any  # "Allow" / "Deny" / Unknown
    actions: tuple[Any, ...]
    not_actions: tuple[Any, ...]
    principals: tuple[Any, ...]


@dataclass(frozen=True)
class Unreadable:
    where: str
    why: str


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def _aws_principals(principal: Any) -> tuple[Any, ...]:
    if isinstance(principal, dict):
        return _as_tuple(principal.get("AWS"))
    return _as_tuple(principal)


def _json_statements(where: str, document: Any) -> Iterator[Statement | Unreadable]:
    if isinstance(document, Unknown) or not isinstance(document, dict):
        yield Unreadable(where, "the policy document is not a literal object")
        return
    statements = document.get("Statement")
    if isinstance(statements, Unknown):
        yield Unreadable(where, f"Statement is {statements.source}")
        return
    for index, st in enumerate(_as_tuple(statements)):
        label = f"{where} statement {st.get('Sid', index) if isinstance(st, dict) else index}"
        if not isinstance(st, dict):
            yield Unreadable(label, "statement is not a literal object")
            continue
        yield Statement(
            label,
            st.get("Effect"),
            _as_tuple(st.get("Action")),
            _as_tuple(st.get("NotAction")),
            _aws_principals(st.get("Principal")),
        )


def read_policy(where: str, value: Any, context: StackContext) -> Iterator[Statement | Unreadable]:
    """Statements of one policy value (JSON string, jsonencode token, or reference)."""
    if value is None or value == "":
        return
    if isinstance(value, dict):
        yield from _json_statements(where, value)
        return
    if not isinstance(value, str):
        yield Unreadable(where, f"unexpected policy value {value!r}")
        return
    expr = expression(value)
    if expr is not None:
        ref = _DOC_REF.match(expr)
        if ref and ref.group("name") in context.policy_documents:
            return  # evaluated where it is declared: data.aws_iam_policy_document.<name>
        if expr.startswith("jsonencode("):
            try:
                parsed = parse_jsonencode(value)
            except ValueError as error:
                yield Unreadable(where, f"jsonencode(...) could not be parsed: {error}")
                return
            yield from _json_statements(where, parsed)
            return
        yield Unreadable(where, f"the policy is the expression ${{{expr}}}")
        return
    try:
        parsed = json.loads(value)
    except ValueError:
        yield Unreadable(where, "the policy is not valid JSON" + (" (it embeds ${...})" if "${" in value else ""))
        return
    yield from _json_statements(where, parsed)


def statements(resource: Resource, context: StackContext) -> Iterator[Statement | Unreadable]:
    """Every policy statement a resource or data source declares."""
    config = resource.config
    if resource.mode == "data":
        if resource.type != "aws_iam_policy_document":
            return
        for index, st in enumerate(_as_tuple(config.get("statement"))):
            label = f"statement {st.get('sid', index) if isinstance(st, dict) else index}"
            if not isinstance(st, dict):
                yield Unreadable(label, "statement is an expression")
                continue
            principals = tuple(
                ident
                for p in _as_tuple(st.get("principals"))
                if isinstance(p, dict) and p.get("type") == "AWS"
                for ident in _as_tuple(p.get("identifiers"))
            )
            yield Statement(
                label,
                st.get("effect", "Allow"),
                _as_tuple(st.get("actions")),
                _as_tuple(st.get("not_actions")),
                principals,
            )
        for attribute in ("source_policy_documents", "override_policy_documents"):
            values = config.get(attribute)
            if isinstance(values, str):
                yield Unreadable(attribute, f"{attribute} is the expression {values}")
                continue
            for index, value in enumerate(_as_tuple(values)):
                yield from read_policy(f"{attribute}[{index}]", value, context)
        return
    for attribute in POLICY_ATTRIBUTES.get(resource.type, ()):
        yield from read_policy(attribute, config.get(attribute), context)
    if resource.type == "aws_iam_role":
        for index, block in enumerate(_as_tuple(config.get("inline_policy"))):
            if isinstance(block, dict):
                yield from read_policy(f"inline_policy[{index}]", block.get("policy"), context)


def applies(resource: Resource) -> bool:
    return (resource.mode == "data" and resource.type == "aws_iam_policy_document") or (
        resource.mode == "resource" and resource.type in POLICY_ATTRIBUTES
    )


def is_root_key_admin(resource: Resource, statement: Statement) -> bool:
    """A KMS key policy statement that allows ``kms:*`` to the account root (the AWS default key policy)."""
    return (
        resource.type in KMS_TYPES
        and statement.effect == "Allow"
        and not statement.not_actions
        and statement.actions == ("kms:*",)
        and bool(statement.principals)
        and all(isinstance(p, str) and _ROOT.match(p) for p in statement.principals)
    )
