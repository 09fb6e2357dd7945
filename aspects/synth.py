"""The cdktf adapter: the only module of ``aspects`` that imports cdktf (through ``tfcdk``).

``govern(stack)`` adds

1. :class:`FinOpsTagAspect`, a mutating aspect that visits every resource top-down: it adds the
   required tags that are not already effective (provider ``default_tags`` merged with resource
   ``tags``) and writes the inherited suppressions into the element's ``"//"`` metadata;
2. :class:`GovernanceValidation`, a construct validation on the stack. cdktf runs validations after
   ALL aspects (``StackSynthesizer.synthesize``: invokeAspects, then runAllValidations, then it
   collects error annotations), so it sees the final document, including ``add_override`` escape
   hatches and every other aspect's changes. It evaluates ``stack.to_terraform()`` (resolved) with
   :func:`aspects.document.evaluate_document` and adds one error annotation per violation, so a
   full synth fails listing all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import jsii

from aspects.data import taggable_resource_types
from aspects.document import Report, evaluate_document
from aspects.policy import GovernancePolicy
from aspects.suppressions import META_KEY, Suppression, make
from tfcdk import (
    Annotations,
    Aspects,
    IAspect,
    IConstruct,
    IValidation,
    TerraformDataSource,
    TerraformResource,
    TerraformStack,
)

SUPPRESSION_METADATA = "governance:suppression"
_GOVERNED_METADATA = "governance:governed"


def suppress(
    construct: IConstruct,
    rule_id: str,
    reason: str,
    *,
    expires: dt.date | str | None = None,
    finding: str | None = None,
) -> Suppression:
    """Suppress ``rule_id`` on ``construct`` and every resource below it.

    ``reason`` is mandatory (at least 10 characters); ``expires`` (date or ``"YYYY-MM-DD"``, inclusive)
    makes the suppression a violation (FIN-010) after that day; ``finding`` limits it to one issue key
    (for FIN-002, one IAM action such as ``"s3:Get*"``; ``"UNKNOWN"`` for an unreadable policy).
    """
    suppression = make(rule_id, reason, expires=expires, finding=finding, source=construct.node.path)
    construct.node.add_metadata(SUPPRESSION_METADATA, suppression.to_record())
    return suppression


def suppressions_of(construct: IConstruct) -> list[dict[str, Any]]:
    """Suppression records attached to ``construct`` and its ancestors (outermost first)."""
    return [
        dict(entry.data)
        for scope in construct.node.scopes
        for entry in scope.node.metadata
        if entry.type == SUPPRESSION_METADATA
    ]


@jsii.implements(IAspect)
class FinOpsTagAspect:
    """Adds missing required tags to taggable resources; records inherited suppressions in ``"//"``."""

    def __init__(self, policy: GovernancePolicy) -> None:
        self.policy = policy
        self._taggable = taggable_resource_types()
        self._default_tags: dict[str, dict[str, dict[str, Any]]] = {}  # stack path -> provider -> tags

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, TerraformResource | TerraformDataSource):
            return
        records = suppressions_of(node)
        if records:
            node.add_override(f"//.{META_KEY}", {"suppressions": records})
        if isinstance(node, TerraformResource) and node.terraform_resource_type in self._taggable:
            self._tag(node)

    def _provider_tags(self, resource: TerraformResource) -> dict[str, dict[str, Any]]:
        stack = TerraformStack.of(resource)
        key = stack.node.path
        if key not in self._default_tags:
            from aspects.document import _provider_default_tags

            self._default_tags[key] = _provider_default_tags(stack.to_terraform().get("provider") or {})
        return self._default_tags[key]

    def _tag(self, resource: TerraformResource) -> None:
        wanted = self.policy.tags_to_apply
        if not wanted:
            return
        config = next(iter(next(iter(resource.to_terraform()["resource"].values())).values()))
        tags = config.get("tags")
        if tags is not None and not isinstance(tags, dict):
            return  # an expression: FIN-001 reports it as UNKNOWN
        provider = config.get("provider") if isinstance(config.get("provider"), str) else "aws"
        effective = {**self._provider_tags(resource).get(provider, {}), **(tags or {})}
        missing = {k: v for k, v in wanted.items() if not (isinstance(effective.get(k), str) and effective[k])}
        if not missing:
            return
        if any("." in key for key in missing):
            resource.add_override("tags", {**(tags or {}), **missing})
        else:
            for key, value in missing.items():
                resource.add_override(f"tags.{key}", value)


@jsii.implements(IValidation)
class GovernanceValidation:
    """Evaluates the stack's final, resolved document and annotates every violation."""

    def __init__(self, stack: TerraformStack, governance: Governance) -> None:
        self.stack = stack
        self.governance = governance

    def validate(self) -> list[str]:
        document = self.stack.to_terraform()
        report = evaluate_document(document, self.governance.policy, today=self.governance.today)
        self.governance.report = report
        stack_path = self.stack.node.path
        for finding in report.findings:
            target = _find(self.stack, stack_path, finding.construct_path)
            annotations = Annotations.of(target)
            if finding.level == "error":
                annotations.add_error(finding.format())
            else:
                annotations.add_warning(finding.format())
        return []


def _find(stack: TerraformStack, stack_path: str, path: str) -> IConstruct:
    node: IConstruct = stack
    if not path.startswith(stack_path + "/"):
        return stack
    for part in path[len(stack_path) + 1 :].split("/"):
        child = node.node.try_find_child(part)
        if child is None:
            return node
        node = child
    return node


@dataclass
class Governance:
    """Handle returned by :func:`govern`: the policy in force and the last synth's report."""

    stack: TerraformStack
    policy: GovernancePolicy
    today: dt.date | None = None  # None: the current UTC date at synth
    report: Report | None = field(default=None, repr=False)


def govern(
    stack: TerraformStack, policy: GovernancePolicy | None = None, *, today: dt.date | None = None
) -> Governance:
    """Attach the governance aspects to ``stack``: tag automatically, fail synth on every violation.

    ``policy`` defaults to :class:`aspects.policy.GovernancePolicy` (); ``today`` fixes the date used
    for suppression expiry (tests). Calling it twice on the same stack raises ValueError.
    """
    if not TerraformStack.is_stack(stack):
        raise TypeError(f"govern() expects a TerraformStack, got {type(stack).__name__}")
    if any(entry.type == _GOVERNED_METADATA for entry in stack.node.metadata):
        raise ValueError(f"govern() was already called on stack {stack.node.path!r}")
    stack.node.add_metadata(_GOVERNED_METADATA, True)
    governance = Governance(stack=stack, policy=policy or GovernancePolicy(), today=today)
    Aspects.of(stack).add(FinOpsTagAspect(governance.policy))
    stack.node.add_validation(GovernanceValidation(stack, governance))
    return governance
