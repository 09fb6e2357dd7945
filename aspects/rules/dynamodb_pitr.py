"""Every DynamoDB table has point-in-time recovery enabled (and a long enough recovery period)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.rules._result import NOT_APPLICABLE, Issue, RuleResult
from aspects.rules._terraform import first_block, has_token, truthy

if TYPE_CHECKING:
    from aspects.document import Resource, StackContext

AWS_DEFAULT_RECOVERY_DAYS = 35


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource" or resource.type != "aws_dynamodb_table":
        return NOT_APPLICABLE
    pitr = first_block(resource.config.get("point_in_time_recovery")) or {}
    enabled = truthy(pitr.get("enabled"))
    if enabled is None:
        return RuleResult.from_issues([Issue("enabled", f"enabled is {pitr.get('enabled')!r}", True)])
    if not enabled:
        return RuleResult.from_issues([Issue("enabled", "point_in_time_recovery is not enabled")])
    days = pitr.get("recovery_period_in_days", AWS_DEFAULT_RECOVERY_DAYS)
    minimum = context.policy.min_pitr_recovery_days
    if has_token(days):
        return RuleResult.from_issues([Issue("recovery_period_in_days", f"recovery period is {days!r}", True)])
    if minimum is not None and (not isinstance(days, int) or days < minimum):
        return RuleResult.from_issues(
            [
                Issue(
                    "recovery_period_in_days",
                    f"recovery_period_in_days is {days!r}, below the required {minimum}",
                )
            ]
        )
    return RuleResult.from_issues([])
