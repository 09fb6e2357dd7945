"""What a rule returns. No ids, severities or prose here: the catalog adds those."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(enum.Enum):
    NOT_APPLICABLE = "NOT_APPLICABLE"
    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    UNKNOWN = "UNKNOWN"  # could not be evaluated: reported like a violation, never a pass


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a resource.

    ``key`` identifies the issue for per-finding suppressions (e.g. the IAM action ``s3:Get*``);
    ``detail`` says what exactly is wrong; ``unknown`` marks a value that could not be evaluated.
    """

    key: str
    detail: str
    unknown: bool = False


@dataclass(frozen=True)
class RuleResult:
    status: Status
    issues: tuple[Issue, ...] = ()

    @classmethod
    def from_issues(cls, issues: list[Issue]) -> RuleResult:
        if not issues:
            return COMPLIANT
        status = Status.NON_COMPLIANT if any(not i.unknown for i in issues) else Status.UNKNOWN
        return cls(status, tuple(issues))


NOT_APPLICABLE = RuleResult(Status.NOT_APPLICABLE)
COMPLIANT = RuleResult(Status.COMPLIANT)
