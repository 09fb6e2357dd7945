"""Every Lambda function runs on arm64 (a missing ``architectures`` means x86_64)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.result import COMPLIANT, NOT_APPLICABLE, Issue, RuleResult
from aspects.values import has_token

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource" or resource.type != "aws_lambda_function":
        return NOT_APPLICABLE
    architectures = resource.config.get("architectures")
    if architectures == ["arm64"]:
        return COMPLIANT
    if has_token(architectures):
        return RuleResult.from_issues([Issue("architectures", f"architectures is {architectures!r}", True)])
    shown = "missing (x86_64)" if architectures is None else repr(architectures)
    return RuleResult.from_issues([Issue("architectures", f"architectures is {shown}, not ['arm64']")])
