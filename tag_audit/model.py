"""The report model every source fills and every renderer reads."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aspects.tags import is_present
from tag_audit.policy import TagRequirements

COMPLIANT = "compliant"
NON_COMPLIANT = "non-compliant"
UNKNOWN = "unknown"  # the tags could not be read (a whole ``tags`` expression): never a pass
NOT_TAGGABLE = "not-taggable"

#: Keys resources are counted by ("resources per CostCenter / Project / Environment").
DEFAULT_GROUP_KEYS = ("CostCenter", "Project", "Environment")
NO_VALUE = "(none)"


@dataclass(frozen=True)
class ResourceResult:
    stack: str  # stack name (static) or region (live)
    id: str  # Terraform address (static) or ARN (live)
    type: str  # Terraform type (static) or service:resource-type (live)
    taggable: bool
    tags: Mapping[str, Any]  # effective tags (static) or deployed tags (live)
    problems: Mapping[str, str] = field(default_factory=dict)  # required key -> problem
    status: str = COMPLIANT
    note: str = ""

    @property
    def covered(self) -> bool:
        return self.status == COMPLIANT

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "id": self.id,
            "type": self.type,
            "taggable": self.taggable,
            "status": self.status,
            "problems": dict(self.problems),
            "tags": dict(self.tags),
            **({"note": self.note} if self.note else {}),
        }


@dataclass(frozen=True)
class DriftItem:
    kind: str  # missing-resource | tag-differs | not-in-stack
    stack: str
    address: str  # synthesized address ("" for not-in-stack)
    arn: str  # deployed ARN ("" for missing-resource)
    key: str = ""
    expected: str | None = None
    actual: str | None = None

    def describe(self) -> str:
        if self.kind == "missing-resource":
            return "in the stack, not deployed"
        if self.kind == "not-in-stack":
            return "deployed with the stack's tags, not in the synthesized stack"
        if self.expected is None:
            return f"{self.key}: not expected, deployed {self.actual!r}"
        if self.actual is None:
            return f"{self.key}: expected {self.expected!r}, not deployed"
        return f"{self.key}: expected {self.expected!r}, deployed {self.actual!r}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "stack": self.stack,
            "address": self.address,
            "arn": self.arn,
            "key": self.key,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True)
class Unverifiable:
    """What the live comparison cannot pair up (reason says why): a synthesized resource it cannot
    identify, or a deployed one with the stack's tags that may be one of those."""

    stack: str
    address: str  # synthesized address, or the deployed ARN
    reason: str


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int

    @property
    def percent(self) -> float | None:
        return None if self.total == 0 else 100.0 * self.covered / self.total

    def text(self) -> str:
        percent = self.percent
        return "n/a" if percent is None else f"{percent:.1f}%"

    def at_least(self, minimum: float) -> bool:
        return self.total == 0 or self.covered * 100 >= minimum * self.total


@dataclass
class AuditReport:
    source: str  # "static" or "live"
    scopes: tuple[str, ...]  # stacks (static) or "region" (live)
    requirements: TagRequirements
    resources: list[ResourceResult]  # taggable and not taggable, in input order
    group_keys: tuple[str, ...] = DEFAULT_GROUP_KEYS
    min_coverage: float | None = None
    drift: list[DriftItem] | None = None  # None: no comparison was asked for
    unverifiable: list[Unverifiable] = field(default_factory=list)
    compared: tuple[str, ...] = ()

    @property
    def taggable(self) -> list[ResourceResult]:
        return [r for r in self.resources if r.taggable]

    @property
    def not_taggable(self) -> list[ResourceResult]:
        return [r for r in self.resources if not r.taggable]

    @property
    def gaps(self) -> list[ResourceResult]:
        return [r for r in self.taggable if not r.covered]

    @property
    def overall(self) -> Coverage:
        taggable = self.taggable
        return Coverage(sum(r.covered for r in taggable), len(taggable))

    def coverage_by_key(self) -> dict[str, Coverage]:
        taggable = self.taggable
        return {
            key: Coverage(sum(r.status != UNKNOWN and key not in r.problems for r in taggable), len(taggable))
            for key in self.requirements.keys
        }

    def coverage_by_type(self) -> dict[str, Coverage]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.taggable:
            counts[r.type][0] += r.covered
            counts[r.type][1] += 1
        return {t: Coverage(*counts[t]) for t in sorted(counts)}

    def groups(self) -> dict[str, dict[str, int]]:
        """Taggable resources per value of each group key (``(none)`` when the key is missing or empty)."""
        result: dict[str, dict[str, int]] = {}
        for key in self.group_keys:
            counter: Counter[str] = Counter()
            for r in self.taggable:
                value = r.tags.get(key)
                counter[value if is_present(value) else NO_VALUE] += 1
            result[key] = dict(sorted(counter.items()))
        return result

    @property
    def coverage_ok(self) -> bool:
        return self.min_coverage is None or self.overall.at_least(self.min_coverage)

    @property
    def passed(self) -> bool:
        return self.coverage_ok and not self.drift

    def to_dict(self) -> dict[str, Any]:
        def cov(c: Coverage) -> dict[str, Any]:
            percent = c.percent
            return {"covered": c.covered, "total": c.total, "percent": None if percent is None else round(percent, 2)}

        data: dict[str, Any] = {
            "source": self.source,
            "scopes": list(self.scopes),
            "requirements": {
                "source": self.requirements.source,
                "keys": list(self.requirements.keys),
                "allowed": {k: list(v) for k, v in self.requirements.allowed.items()},
            },
            "summary": {
                "resources": len(self.resources),
                "taggable": len(self.taggable),
                "not_taggable": len(self.not_taggable),
                "overall": cov(self.overall),
                "by_key": {k: cov(c) for k, c in self.coverage_by_key().items()},
                "by_type": {t: cov(c) for t, c in self.coverage_by_type().items()},
                "groups": self.groups(),
            },
            "min_coverage": self.min_coverage,
            "passed": self.passed,
            "gaps": [r.to_dict() for r in self.gaps],
            "resources": [r.to_dict() for r in self.taggable],
            "not_taggable": [{"stack": r.stack, "id": r.id, "type": r.type} for r in self.not_taggable],
        }
        if self.drift is not None:
            data["compared"] = list(self.compared)
            data["drift"] = [d.to_dict() for d in self.drift]
            data["unverifiable"] = [vars(u) for u in self.unverifiable]
        return data
