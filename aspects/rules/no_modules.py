"""A module call cannot be governed here: the resources it creates are not in this document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.result import NOT_APPLICABLE, Issue, RuleResult

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "module":
        return NOT_APPLICABLE
    source = resource.config.get("source")
    shown = f" (source {source!r})" if isinstance(source, str) else ""
    return RuleResult.from_issues(
        [Issue("module", f"module.{resource.name}{shown}: its resources are not in this document", unknown=True)]
    )
