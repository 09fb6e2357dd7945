"""Suppressions as data (pure Python, no cdktf).

A suppression is attached to a construct (``aspects.suppress``) and inherited by its children.
At synth each affected resource carries the records in its ``"//"`` metadata::

    "//": {"metadata": {...}, "governance": {"suppressions": [
        {"rule": "FIN-002", "reason": "...", "expires": "2026-12-31", "finding": "s3:Get*",
         "source": "stack/path"}
    ]}}

``expires`` (ISO date, UTC, inclusive) and ``finding`` (one issue key, e.g. an IAM action) are optional.
The checkov layer reads the same records with :func:`records_of`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

META_KEY = "governance"
MIN_REASON_LENGTH = 10


@dataclass(frozen=True, kw_only=True)
class Suppression:
    rule: str
    reason: str
    expires: dt.date | None = None
    finding: str | None = None
    source: str | None = None  # construct path the suppression was attached to

    def problems(self) -> list[str]:
        """Why this record is invalid (empty when valid)."""
        found = []
        if not isinstance(self.rule, str) or not self.rule:
            found.append("rule id is required")
        if not isinstance(self.reason, str) or len(self.reason.strip()) < MIN_REASON_LENGTH:
            found.append(f"reason must be at least {MIN_REASON_LENGTH} characters")
        if self.finding is not None and (not isinstance(self.finding, str) or not self.finding):
            found.append("finding must be a non-empty string when given")
        return found

    def is_expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def matches(self, rule: str, key: str) -> bool:
        return self.rule == rule and (self.finding is None or self.finding == key)

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"rule": self.rule, "reason": self.reason}
        if self.expires is not None:
            record["expires"] = self.expires.isoformat()
        if self.finding is not None:
            record["finding"] = self.finding
        if self.source is not None:
            record["source"] = self.source
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> tuple[Suppression, list[str]]:
        """Parse one record; returns the suppression and the problems found in the record."""
        problems = []
        expires = record.get("expires")
        date = None
        if expires is not None:
            try:
                date = dt.date.fromisoformat(str(expires))
            except ValueError:
                problems.append(f"expires {expires!r} is not an ISO date (YYYY-MM-DD)")
        suppression = cls(
            rule=str(record.get("rule", "")),
            reason=reason if isinstance(reason := record.get("reason"), str) else "",
            expires=date,
            finding=record.get("finding"),
            source=record.get("source"),
        )
        return suppression, suppression.problems() + problems


def make(
    rule: str,
    reason: str,
    *,
    expires: dt.date | str | None = None,
    finding: str | None = None,
    source: str | None = None,
) -> Suppression:
    """Build a validated suppression (raises ValueError listing every problem)."""
    if isinstance(expires, str):
        expires = dt.date.fromisoformat(expires)
    if expires is not None and not isinstance(expires, dt.date):
        raise ValueError("expires must be a datetime.date or an ISO date string")
    suppression = Suppression(rule=rule, reason=reason, expires=expires, finding=finding, source=source)
    if problems := suppression.problems():
        raise ValueError(f"invalid suppression of {rule}: " + "; ".join(problems))
    return suppression


def records_of(meta: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The raw suppression records in a resource's ``"//"`` metadata (checkov: unwrap lists first)."""
    block = (meta or {}).get(META_KEY) or {}
    records = block.get("suppressions") if isinstance(block, Mapping) else None
    return [r for r in records or [] if isinstance(r, Mapping)]
