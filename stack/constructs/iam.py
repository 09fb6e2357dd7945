"""Typed IAM policy statements rendered through ``data.aws_iam_policy_document``.

Policies are data sources (not JSON strings) so the synthesized JSON keeps every
statement inspectable by the governance rules, the checkov checks and the invariants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tfcdk import Construct
from tfcdk.aws import load

_doc = load("data_aws_iam_policy_document")

# Actions that AWS does not authorise per resource: they can only be granted on "*".
# https://docs.aws.amazon.com/service-authorization/latest/reference/ (see each service's table)
ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = frozenset(
    {
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcs",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    }
)


@dataclass(frozen=True, kw_only=True)
class Condition:
    test: str
    variable: str
    values: Sequence[str]


@dataclass(frozen=True, kw_only=True)
class Statement:
    sid: str
    actions: Sequence[str]
    resources: Sequence[str] = ()
    effect: str = "Allow"
    principals: Sequence[tuple[str, Sequence[str]]] = ()
    conditions: Sequence[Condition] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        unscoped = [a for a in self.actions if a not in ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS]
        if self.effect == "Allow" and not self.principals and "*" in self.resources and unscoped:
            raise ValueError(
                f"statement {self.sid}: Resource '*' is only allowed for actions without resource-level "
                f"permissions; scope {unscoped} to exact ARNs"
            )

    def render(self) -> dict[str, object]:
        out: dict[str, object] = {"sid": self.sid, "effect": self.effect, "actions": list(self.actions)}
        if self.resources:
            out["resources"] = list(self.resources)
        if self.principals:
            out["principals"] = [{"type": t, "identifiers": list(ids)} for t, ids in self.principals]
        if self.conditions:
            out["condition"] = [
                {"test": c.test, "variable": c.variable, "values": list(c.values)} for c in self.conditions
            ]
        return out


def policy_document(scope: Construct, id_: str, statements: Sequence[Statement]) -> Any:
    return _doc.DataAwsIamPolicyDocument(scope, id_, statement=[s.render() for s in statements])


def assume_role_document(scope: Construct, id_: str, *, service: str, account_id: str) -> Any:
    """Trust policy for one AWS service, limited to this account (confused-deputy guard)."""
    return policy_document(
        scope,
        id_,
        [
            Statement(
                sid="AssumeFromService",
                actions=["sts:AssumeRole"],
                principals=[("Service", [service])],
                conditions=[Condition(test="StringEquals", variable="aws:SourceAccount", values=[account_id])],
            )
        ],
    )


@dataclass(frozen=True)
class ServiceRole:
    """What :func:`service_role` created: the role, its permissions document and inline policy."""

    role: Any
    permissions: Any
    policy: Any

    @property
    def arn(self) -> str:
        return str(self.role.arn)


def service_role(
    scope: Construct,
    *,
    prefix: str = "",
    role_name: str,
    policy_name: str,
    service: str,
    account_id: str,
    statements: Sequence[Statement],
) -> ServiceRole:
    """A role one AWS service assumes (this account only) with exactly ``statements`` inline.

    Creates ``<prefix>trust``, ``<prefix>role``, ``<prefix>permissions`` and ``<prefix>policy`` in ``scope``.
    """
    _role = load("iam_role")
    _role_policy = load("iam_role_policy")
    trust = assume_role_document(scope, f"{prefix}trust", service=service, account_id=account_id)
    role = _role.IamRole(scope, f"{prefix}role", name=role_name, assume_role_policy=trust.json)
    permissions = policy_document(scope, f"{prefix}permissions", statements)
    policy = _role_policy.IamRolePolicy(
        scope, f"{prefix}policy", name=policy_name, role=role.id, policy=permissions.json
    )
    return ServiceRole(role=role, permissions=permissions, policy=policy)
