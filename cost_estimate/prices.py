"""The price book: a dated snapshot of AWS list prices for one region, kept as data.

``data/prices-<region>.json`` holds, per price key (``lambda.duration.arm64``), where the price comes
from in the AWS Price List (offer code and usage type), its unit, its tiers (``up_to`` is the upper
bound of a band of monthly usage, ``null`` for the open band) and how sure we are of it. The
snapshot's ``metadata`` says where the values came from and when; ``cost_estimate.refresh``
regenerates the values from the Price List Bulk API offer files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")
DEFAULT_REGION = "us-east-2"


class PriceError(ValueError):
    """A snapshot that cannot be read, or a price key it does not hold."""


@dataclass(frozen=True)
class Tier:
    up_to: float  # upper bound of the band in units per month; math.inf for the open band
    usd: float  # per unit


@dataclass(frozen=True)
class Price:
    key: str
    offer: str
    usagetype: str
    unit: str
    tiers: tuple[Tier, ...]
    confidence: str
    note: str = ""

    def cost(self, quantity: float) -> float:
        """Monthly cost of ``quantity`` units: each band of the usage at its own rate."""
        if quantity < 0:
            raise ValueError(f"{self.key}: negative quantity {quantity}")
        total, lower = 0.0, 0.0
        for tier in self.tiers:
            if quantity <= lower:
                break
            total += (min(quantity, tier.up_to) - lower) * tier.usd
            lower = tier.up_to
        return total

    @property
    def rate(self) -> str:
        """The first band's rate, as the pricing pages write it (per 1M units when tiny)."""
        usd = self.tiers[0].usd
        text = f"${usd * 1e6:,.4g} per 1M {self.unit}s" if usd < 0.001 else f"${usd:,.4g} per {self.unit}"
        return text + (" (tiered)" if len(self.tiers) > 1 else "")


@dataclass(frozen=True)
class PriceBook:
    region: str
    metadata: Mapping[str, Any]
    prices: Mapping[str, Price]
    path: Path

    def __getitem__(self, key: str) -> Price:
        try:
            return self.prices[key]
        except KeyError:
            raise PriceError(f"no price {key!r} in the {self.region} snapshot ({self.path.name})") from None

    def __contains__(self, key: object) -> bool:
        return key in self.prices

    @property
    def label(self) -> str:
        """One line for reports: region, how and when the snapshot was made."""
        meta = self.metadata
        how = "transcribed from the AWS pricing pages" if meta.get("method") == "transcribed" else "Price List API"
        return f"{self.region} price snapshot of {meta.get('compiled_on', '?')} ({how}; {self.path.name})"


def snapshot_path(region: str = DEFAULT_REGION) -> Path:
    return DATA_DIR / f"prices-{region}.json"


def load(path: Path | None = None, *, region: str = DEFAULT_REGION) -> PriceBook:
    """Read and check a snapshot (default: the packaged one for ``region``)."""
    path = path or snapshot_path(region)
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise PriceError(f"no price snapshot for region {region!r} ({path})") from None
    except (OSError, ValueError) as error:
        raise PriceError(f"{path}: cannot read the price snapshot: {error}") from error
    return from_document(document, path)


def from_document(document: Mapping[str, Any], path: Path) -> PriceBook:
    problems: list[str] = []
    prices: dict[str, Price] = {}
    for key, entry in (document.get("prices") or {}).items():
        try:
            prices[key] = _price(key, entry)
        except (KeyError, TypeError, ValueError) as error:
            problems.append(f"prices.{key}: {error}")
    if not isinstance(document.get("region"), str):
        problems.append("region: missing")
    if not prices:
        problems.append("prices: none")
    if problems:
        raise PriceError(f"{path}: invalid price snapshot:\n  - " + "\n  - ".join(problems))
    return PriceBook(document["region"], dict(document.get("metadata") or {}), prices, path)


def _price(key: str, entry: Mapping[str, Any]) -> Price:
    tiers = []
    previous = 0.0
    for raw in entry["tiers"]:
        up_to = math.inf if raw["up_to"] is None else float(raw["up_to"])
        usd = float(raw["usd"])
        if usd < 0 or up_to <= previous:
            raise ValueError(f"tiers must have rising bounds and non-negative prices, got {raw}")
        tiers.append(Tier(up_to, usd))
        previous = up_to
    if not tiers or not math.isinf(tiers[-1].up_to):
        raise ValueError("the last tier must be open (up_to: null)")
    return Price(
        key=key,
        offer=str(entry["offer"]),
        usagetype=str(entry["usagetype"]),
        unit=str(entry["unit"]),
        tiers=tuple(tiers),
        confidence=str(entry.get("confidence", "unknown")),
        note=str(entry.get("note", "")),
    )
