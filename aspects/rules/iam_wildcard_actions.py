"""No Allow statement grants a wildcard action (``*``, ``s3:*``, ``s3:Get*``) or uses NotAction,
wherever the grant lives: a policy document, an attached AWS managed policy, a permission's action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.policy_documents import ManagedGrant, Statement, Unreadable, applies, grants, is_root_key_admin
from aspects.result import NOT_APPLICABLE, Issue, RuleResult
from aspects.values import Unknown

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource

SHOWN_ACTIONS = 8


def _statement_issues(resource: Resource, st: Statement) -> list[Issue]:
    if isinstance(st.effect, Unknown) or (isinstance(st.effect, str) and "${" in st.effect):
        return [Issue("UNKNOWN", f"{st.where}: Effect is computed", unknown=True)]
    if st.effect != "Allow" or is_root_key_admin(resource, st):
        return []  # the root key-admin statement is FIN-003's finding
    issues = []
    if st.not_actions:
        issues.append(Issue("NotAction", f"{st.where} is an Allow with NotAction"))
    for action in st.actions:
        if isinstance(action, Unknown) or not isinstance(action, str) or "${" in action:
            source = action.source if isinstance(action, Unknown) else action
            issues.append(Issue("UNKNOWN", f"{st.where}: action {source} is computed", unknown=True))
        elif "*" in action or "?" in action:
            issues.append(Issue(action, f"{st.where} allows the wildcard action {action!r}"))
    return issues


def _managed_issue(resource: Resource, grant: ManagedGrant) -> Issue | None:
    actions = sorted({i.key for st in grant.statements() for i in _statement_issues(resource, st)})
    if not actions:
        return None
    shown = ", ".join(actions[:SHOWN_ACTIONS]) + (
        f" and {len(actions) - SHOWN_ACTIONS} more" if len(actions) > SHOWN_ACTIONS else ""
    )
    policy = grant.policy
    return Issue(
        policy.arn,
        f"{grant.where} attaches the AWS managed policy {policy.name} ({policy.arn}, {policy.version}, snapshot "
        f"of {grant.snapshot_date}), which allows the wildcard actions {shown}",
    )


def check(resource: Resource, context: StackContext) -> RuleResult:
    if not applies(resource):
        return NOT_APPLICABLE
    issues: list[Issue] = []
    for grant in grants(resource, context):
        if isinstance(grant, Unreadable):
            issues.append(Issue(grant.key, f"{grant.where}: {grant.why}", unknown=True))
        elif isinstance(grant, ManagedGrant):
            issue = _managed_issue(resource, grant)
            if issue is not None:
                issues.append(issue)
        else:
            issues += _statement_issues(resource, grant)
    return RuleResult.from_issues(issues)
