"""The typed governance policy: what ``govern(stack, policy=...)`` and the checkov layer enforce.

Pure Python (no cdktf): the checkov checks import it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Every value CloudWatch Logs accepts for ``retention_in_days`` except 0 (never expire).
CLOUDWATCH_RETENTION_DAYS: frozenset[int] = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)

#: Required FinOps tag keys and the value the tagging aspect applies when a resource lacks the key.
#: ``None`` means "required, but there is no safe default": the stack must set it (provider
#: ``default_tags``, resource ``tags`` or ``GovernancePolicy(tags=...)``) or synth fails.
DEFAULT_REQUIRED_TAGS: Mapping[str, str | None] = MappingProxyType(
    {"CostCenter": None, "Environment": None, "Owner": None, "Project": None, "ManagedBy": "cdktf"}
)


@dataclass(frozen=True, kw_only=True)
class GovernancePolicy:
    """Organisation policy. Layered: defaults here < what the caller passes.

    ``tags``: required tag keys mapped to the value to apply automatically (``None``: required, not applied).
    ``allowed_log_retention_days``: the retention values a log group may use (all must be positive).
    ``min_pitr_recovery_days``: when set, PITR recovery period (AWS default 35) must be >= it.
    """

    tags: Mapping[str, str | None] = field(default_factory=lambda: dict(DEFAULT_REQUIRED_TAGS))
    allowed_log_retention_days: frozenset[int] = CLOUDWATCH_RETENTION_DAYS
    min_pitr_recovery_days: int | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.tags:
            problems.append("tags: at least one required tag key")
        problems += [
            f"tags[{k!r}]: value must be a non-empty string or None"
            for k, v in self.tags.items()
            if v is not None and (not isinstance(v, str) or not v.strip())
        ]
        bad_days = sorted(d for d in self.allowed_log_retention_days if not isinstance(d, int) or d <= 0)
        if bad_days or not self.allowed_log_retention_days:
            problems.append(f"allowed_log_retention_days: positive integers required (got {bad_days or 'none'})")
        if self.min_pitr_recovery_days is not None and not 1 <= self.min_pitr_recovery_days <= 35:
            problems.append("min_pitr_recovery_days: between 1 and 35")
        if problems:
            raise ValueError("invalid GovernancePolicy: " + "; ".join(problems))
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))
        object.__setattr__(self, "allowed_log_retention_days", frozenset(self.allowed_log_retention_days))

    @classmethod
    def with_tags(cls, **values: str) -> GovernancePolicy:
        """Default policy with tag values filled in: ``GovernancePolicy.with_tags(Owner="data")``."""
        return cls(tags={**DEFAULT_REQUIRED_TAGS, **values})

    @property
    def required_tag_keys(self) -> tuple[str, ...]:
        return tuple(self.tags)

    @property
    def tags_to_apply(self) -> dict[str, str]:
        return {k: v for k, v in self.tags.items() if v is not None}
