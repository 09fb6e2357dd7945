"""Is a policy statement a KMS key-policy statement? (pure Python, no checkov, no cdktf)

Used by the ``CKV_FIN_AWS_*`` checks (``policies/checks/fin_key_policy.py``) to leave key-policy
statements out of checkov's identity-policy analyses: in a key policy ``"Resource": "*"`` means "the
key this policy is attached to" and is the only value KMS accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["is_key_policy_statement"]


def _strings(value: Any) -> list[str] | None:
    """A string or a list of strings as a list; None for anything else (an unresolved expression...)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def is_key_policy_statement(statement: Mapping[str, Any]) -> bool:
    """True for a statement of a KMS key policy, in ``aws_iam_policy_document`` block shape.

    Recognised by shape alone: it names principals (an identity policy cannot), has no ``not_*``
    element, its ``resources`` are exactly ``["*"]`` and every action is a ``kms:`` action. A bucket or
    queue policy statement with ``"*"`` resources is therefore NOT one (its actions are not ``kms:``).
    """
    if not statement.get("principals") or statement.get("not_principals"):
        return False
    if statement.get("not_actions") or statement.get("not_resources"):
        return False
    actions = _strings(statement.get("actions"))
    if not actions or _strings(statement.get("resources")) != ["*"]:
        return False
    return all(a.lower().startswith("kms:") for a in actions)
