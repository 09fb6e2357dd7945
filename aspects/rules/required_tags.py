"""Taggable resources carry every required tag key with a non-empty value (the tags they really get)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.result import NOT_APPLICABLE, Issue, RuleResult

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def check(resource: Resource, context: StackContext) -> RuleResult:
    effective = context.effective_tags(resource)
    if effective is None:
        return NOT_APPLICABLE
    missing = effective.missing(context.policy.required_tag_keys)
    if missing and effective.unknown:
        return RuleResult.from_issues(
            [Issue("tags", f"{effective.unknown}: cannot tell whether {', '.join(missing)} are set", unknown=True)]
        )
    where = "effective tags"
    if resource.type in context.taggability.tag_blocks:
        block = context.taggability.tag_blocks[resource.type]
        where = f"{block} blocks (provider default_tags do not reach {resource.type})"
    elif resource.type in context.taggability.own_tags_only:
        where = f"tags (provider default_tags do not reach {resource.type})"
    return RuleResult.from_issues(
        [Issue(key, f"required tag {key!r} is missing or empty in the {where}") for key in missing]
    )
