"""The estimate model every pricer fills and every renderer reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aspects.tags import is_present

PRICED = "priced"
FREE = "free"
NOT_PRICED = "not priced"

#: Keys cost is allocated by (the FinOps tags the governance toolkit enforces).
DEFAULT_GROUP_KEYS = ("CostCenter", "Project", "Environment")
NO_VALUE = "(none)"
NOT_TAGGABLE = "(not taggable)"


@dataclass(frozen=True)
class LineItem:
    """One billable dimension of one resource. ``usd`` None means no price: listed, never counted as 0."""

    service: str  # "AWS Lambda"
    component: str  # "duration (arm64)"
    quantity: float
    unit: str
    usd: float | None
    basis: str  # how the quantity follows from the stack and the profile
    rate: str = ""  # the price applied, as the pricing pages write it
    reason: str = ""  # why it is not priced

    def to_dict(self) -> dict[str, Any]:
        data = {
            "service": self.service,
            "component": self.component,
            "quantity": self.quantity,
            "unit": self.unit,
            "monthly_usd": None if self.usd is None else round(self.usd, 6),
            "rate": self.rate,
            "basis": self.basis,
        }
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass
class ResourceCost:
    stack: str
    address: str
    type: str
    service: str
    status: str  # priced | free | not priced
    reason: str  # why free / not priced
    tags: Mapping[str, Any]
    taggable: bool
    items: list[LineItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def monthly(self) -> float:
        return sum(item.usd for item in self.items if item.usd is not None)

    @property
    def unpriced_items(self) -> list[LineItem]:
        return [item for item in self.items if item.usd is None]

    def group_value(self, key: str) -> str:
        if not self.taggable:
            return NOT_TAGGABLE
        value = self.tags.get(key)
        return value if is_present(value) else NO_VALUE

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "address": self.address,
            "type": self.type,
            "service": self.service,
            "status": self.status,
            "reason": self.reason,
            "monthly_usd": round(self.monthly, 6),
            "tags": dict(self.tags),
            "items": [item.to_dict() for item in self.items],
            "warnings": list(self.warnings),
        }


@dataclass
class Estimate:
    scopes: tuple[str, ...]  # stack names
    source: str  # what was estimated (the paths given)
    profile_name: str
    profile_path: str
    month: int
    prices_label: str
    resources: list[ResourceCost]
    group_keys: tuple[str, ...] = DEFAULT_GROUP_KEYS

    @property
    def total(self) -> float:
        return sum(r.monthly for r in self.resources)

    def by_status(self, status: str) -> list[ResourceCost]:
        return [r for r in self.resources if r.status == status]

    @property
    def not_priced(self) -> list[tuple[ResourceCost, str]]:
        """Every resource or line item without a price, with the reason."""
        found = [(r, r.reason) for r in self.by_status(NOT_PRICED)]
        for r in self.by_status(PRICED):
            found += [(r, f"{item.component}: {item.reason}") for item in r.unpriced_items]
        return found

    def by_service(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for r in self.resources:
            for item in r.items:
                if item.usd is not None:
                    totals[item.service] += item.usd
        return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))

    def by_group(self) -> dict[str, dict[str, float]]:
        """Cost per value of each group key; untaggable resources are their own value."""
        result: dict[str, dict[str, float]] = {}
        for key in self.group_keys:
            totals: dict[str, float] = defaultdict(float)
            for r in self.by_status(PRICED):
                totals[r.group_value(key)] += r.monthly
            result[key] = dict(sorted(totals.items()))
        return result

    @property
    def warnings(self) -> list[str]:
        return [f"{r.address}: {w}" for r in self.resources for w in r.warnings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scopes": list(self.scopes),
            "source": self.source,
            "profile": {"name": self.profile_name, "path": self.profile_path, "month": self.month},
            "prices": self.prices_label,
            "total_monthly_usd": round(self.total, 2),
            "by_service": {k: round(v, 2) for k, v in self.by_service().items()},
            "by_group": {k: {v: round(x, 2) for v, x in g.items()} for k, g in self.by_group().items()},
            "counts": {s: len(self.by_status(s)) for s in (PRICED, FREE, NOT_PRICED)},
            "not_priced": [{"address": r.address, "type": r.type, "reason": why} for r, why in self.not_priced],
            "warnings": self.warnings,
            "resources": [r.to_dict() for r in self.resources],
        }


@dataclass(frozen=True)
class Comparison:
    """``current`` against ``baseline``: differences per service and in total (current - baseline)."""

    current: Estimate
    baseline: Estimate

    def by_service(self) -> list[tuple[str, float, float]]:
        now, before = self.current.by_service(), self.baseline.by_service()
        services = sorted(set(now) | set(before), key=lambda s: -(before.get(s, 0) + now.get(s, 0)))
        return [(s, before.get(s, 0.0), now.get(s, 0.0)) for s in services]

    @property
    def difference(self) -> float:
        return self.current.total - self.baseline.total

    @property
    def change_percent(self) -> float | None:
        base = self.baseline.total
        return None if base == 0 else 100 * self.difference / base

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": {"scopes": list(self.baseline.scopes), "total_monthly_usd": round(self.baseline.total, 2)},
            "current": {"scopes": list(self.current.scopes), "total_monthly_usd": round(self.current.total, 2)},
            "difference_usd": round(self.difference, 2),
            "change_percent": None if self.change_percent is None else round(self.change_percent, 2),
            "by_service": [
                {
                    "service": s,
                    "baseline_usd": round(b, 2),
                    "current_usd": round(c, 2),
                    "difference_usd": round(c - b, 2),
                }
                for s, b, c in self.by_service()
            ],
        }
