"""Nothing blocks ``terraform destroy`` (no RETAIN-like settings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.rules._result import NOT_APPLICABLE, Issue, RuleResult
from aspects.rules._terraform import first_block, truthy

if TYPE_CHECKING:
    from aspects.document import Resource, StackContext

#: Attribute that blocks destroy when true, and attribute that must be true, per resource type.
BLOCK_WHEN_TRUE = {
    "aws_cloudwatch_log_group": "skip_destroy",
    "aws_lambda_layer_version": "skip_destroy",
    "aws_dynamodb_table": "deletion_protection_enabled",
}
REQUIRED_TRUE = {"aws_s3_bucket": "force_destroy", "aws_ecr_repository": "force_delete"}


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource":
        return NOT_APPLICABLE
    issues = []
    lifecycle = first_block(resource.config.get("lifecycle")) or {}
    if truthy(lifecycle.get("prevent_destroy")) is not False:
        issues.append(
            Issue(
                "prevent_destroy",
                "lifecycle.prevent_destroy is set",
                unknown=truthy(lifecycle.get("prevent_destroy")) is None,
            )
        )
    attribute = BLOCK_WHEN_TRUE.get(resource.type)
    if attribute and truthy(resource.config.get(attribute)) is not False:
        issues.append(
            Issue(
                attribute,
                f"{attribute} is {resource.config.get(attribute)!r}",
                unknown=truthy(resource.config.get(attribute)) is None,
            )
        )
    attribute = REQUIRED_TRUE.get(resource.type)
    if attribute and truthy(resource.config.get(attribute)) is not True:
        value = resource.config.get(attribute)
        issues.append(
            Issue(
                attribute,
                f"{attribute} is {'missing' if value is None else repr(value)}, not true",
                unknown=truthy(value) is None,
            )
        )
    return RuleResult.from_issues(issues)
