"""Helpers for the per-rule unit tests: run one rule on a plain resource dict."""

from __future__ import annotations

from typing import Any

from aspects.context import StackContext
from aspects.policy import GovernancePolicy
from aspects.result import Status
from aspects.tfjson import Resource

TAGS = {"CostCenter": "cc", "Environment": "test", "Owner": "me", "Project": "p", "ManagedBy": "cdktf"}


def context(document: dict[str, Any] | None = None, policy: GovernancePolicy | None = None) -> StackContext:
    return StackContext.from_document(document or {}, policy)


def run(check, type_: str, config: dict[str, Any], *, mode: str = "resource", document=None, policy=None):
    """(status, {issue keys}, {unknown keys}) of ``check`` on one resource."""
    result = check(Resource.from_config(type_, "r", config, mode), context(document, policy))
    return result.status, {i.key for i in result.issues if not i.unknown}, {i.key for i in result.issues if i.unknown}


NA = Status.NOT_APPLICABLE
OK = Status.COMPLIANT
FAIL = Status.NON_COMPLIANT
UNKNOWN = Status.UNKNOWN
