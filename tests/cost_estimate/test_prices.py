"""The price book: tiered costs against hand-computed values, the packaged snapshot's shape and provenance."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from cost_estimate import prices
from cost_estimate.prices import Price, PriceError, Tier


def tiered() -> Price:
    return Price("k", "AWSLambda", "USE2-X", "GB-second", (Tier(10, 2.0), Tier(30, 1.0), Tier(math.inf, 0.5)), "high")


@pytest.mark.parametrize(
    ("quantity", "usd"),
    [
        (0, 0.0),
        (4, 8.0),  # 4 x 2
        (10, 20.0),  # the whole first band
        (25, 35.0),  # 10 x 2 + 15 x 1
        (50, 50.0),  # 10 x 2 + 20 x 1 + 20 x 0.5
    ],
)
def test_each_band_is_charged_at_its_own_rate(quantity: float, usd: float) -> None:
    assert tiered().cost(quantity) == pytest.approx(usd)


def test_negative_usage_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        tiered().cost(-1)


def test_rate_is_written_as_the_pricing_pages_do() -> None:
    assert tiered().rate == "$2 per GB-second (tiered)"
    tiny = Price("k", "o", "u", "request", (Tier(math.inf, 0.0000002),), "high")
    assert tiny.rate == "$0.2 per 1M requests"


def test_the_packaged_snapshot_says_where_and_when_its_prices_come_from() -> None:
    book = prices.load()
    assert book.region == "us-east-2"
    meta = book.metadata
    assert meta["compiled_on"] and meta["method"] == "transcribed"
    assert "NOT generated" in meta["source"]  # honest: not regenerated from the API here
    for price in book.prices.values():
        assert price.usagetype.startswith(("USE2-", "DashboardsUsageHour")), price.key
        assert price.confidence in ("high", "medium"), price.key
        if price.confidence == "medium":
            assert price.note, f"{price.key}: a medium-confidence price says why"


@pytest.mark.parametrize(
    ("key", "first_rate"),
    [
        ("lambda.duration.arm64", 0.0000133334),
        ("lambda.duration.x86_64", 0.0000166667),
        ("states.standard.transitions", 0.000025),
        ("dynamodb.on_demand.write_request_units", 0.000000625),
        ("dynamodb.provisioned.write_capacity_unit_hours", 0.00065),
        ("s3.storage.STANDARD", 0.023),
        ("ec2.nat_gateway.hours", 0.045),
        ("athena.data_scanned", 5.0),
    ],
)
def test_known_list_prices(key: str, first_rate: float) -> None:
    assert prices.load()[key].tiers[0].usd == first_rate


def test_a_missing_price_is_an_error_naming_it() -> None:
    with pytest.raises(PriceError, match=r"no price 'lambda\.duration\.riscv'"):
        prices.load()["lambda.duration.riscv"]


def test_a_broken_snapshot_reports_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "prices.json"
    bad.write_text(
        json.dumps(
            {
                "region": "us-east-2",
                "prices": {
                    "a": {"offer": "o", "usagetype": "u", "unit": "x", "tiers": [{"up_to": 5, "usd": 1}]},
                    "b": {"offer": "o", "usagetype": "u", "unit": "x", "tiers": [{"up_to": None, "usd": -1}]},
                },
            }
        )
    )
    with pytest.raises(PriceError) as error:
        prices.load(bad)
    assert "prices.a: the last tier must be open" in str(error.value)
    assert "prices.b: tiers must have rising bounds and non-negative prices" in str(error.value)


def test_an_unknown_region_has_no_snapshot() -> None:
    with pytest.raises(PriceError, match="no price snapshot for region 'eu-west-9'"):
        prices.load(region="eu-west-9")
