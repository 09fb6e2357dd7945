"""Drift: the deployed tags of a stack's resources against their synthesized effective tags.

Matching a deployed ARN to a synthesized resource (physical ids such as ``vpc-0abc`` only exist
after apply, so the match uses what the configuration fixes in advance):

1. **By name**: for the types in :data:`ARN_BY_NAME`, the ARN's service and resource part are
   built from the literal name argument (``bucket``, ``function_name``, ``name``, ``alarm_name``)
   and compared with each deployed ARN's service and resource part (partition, region and
   account are ignored). ``aws_s3_bucket{bucket="b"}`` matches ``arn:aws:s3:::b``;
   ``aws_lambda_function{function_name="f"}`` matches ``arn:...:lambda:...:function:f``.
2. **By Name tag**: for EC2 types (:data:`ARN_BY_NAME_TAG`), whose ids are generated, the
   literal effective ``Name`` tag is matched with the deployed ``Name`` tag of an ARN of the
   same EC2 resource type (``vpc/``, ``subnet/``...).
3. Anything else (generated ids such as KMS keys, names that are expressions, types the tagging
   API does not list such as IAM) cannot be identified: listed apart as *unverifiable*, never
   reported as missing.

A deployed resource that matches nothing but carries the stack's scope tags (by default the
``Project`` and ``Environment`` values of the stack's provider ``default_tags``) is reported as
``not-in-stack``. Deployed keys starting with ``aws:`` are AWS-managed and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from aspects.context import StackContext
from tag_audit.live import BARE_TYPES, arn_parts, resource_type, tags_of
from tag_audit.model import DriftItem, Unverifiable
from tag_audit.static import ExpectedResource, Stack, expected_resources

#: Terraform type -> (ARN service, name argument, ARN resource part built from the name).
ARN_BY_NAME: Mapping[str, tuple[str, str, str]] = {
    "aws_s3_bucket": ("s3", "bucket", "{}"),
    "aws_lambda_function": ("lambda", "function_name", "function:{}"),
    "aws_dynamodb_table": ("dynamodb", "name", "table/{}"),
    "aws_sqs_queue": ("sqs", "name", "{}"),
    "aws_sns_topic": ("sns", "name", "{}"),
    "aws_sfn_state_machine": ("states", "name", "stateMachine:{}"),
    "aws_cloudwatch_event_rule": ("events", "name", "rule/{}"),
    "aws_cloudwatch_log_group": ("logs", "name", "log-group:{}"),
    "aws_cloudwatch_metric_alarm": ("cloudwatch", "alarm_name", "alarm:{}"),
    "aws_ssm_parameter": ("ssm", "name", "parameter/{}"),
    "aws_kinesis_stream": ("kinesis", "name", "stream/{}"),
    "aws_ecr_repository": ("ecr", "name", "repository/{}"),
    "aws_ecs_cluster": ("ecs", "name", "cluster/{}"),
    "aws_glue_job": ("glue", "name", "job/{}"),
}
#: Terraform type -> EC2 resource type in the ARN (``arn:aws:ec2:region:account:<type>/<id>``).
ARN_BY_NAME_TAG: Mapping[str, str] = {
    "aws_vpc": "vpc",
    "aws_subnet": "subnet",
    "aws_route_table": "route-table",
    "aws_vpc_endpoint": "vpc-endpoint",
    "aws_security_group": "security-group",
    "aws_default_security_group": "security-group",
    "aws_vpc_security_group_egress_rule": "security-group-rule",
    "aws_vpc_security_group_ingress_rule": "security-group-rule",
    "aws_internet_gateway": "internet-gateway",
    "aws_nat_gateway": "natgateway",
    "aws_eip": "elastic-ip",
    "aws_network_acl": "network-acl",
    "aws_flow_log": "vpc-flow-log",
}
#: Live ``service:type`` of taggable types with no matching rule (generated ids): a deployed resource
#: of that type with the stack's scope tags may be one of them, so it is not reported as not-in-stack.
LIVE_TYPE_WITHOUT_RULE: Mapping[str, str] = {
    "aws_kms_key": "kms:key",
    "aws_iam_role": "iam:role",
    "aws_iam_user": "iam:user",
    "aws_iam_policy": "iam:policy",
    "aws_secretsmanager_secret": "secretsmanager:secret",
    "aws_cloudwatch_log_stream": "logs:log-group",
}
DEFAULT_SCOPE_KEYS = ("Project", "Environment")


def live_type(type_: str) -> str | None:
    """The ``service:type`` deployed resources of a Terraform type have in their ARN, when known."""
    if type_ in ARN_BY_NAME:
        service, _, pattern = ARN_BY_NAME[type_]
        head = re.split(r"[/:]", pattern, maxsplit=1)
        return f"{service}:{head[0]}" if len(head) == 2 else f"{service}:{BARE_TYPES.get(service, '')}"
    if type_ in ARN_BY_NAME_TAG:
        return f"ec2:{ARN_BY_NAME_TAG[type_]}"
    return LIVE_TYPE_WITHOUT_RULE.get(type_)


def identity(expected: ExpectedResource) -> tuple[tuple[str, ...] | None, str]:
    """The key a deployed resource must have to be this one, or ``(None, reason)``."""
    resource = expected.resource
    if resource.type in ARN_BY_NAME:
        service, argument, pattern = ARN_BY_NAME[resource.type]
        name = resource.config.get(argument)
        if not isinstance(name, str) or not name:
            return None, f"no literal {argument} (generated name)"
        if "${" in name:
            return None, f"{argument} is an expression"
        if resource.type == "aws_ssm_parameter":
            name = name.lstrip("/")
        part = pattern.format(name)
        bus = resource.config.get("event_bus_name")
        if resource.type == "aws_cloudwatch_event_rule" and isinstance(bus, str) and bus not in ("", "default"):
            part = f"rule/{bus}/{name}"
        return ("arn", service, part), ""
    if resource.type in ARN_BY_NAME_TAG:
        name = expected.tags.get("Name")
        if not isinstance(name, str) or not name or "${" in name:
            return None, "generated id and no literal Name tag"
        return ("name-tag", "ec2", ARN_BY_NAME_TAG[resource.type], name), ""
    return None, "generated id or not listed by the Resource Groups Tagging API"


def _live_keys(mapping: Mapping[str, Any]) -> list[tuple[str, ...]]:
    service, part = arn_parts(mapping["ResourceARN"])
    keys: list[tuple[str, ...]] = [("arn", service, part)]
    name = tags_of(mapping).get("Name")
    if service == "ec2" and name:
        keys.append(("name-tag", "ec2", part.split("/", 1)[0], name))
    return keys


def scope_tags(stack: Stack, keys: Sequence[str] = DEFAULT_SCOPE_KEYS) -> dict[str, str]:
    """The ``default_tags`` values of the stack's default provider that mark its resources."""
    defaults = StackContext.from_document(stack.document).default_tags.get("aws", {})
    if not isinstance(defaults, Mapping):  # default_tags given as an expression
        return {}
    return {k: defaults[k] for k in keys if isinstance(defaults.get(k), str) and defaults[k]}


def compare(
    stacks: Iterable[Stack],
    mappings: Sequence[Mapping[str, Any]],
    *,
    scope_keys: Sequence[str] = DEFAULT_SCOPE_KEYS,
    services: Collection[str] = (),
) -> tuple[list[DriftItem], list[Unverifiable]]:
    """Drift items and what cannot be verified. ``services`` (ARN service names) limits the comparison
    to what the live listing covered (``--services``); empty: every service."""
    index: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for mapping in mappings:
        for key in _live_keys(mapping):
            index.setdefault(key, mapping)
    drift: list[DriftItem] = []
    unverifiable: list[Unverifiable] = []
    matched: set[str] = set()
    scopes: list[tuple[str, dict[str, str]]] = []
    unidentified_types: dict[str, set[str]] = {}  # stack -> live types of its unverifiable resources
    for stack in stacks:
        scopes.append((stack.name, scope_tags(stack, scope_keys)))
        for expected in expected_resources(stack):
            if not expected.taggable:
                continue
            kind = live_type(expected.resource.type)
            if services and (kind is None or kind.split(":", 1)[0] not in services):
                service = kind.split(":", 1)[0] if kind else "unknown service"
                unverifiable.append(Unverifiable(stack.name, expected.address, f"{service} not audited (--services)"))
                continue
            wanted, reason = identity(expected)
            if wanted is None:
                unverifiable.append(Unverifiable(stack.name, expected.address, reason))
                if kind:
                    unidentified_types.setdefault(stack.name, set()).add(kind)
                continue
            found = index.get(wanted)
            if found is None:
                drift.append(DriftItem("missing-resource", stack.name, expected.address, ""))
                continue
            arn = found["ResourceARN"]
            matched.add(arn)
            drift += _tag_drift(stack.name, expected, arn, tags_of(found))
    for mapping in mappings:
        arn = mapping["ResourceARN"]
        if arn in matched:
            continue
        tags = tags_of(mapping)
        for name, scope in scopes:
            if scope and all(tags.get(k) == v for k, v in scope.items()):
                kind = resource_type(arn)
                if kind in unidentified_types.get(name, set()):
                    reason = f"deployed with the stack's tags; may be one of its {kind} resources not verifiable live"
                    unverifiable.append(Unverifiable(name, arn, reason))
                else:
                    drift.append(DriftItem("not-in-stack", name, "", arn))
                break
    return drift, unverifiable


def _tag_drift(stack: str, expected: ExpectedResource, arn: str, deployed: Mapping[str, str]) -> list[DriftItem]:
    if expected.tags_unknown:
        return []  # the expectation is an expression: the static audit reports it as UNKNOWN
    items = []
    wanted = {k: v for k, v in expected.tags.items() if isinstance(v, str) and "${" not in v}
    for key in sorted(set(wanted) | {k for k in deployed if not k.startswith("aws:")}):
        if key in expected.tags and key not in wanted:
            continue  # expected value is computed at apply time
        want, have = wanted.get(key), deployed.get(key)
        if want != have:
            items.append(DriftItem("tag-differs", stack, expected.address, arn, key, want, have))
    return items
