"""A KMS key policy that allows ``kms:*`` to the account root is reported (documented, suppressible)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.rules._policy_documents import KMS_TYPES, Statement, is_root_key_admin, statements
from aspects.rules._result import NOT_APPLICABLE, Issue, RuleResult

if TYPE_CHECKING:
    from aspects.document import Resource, StackContext


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource" or resource.type not in KMS_TYPES:
        return NOT_APPLICABLE
    return RuleResult.from_issues(
        [
            Issue("kms:*", f"{st.where} allows kms:* to the account root")
            for st in statements(resource, context)
            if isinstance(st, Statement) and is_root_key_admin(resource, st)
        ]
    )
