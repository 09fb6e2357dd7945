"""Taggable resources carry every required tag key with a non-empty value (effective tags)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.rules._result import NOT_APPLICABLE, Issue, RuleResult
from aspects.rules._terraform import expression

if TYPE_CHECKING:
    from aspects.document import Resource, StackContext


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource" or resource.type not in context.taggable_types:
        return NOT_APPLICABLE
    tags = resource.config.get("tags")
    if isinstance(tags, str) and expression(tags) is not None:
        return RuleResult.from_issues([Issue("tags", f"tags is the expression {tags!r}", unknown=True)])
    effective = context.effective_tags(resource)
    missing = [
        k for k in context.policy.required_tag_keys if not isinstance(effective.get(k), str) or not effective[k].strip()
    ]
    return RuleResult.from_issues(
        [Issue(key, f"required tag {key!r} is missing or empty in the effective tags") for key in missing]
    )
