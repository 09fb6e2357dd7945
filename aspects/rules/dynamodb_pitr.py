"""Every DynamoDB table and every replica of it has point-in-time recovery enabled (and a long enough
recovery period where one can be set)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aspects.result import NOT_APPLICABLE, Issue, RuleResult
from aspects.values import as_list, first_block, has_token, truthy

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource

AWS_DEFAULT_RECOVERY_DAYS = 35


def _table(config: Any, minimum: int | None) -> list[Issue]:
    pitr = first_block(config.get("point_in_time_recovery")) or {}
    enabled = truthy(pitr.get("enabled"))
    if enabled is None:
        return [Issue("enabled", f"point_in_time_recovery.enabled is {pitr.get('enabled')!r}", True)]
    if not enabled:
        return [Issue("enabled", "point_in_time_recovery is not enabled")]
    days = pitr.get("recovery_period_in_days", AWS_DEFAULT_RECOVERY_DAYS)
    if has_token(days):
        return [Issue("recovery_period_in_days", f"recovery period is {days!r}", True)]
    if minimum is not None and (not isinstance(days, int) or days < minimum):
        return [Issue("recovery_period_in_days", f"recovery_period_in_days is {days!r}, below the required {minimum}")]
    return []


def _replica_blocks(config: Any) -> list[Issue]:
    issues = []
    replicas = config.get("replica")
    if isinstance(replicas, str):
        return [Issue("replica", f"replica is the expression {replicas!r}", True)]
    for index, replica in enumerate(as_list(replicas)):
        region = replica.get("region_name", index) if isinstance(replica, dict) else index
        enabled = truthy(replica.get("point_in_time_recovery")) if isinstance(replica, dict) else None
        if enabled is None:
            issues.append(Issue(f"replica[{region}]", f"replica {region}: point_in_time_recovery is computed", True))
        elif not enabled:
            issues.append(Issue(f"replica[{region}]", f"replica {region}: point_in_time_recovery is off (the default)"))
    return issues


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource":
        return NOT_APPLICABLE
    if resource.type == "aws_dynamodb_table":
        minimum = context.policy.min_pitr_recovery_days
        return RuleResult.from_issues(_table(resource.config, minimum) + _replica_blocks(resource.config))
    if resource.type == "aws_dynamodb_table_replica":
        enabled = truthy(resource.config.get("point_in_time_recovery"))
        if enabled is None:
            value = resource.config.get("point_in_time_recovery")
            return RuleResult.from_issues(
                [Issue("point_in_time_recovery", f"point_in_time_recovery is {value!r}", True)]
            )
        if not enabled:
            return RuleResult.from_issues(
                [Issue("point_in_time_recovery", "point_in_time_recovery is off (the default for a replica)")]
            )
        return RuleResult.from_issues([])
    return NOT_APPLICABLE
