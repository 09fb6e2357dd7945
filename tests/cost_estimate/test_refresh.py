"""The refresh parser on offer files in the Price List Bulk API format (fixtures/offers)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cost_estimate import refresh
from cost_estimate.prices import snapshot_path

OFFERS = Path(__file__).with_name("fixtures") / "offers"
TODAY = dt.date(2026, 11, 25)


def snapshot(*keys: str) -> dict[str, Any]:
    document = json.loads(snapshot_path().read_text())
    return {**document, "prices": {k: document["prices"][k] for k in keys}}


def offers() -> dict[str, list[Any]]:
    return refresh.load_offers_dir(OFFERS, ["AWSLambda", "AmazonDynamoDB"])


def test_tiers_come_from_the_offer_files_price_dimensions() -> None:
    new = refresh.refresh(
        snapshot("lambda.duration.arm64", "lambda.requests.arm64", "dynamodb.storage"),
        offers(),
        source="offer files",
        today=TODAY,
    )
    assert new["prices"]["lambda.duration.arm64"]["tiers"] == [
        {"up_to": 7.5e9, "usd": 0.0000133334},
        {"up_to": 1.875e10, "usd": 0.0000120001},
        {"up_to": None, "usd": 0.0000106667},
    ]
    assert new["prices"]["lambda.duration.arm64"]["offer_unit"] == "Lambda-GB-Second"
    # the us-west-2 row with the same group is not picked
    assert new["prices"]["lambda.requests.arm64"]["tiers"] == [{"up_to": None, "usd": 0.0000002}]
    # a leading $0 band is the free allowance, not a price
    assert new["prices"]["dynamodb.storage"]["tiers"] == [{"up_to": None, "usd": 0.25}]
    assert new["prices"]["dynamodb.storage"]["free_allowance"] == 25.0
    assert new["metadata"] == {
        "compiled_on": "2026-11-25",
        "method": "price-list-api",
        "source": "offer files",
        "free_tiers": snapshot()["metadata"]["free_tiers"],
    }


def test_an_ambiguous_or_missing_usage_type_fails_naming_the_entry() -> None:
    with pytest.raises(refresh.RefreshError) as error:
        refresh.refresh(
            snapshot("dynamodb.on_demand.write_request_units", "lambda.duration.x86_64", "kms.requests"),
            offers(),
            source="offer files",
            today=TODAY,
        )
    text = str(error.value)
    assert "prices.dynamodb.on_demand.write_request_units: 2 products with usage type 'USE2-WriteRequestUnits'" in text
    assert "prices.lambda.duration.x86_64: 0 products with usage type 'USE2-Lambda-GB-Second'" in text
    assert "prices.kms.requests: offer awskms was not loaded" in text


def test_a_changed_unit_needs_a_human() -> None:
    document = snapshot("lambda.requests.arm64")
    document["prices"]["lambda.requests.arm64"]["offer_unit"] = "Million-Requests"
    with pytest.raises(refresh.RefreshError, match="unit changed from 'Million-Requests' to 'Requests'"):
        refresh.refresh(document, offers(), source="offer files", today=TODAY)


def test_query_api_items_parse_like_offer_files() -> None:
    offer = json.loads((OFFERS / "AWSLambda.json").read_text())
    sku = "EXAMPLESKULAMBDA2"
    item = json.dumps({"product": offer["products"][sku], "terms": {"OnDemand": offer["terms"]["OnDemand"][sku]}})
    products = list(refresh.products_of_price_list([item]))
    terms = refresh.select(products, "USE2-Request-ARM", "us-east-2")
    assert refresh.tiers_of(terms) == ([{"up_to": None, "usd": 0.0000002}], None, "Requests")


def test_command_line_check_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(snapshot("lambda.duration.arm64", "dynamodb.storage"), indent=2))
    args = ["--offers-dir", str(OFFERS), "--snapshot", str(path)]
    assert refresh.main([*args, "--check"]) == 0  # same values as the transcribed snapshot
    assert refresh.main(args) == 0
    written = json.loads(path.read_text())
    assert written["metadata"]["method"] == "price-list-api"
    assert written["prices"]["dynamodb.storage"]["source"] == f"offer files in {OFFERS}"
    changed = tmp_path / "offers"
    shutil.copytree(OFFERS, changed)
    text = (changed / "AWSLambda.json").read_text().replace('"0.0000133334"', '"0.0000140000"')
    (changed / "AWSLambda.json").write_text(text)
    assert refresh.main(["--offers-dir", str(changed), "--snapshot", str(path), "--check"]) == 1
    assert "changed: lambda.duration.arm64" in capsys.readouterr().out
