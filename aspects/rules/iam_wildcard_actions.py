"""No Allow statement grants a wildcard action (``*``, ``s3:*``, ``s3:Get*``) or uses NotAction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.rules._policy_documents import Unreadable, applies, is_root_key_admin, statements
from aspects.rules._result import NOT_APPLICABLE, Issue, RuleResult
from aspects.rules._terraform import Unknown

if TYPE_CHECKING:
    from aspects.document import Resource, StackContext


def check(resource: Resource, context: StackContext) -> RuleResult:
    if not applies(resource):
        return NOT_APPLICABLE
    issues: list[Issue] = []
    for st in statements(resource, context):
        if isinstance(st, Unreadable):
            issues.append(Issue("UNKNOWN", f"{st.where}: {st.why}", unknown=True))
            continue
        if isinstance(st.effect, Unknown) or (isinstance(st.effect, str) and "${" in st.effect):
            issues.append(Issue("UNKNOWN", f"{st.where}: Effect is computed", unknown=True))
            continue
        if st.effect != "Allow" or is_root_key_admin(resource, st):
            continue  # the root key-admin statement is FIN-003's finding
        if st.not_actions:
            issues.append(Issue("NotAction", f"{st.where} is an Allow with NotAction"))
        for action in st.actions:
            if isinstance(action, Unknown) or not isinstance(action, str) or "${" in action:
                source = action.source if isinstance(action, Unknown) else action
                issues.append(Issue("UNKNOWN", f"{st.where}: action {source} is computed", unknown=True))
            elif "*" in action or "?" in action:
                issues.append(Issue(action, f"{st.where} allows the wildcard action {action!r}"))
    return RuleResult.from_issues(issues)
