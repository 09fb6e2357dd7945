"""Regenerate the price snapshot from the AWS Price List.

    python -m cost_estimate.refresh --source bulk                 # download the regional offer files
    python -m cost_estimate.refresh --source query                # Price List Query API (boto3, pricing:GetProducts)
    python -m cost_estimate.refresh --offers-dir DIR              # offer files already on disk: DIR/<offer>.json
    python -m cost_estimate.refresh ... --check                   # exit 1 if the kept snapshot differs

Which prices the snapshot holds is the snapshot itself: every entry names its offer code and usage type,
and the refresh replaces each entry's tiers with the on-demand price dimensions of the one product of
that usage type in the region. A usage type that matches no product, several products, or a unit that
changed is an error naming the entry: nothing is silently dropped or guessed. Bands priced at $0 at
the start of a usage type (free allowances) are kept as ``free_allowance`` and not billed (see
``metadata.free_tiers``).

The Bulk API files are public (no credentials); the EC2 regional file is about 500 MB, so ``--source
query`` is the quicker way to refresh (it needs AWS credentials allowed ``pricing:GetProducts``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from cost_estimate.prices import DEFAULT_REGION, PriceError, from_document, snapshot_path

BULK_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{offer}/current/{region}/index.json"


class RefreshError(ValueError):
    """The offer data does not give one unambiguous price for an entry."""


def products_of_offer(offer: Mapping[str, Any]) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """(product, OnDemand terms of its SKU) pairs of a Bulk API offer file."""
    on_demand = offer.get("terms", {}).get("OnDemand", {})
    for sku, product in offer.get("products", {}).items():
        yield product, on_demand.get(sku, {})


def products_of_price_list(
    items: Iterable[str | Mapping[str, Any]],
) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """(product, OnDemand terms) pairs of Price List Query API ``GetProducts`` items (JSON strings)."""
    for item in items:
        record = json.loads(item) if isinstance(item, str) else item
        yield record["product"], record.get("terms", {}).get("OnDemand", {})


def _number(text: str) -> float | None:
    return None if text in ("Inf", "") else float(text)


def tiers_of(terms: Mapping[str, Any]) -> tuple[list[dict[str, Any]], float | None, str]:
    """Price bands of one product's OnDemand terms: (tiers, free allowance, offer unit).

    Leading $0 bands become the free allowance; the remaining bands keep their upper bounds.
    """
    dimensions = [d for term in terms.values() for d in term.get("priceDimensions", {}).values()]
    if not dimensions:
        raise RefreshError("no OnDemand price dimensions")
    dimensions.sort(key=lambda d: float(d.get("beginRange", "0")))
    units = {d.get("unit", "") for d in dimensions}
    if len(units) != 1:
        raise RefreshError(f"price dimensions in several units {sorted(units)}")
    free: float | None = None
    tiers: list[dict[str, Any]] = []
    for d in dimensions:
        usd = float(d["pricePerUnit"]["USD"])
        end = _number(d.get("endRange", "Inf"))
        if usd == 0 and not tiers:
            free = end
            continue
        tiers.append({"up_to": end, "usd": usd})
    if not tiers:
        raise RefreshError("only free bands, no price")
    return tiers, free, units.pop()


def select(
    products: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]], usagetype: str, region: str
) -> Mapping[str, Any]:
    """The OnDemand terms of the one product with this usage type in this region."""
    matches = [
        terms
        for product, terms in products
        if product.get("attributes", {}).get("usagetype") == usagetype
        and product.get("attributes", {}).get("regionCode", region) in (region, "")
        and terms
    ]
    if len(matches) != 1:
        raise RefreshError(f"{len(matches)} products with usage type {usagetype!r} and on-demand terms (need 1)")
    return matches[0]


def refresh(
    snapshot: Mapping[str, Any],
    offers: Mapping[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]],
    *,
    source: str,
    today: dt.date,
) -> dict[str, Any]:
    """A new snapshot: every entry's tiers from ``offers`` (offer code -> products), metadata restated."""
    region = snapshot["region"]
    problems: list[str] = []
    prices: dict[str, Any] = {}
    versions: dict[str, str] = {}
    for key, entry in snapshot["prices"].items():
        offer = entry["offer"]
        if offer not in offers:
            problems.append(f"prices.{key}: offer {offer} was not loaded")
            continue
        try:
            tiers, free, unit = tiers_of(select(offers[offer], entry["usagetype"], region))
        except RefreshError as error:
            problems.append(f"prices.{key}: {error}")
            continue
        if entry.get("offer_unit", unit) != unit:
            problems.append(f"prices.{key}: unit changed from {entry['offer_unit']!r} to {unit!r}; check the entry")
            continue
        new = {k: v for k, v in entry.items() if k not in ("tiers", "free_allowance", "confidence", "note")}
        new.update(offer_unit=unit, tiers=tiers, confidence="high", source=source)
        if free is not None:
            new["free_allowance"] = free
        prices[key] = new
        versions.setdefault(offer, source)
    if problems:
        raise RefreshError("cannot refresh the price snapshot:\n  - " + "\n  - ".join(problems))
    metadata = {
        "compiled_on": today.isoformat(),
        "method": "price-list-api",
        "source": source,
        "free_tiers": snapshot.get("metadata", {}).get("free_tiers", ""),
    }
    document = {**snapshot, "metadata": metadata, "prices": prices}
    from_document(document, Path("refreshed"))  # the same checks as loading
    return document


def _offer_codes(snapshot: Mapping[str, Any]) -> list[str]:
    return sorted({entry["offer"] for entry in snapshot["prices"].values()})


def load_offers_dir(directory: Path, codes: Sequence[str]) -> dict[str, list[tuple[Any, Any]]]:
    offers = {}
    for code in codes:
        path = directory / f"{code}.json"
        if path.is_file():
            offers[code] = list(products_of_offer(json.loads(path.read_text())))
    return offers


def download_offers(region: str, codes: Sequence[str]) -> dict[str, list[tuple[Any, Any]]]:
    offers = {}
    for code in codes:
        url = BULK_URL.format(offer=code, region=region)
        print(f"downloading {url}", file=sys.stderr, flush=True)
        with urllib.request.urlopen(url, timeout=600) as response:
            offers[code] = list(products_of_offer(json.load(response)))
    return offers


def query_offers(snapshot: Mapping[str, Any]) -> dict[str, list[tuple[Any, Any]]]:
    import boto3

    client = boto3.client("pricing", region_name="us-east-1")
    offers: dict[str, list[tuple[Any, Any]]] = {}
    for entry in snapshot["prices"].values():
        pages = client.get_paginator("get_products").paginate(
            ServiceCode=entry["offer"],
            Filters=[
                {"Type": "TERM_MATCH", "Field": "usagetype", "Value": entry["usagetype"]},
                {"Type": "TERM_MATCH", "Field": "regionCode", "Value": snapshot["region"]},
            ],
        )
        items = [item for page in pages for item in page["PriceList"]]
        offers.setdefault(entry["offer"], []).extend(products_of_price_list(items))
    return offers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cost_estimate.refresh", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--source", choices=("bulk", "query"), help="download (bulk) or query the Price List API")
    where.add_argument("--offers-dir", type=Path, help="directory of Bulk API offer files named <offer>.json")
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--snapshot", type=Path, help="snapshot to refresh (default: the packaged one)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the prices differ")
    args = parser.parse_args(argv)
    path = args.snapshot or snapshot_path(args.region)
    try:
        snapshot = json.loads(path.read_text())
        codes = _offer_codes(snapshot)
        if args.offers_dir:
            offers, source = load_offers_dir(args.offers_dir, codes), f"offer files in {args.offers_dir}"
        elif args.source == "bulk":
            offers, source = download_offers(snapshot["region"], codes), "Price List Bulk API"
        else:
            offers, source = query_offers(snapshot), "Price List Query API (GetProducts)"
        new = refresh(snapshot, offers, source=source, today=dt.date.today())
    except (OSError, ValueError, PriceError) as error:
        print(f"refresh: error: {error}", file=sys.stderr)
        return 2
    changed = [k for k in new["prices"] if new["prices"][k]["tiers"] != snapshot["prices"][k]["tiers"]]
    if args.check:
        for key in changed:
            print(f"changed: {key}: {snapshot['prices'][key]['tiers']} -> {new['prices'][key]['tiers']}")
        return 1 if changed else 0
    path.write_text(json.dumps(new, indent=2) + "\n")
    print(f"refresh: wrote {path} ({len(new['prices'])} prices, {len(changed)} changed, from {source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
