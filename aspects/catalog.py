"""The rule catalog: id, title, severity, rationale and fix for every governance rule.

Pure Python (no cdktf): the synth-time aspects, the checkov checks and the docs read it.
Rule ids are one series, ``FIN-001`` onwards; ids are never reused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from aspects.rules import (
    dynamodb_pitr,
    iam_wildcard_actions,
    kms_root_key_admin,
    lambda_arm64,
    layer_arm64,
    log_group_retention,
    logs_to_declared_group,
    no_modules,
    no_retain,
    required_tags,
)

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.result import RuleResult
    from aspects.tfjson import Resource

Check = Callable[["Resource", "StackContext"], "RuleResult"]

SUPPRESSION_EXPIRED = "FIN-010"
SUPPRESSION_UNUSED = "FIN-011"
SUPPRESSION_INVALID = "FIN-012"
LEVELS = ("error", "warning", "off")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str  # HIGH / MEDIUM / LOW
    rationale: str
    fix: str
    check: Check | None = None  # None: a finding about suppressions, raised by the evaluator itself
    level: str = "error"  # default level: "error" fails synth; "warning" is reported only (a policy may change it)


_RULES = (
    Rule(
        "FIN-001",
        "Required FinOps tags",
        "HIGH",
        "Cost allocation needs CostCenter, Environment, Owner, Project and ManagedBy on every taggable "
        "resource; effective tags are the provider default_tags merged with the resource tags.",
        "Set the tag in the provider default_tags or the resource tags (tag blocks for types default_tags do "
        "not reach), or give it a value in the policy ([tags] defaults) so govern() applies it.",
        required_tags.check,
    ),
    Rule(
        "FIN-002",
        "No IAM wildcard actions",
        "HIGH",
        "Wildcard actions (*, service:*, partial s3:Get*) and Allow+NotAction grant more than intended and "
        "grow silently as AWS adds actions. A policy that cannot be read at synth is reported as UNKNOWN.",
        "List the exact actions, in a policy of the stack rather than a broad AWS managed policy; build policies "
        "from literal values or data.aws_iam_policy_document so they can be checked, or suppress one finding "
        "(an action, a policy ARN) with a reason.",
        iam_wildcard_actions.check,
    ),
    Rule(
        "FIN-003",
        "KMS key policy grants kms:* to the account root",
        "MEDIUM",
        "The AWS default key policy delegates key administration to IAM; accepted only as a reviewed, "
        "suppressed exception.",
        "Grant key administration to a named role with explicit kms: actions, or suppress FIN-003 on the "
        "key with a reason (and an expiry).",
        kms_root_key_admin.check,
    ),
    Rule(
        "FIN-004",
        "Lambda functions run on arm64",
        "MEDIUM",
        "Graviton (arm64) is ~20% cheaper per GB-second; a missing architectures argument means x86_64.",
        'Set architectures=["arm64"] on the function.',
        lambda_arm64.check,
    ),
    Rule(
        "FIN-005",
        "Lambda layers support arm64",
        "MEDIUM",
        "An arm64 function can only use layers built and declared for arm64.",
        'Set compatible_architectures=["arm64"] on the layer version (build it for arm64).',
        layer_arm64.check,
    ),
    Rule(
        "FIN-006",
        "Log groups expire",
        "HIGH",
        "Log groups without retention keep (and bill) logs forever.",
        "Set retention_in_days to one of the values the policy allows ([logs] allowed_retention_days).",
        log_group_retention.check,
    ),
    Rule(
        "FIN-007",
        "Services log to a log group declared in the stack",
        "HIGH",
        "Otherwise AWS creates the log group on first write, outside the stack, without retention (Lambda, "
        "Step Functions, RDS/Aurora/DocumentDB/Neptune log exports, EKS control-plane logs, CodeBuild, ECS "
        "awslogs-create-group, API Gateway execution and access logs, AppSync, Amazon MQ, MWAA, flow logs, ...).",
        "Declare an aws_cloudwatch_log_group with the name the service writes to (the finding names it) and an "
        "allowed retention; point logging_config.log_group (Lambda), logging_configuration.log_destination "
        '("${arn}:*", level not OFF; Step Functions) or the destination argument at it.',
        logs_to_declared_group.check,
    ),
    Rule(
        "FIN-008",
        "DynamoDB point-in-time recovery",
        "HIGH",
        "Without PITR a bad write or delete cannot be undone.",
        "Set point_in_time_recovery { enabled = true } (and a recovery period at least the policy minimum).",
        dynamodb_pitr.check,
    ),
    Rule(
        "FIN-009",
        "Nothing blocks terraform destroy",
        "MEDIUM",
        "Deletion protection, termination protection, skip_destroy/retain settings, a missing final snapshot "
        "identifier, buckets/repositories/zones that cannot be emptied and COMPLIANCE object locks make destroy "
        "fail or leave resources behind: they leak cost and block ephemeral environments.",
        "Set the argument the finding names as it says (deletion protection off, force_destroy/force_delete true, "
        "skip_final_snapshot true or a final snapshot identifier, no skip_destroy/prevent_destroy, GOVERNANCE "
        "instead of COMPLIANCE object lock), or suppress FIN-009 with a reason for a resource meant to outlive "
        "the stack.",
        no_retain.check,
    ),
    Rule(
        SUPPRESSION_EXPIRED,
        "Suppression expired",
        "HIGH",
        "A suppression is a time-boxed exception; once expired the violation is due.",
        "Fix the underlying finding, or renew the suppression with a new reason and expiry.",
    ),
    Rule(
        SUPPRESSION_UNUSED,
        "Suppression matched nothing",
        "LOW",
        "Stale suppressions hide future violations.",
        "Remove the suppression (or correct its rule id / finding).",
        level="warning",
    ),
    Rule(
        SUPPRESSION_INVALID,
        "Suppression is invalid",
        "HIGH",
        "A suppression needs a known rule id and a reason of at least 10 characters; expiry is an ISO date.",
        "Correct the suppression record.",
    ),
    Rule(
        "FIN-013",
        "Module calls are governed where their resources are",
        "HIGH",
        "A module block creates resources that are not in this document, so no rule can see them: without "
        "this finding a stack made of modules would pass every rule unseen.",
        "Govern the module's own stack (or copy its resources into this one), or suppress FIN-013 on the module "
        "with a reason naming where its resources are governed.",
        no_modules.check,
    ),
)

CATALOG: MappingProxyType[str, Rule] = MappingProxyType({rule.id: rule for rule in _RULES})
if len(CATALOG) != len(_RULES):  # pragma: no cover - guarded by the census test as well
    raise RuntimeError("duplicate rule id in the catalog")


def rules() -> tuple[Rule, ...]:
    """The rules with a check function, in id order."""
    return tuple(rule for rule in _RULES if rule.check is not None)
