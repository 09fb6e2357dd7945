"""A KMS key policy that allows ``kms:*`` to the account root is reported (documented, suppressible)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.policy_documents import Statement, grants, is_root_key_admin, kms_types
from aspects.result import NOT_APPLICABLE, Issue, RuleResult

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource" or resource.type not in kms_types():
        return NOT_APPLICABLE
    return RuleResult.from_issues(
        [
            Issue("kms:*", f"{st.where} allows kms:* to the account root")
            for st in grants(resource, context)
            if isinstance(st, Statement) and is_root_key_admin(resource, st)
        ]
    )
