"""Every CloudWatch log group has a positive ``retention_in_days`` from the allowed set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.result import COMPLIANT, NOT_APPLICABLE, Issue, RuleResult
from aspects.values import has_token

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource" or resource.type != "aws_cloudwatch_log_group":
        return NOT_APPLICABLE
    days = resource.config.get("retention_in_days")
    if has_token(days):
        return RuleResult.from_issues([Issue("retention_in_days", f"retention_in_days is {days!r}", True)])
    allowed = context.policy.allowed_log_retention_days
    if isinstance(days, int) and not isinstance(days, bool) and days in allowed:
        return COMPLIANT
    shown = "missing (never expires)" if days is None else repr(days)
    values = sorted(allowed)
    listed = (
        ", ".join(map(str, values)) if len(values) <= 8 else f"{', '.join(map(str, values[:6]))}, ..., {values[-1]}"
    )
    return RuleResult.from_issues([Issue("retention_in_days", f"retention_in_days is {shown}; allowed: {listed}")])
