"""Every Lambda layer version lists arm64 in ``compatible_architectures``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.result import COMPLIANT, NOT_APPLICABLE, Issue, RuleResult
from aspects.values import has_token

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource" or resource.type != "aws_lambda_layer_version":
        return NOT_APPLICABLE
    architectures = resource.config.get("compatible_architectures")
    if isinstance(architectures, list) and "arm64" in architectures:
        return COMPLIANT
    if has_token(architectures):
        return RuleResult.from_issues(
            [Issue("compatible_architectures", f"compatible_architectures is {architectures!r}", True)]
        )
    shown = "missing" if architectures is None else repr(architectures)
    return RuleResult.from_issues(
        [Issue("compatible_architectures", f"compatible_architectures is {shown}, without 'arm64'")]
    )
