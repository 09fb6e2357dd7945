"""What a rule may know about the rest of the stack: :class:`StackContext` (pure Python, no cdktf)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from aspects.data import Taggability, taggability
from aspects.policy import GovernancePolicy
from aspects.tags import EffectiveTags, effective_tags, provider_default_tags
from aspects.tfjson import Document, Resource, parse_document

_LOG_GROUP_REF = re.compile(r"\$\{aws_cloudwatch_log_group\.(?P<name>[\w-]+)\.(?P<attr>\w+)\}")
_LOG_GROUP_ARN = re.compile(r"^arn:[\w-]+:logs:[^:]*:[^:]*:log-group:(?P<name>[^:]+)(:\*)?$")
_REFERENCE = re.compile(r"^\$\{(?P<address>(?:data\.)?[a-z0-9_]+\.[\w-]+)\.(?P<attribute>\w+)\}$")


@dataclass(frozen=True)
class StackContext:
    """The policy in force and the parts of the document that rules look up."""

    policy: GovernancePolicy
    document: Document = field(repr=False)
    taggability: Taggability = field(default_factory=taggability, repr=False)

    @classmethod
    def from_document(cls, document: Any, policy: GovernancePolicy | None = None) -> StackContext:
        """``document``: a :class:`aspects.tfjson.Document` or a parsed Terraform JSON document."""
        return cls(policy=policy or GovernancePolicy(), document=parse_document(document))

    # --- lookups (computed once per document) -----------------------------------------------------

    @cached_property
    def default_tags(self) -> dict[str, Mapping[str, Any] | str]:
        """Provider key -> default tags (or the expression they are given as)."""
        return provider_default_tags(self.document)

    @cached_property
    def log_groups(self) -> dict[str, Mapping[str, Any]]:
        """Declared ``aws_cloudwatch_log_group`` resources: name -> config."""
        return {name: r.config for name, r in self.document.of_type("aws_cloudwatch_log_group").items()}

    @cached_property
    def policy_documents(self) -> frozenset[str]:
        """Names of the ``data.aws_iam_policy_document`` sources (each evaluated where it is declared)."""
        return frozenset(self.document.of_type("aws_iam_policy_document", "data"))

    @cached_property
    def addresses(self) -> dict[str, Resource]:
        return {r.address: r for r in self.document.resources}

    def declared(self, address: str) -> Resource | None:
        """The resource, data source or module at ``address`` (``aws_iam_policy.x``, ``data.aws_iam_policy.y``)."""
        return self.addresses.get(address)

    # --- tags -----------------------------------------------------------------------------------

    def effective_tags(self, resource: Resource) -> EffectiveTags | None:
        """The tags ``resource`` really gets (see :mod:`aspects.tags`), or None when its type has none."""
        return effective_tags(resource, self.default_tags, self.taggability)

    # --- log groups -----------------------------------------------------------------------------

    def declared_log_group(self, reference: Any) -> str | None:
        """Name of the log group resource a value refers to (by reference, ARN or literal name), or None."""
        if not isinstance(reference, str):
            return None
        match = _LOG_GROUP_REF.search(reference)
        if match and match.group("name") in self.log_groups:
            return match.group("name")
        arn = _LOG_GROUP_ARN.match(reference)
        wanted = arn.group("name") if arn else reference
        for name, config in self.log_groups.items():
            if config.get("name") == wanted:
                return name
        return None

    def resolve(self, value: Any) -> str | None:
        """The literal a reference to another resource's literal argument stands for, else None.

        ``${aws_api_gateway_stage.prod.stage_name}`` is ``"prod"`` when that stage declares it literally.
        """
        match = _REFERENCE.match(value) if isinstance(value, str) else None
        if not match:
            return None
        target = self.declared(match.group("address"))
        literal = target.config.get(match.group("attribute")) if target is not None else None
        return literal if isinstance(literal, str) and "${" not in literal else None
