"""Unit: every normalisation, exact results."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from txn_pipeline import normalise


@pytest.mark.parametrize(
    ("value", "minor", "expected"),
    [
        ("10.00", 2, "10.00"),
        ("10.5", 2, "10.50"),
        ("10", 2, "10.00"),
        ("007.50", 2, "7.50"),
        ("+3.2", 2, "3.20"),
        ("-3.2", 2, "-3.20"),
        ("-0.00", 2, "0.00"),
        ("-0", 0, "0"),
        ("100", 0, "100"),
        ("1.5", 3, "1.500"),
        ("999999999999999999.99", 2, "999999999999999999.99"),
        ("0.1", 4, "0.1000"),
    ],
)
def test_amount(value, minor, expected):
    assert normalise.normalise_amount(value, minor) == expected


@pytest.mark.parametrize(("value", "expected"), [("usd", "USD"), ("Eur", "EUR"), ("GBP", "GBP")])
def test_currency(value, expected):
    assert normalise.normalise_currency(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("  Acme ", "Acme"), ("Acme", "Acme"), ("\tA  B\u00a0", "A  B"), ("A, Inc.", "A, Inc.")]
)
def test_merchant(value, expected):
    assert normalise.normalise_merchant(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01T10:00:00Z", ("2024-03-01T10:00:00Z", "2024-03-01")),
        ("2024-03-01t10:00:00z", ("2024-03-01T10:00:00Z", "2024-03-01")),
        ("2024-03-01 10:00:00Z", ("2024-03-01T10:00:00Z", "2024-03-01")),
        ("2024-03-01T10:00Z", ("2024-03-01T10:00:00Z", "2024-03-01")),
        ("2024-03-01T10:00:00.5Z", ("2024-03-01T10:00:00.5Z", "2024-03-01")),
        ("2024-03-01T10:00:00,123456789Z", ("2024-03-01T10:00:00.123456789Z", "2024-03-01")),
        ("2024-03-01T01:30:00+02:00", ("2024-02-29T23:30:00Z", "2024-02-29")),
        ("2024-12-31T22:00:00-0530", ("2025-01-01T03:30:00Z", "2025-01-01")),
        ("2024-03-01T10:00:00+01", ("2024-03-01T09:00:00Z", "2024-03-01")),
        ("2024-03-01T10:00:00-00:00", ("2024-03-01T10:00:00Z", "2024-03-01")),
    ],
)
def test_timestamp(value, expected):
    assert normalise.normalise_timestamp(value) == expected


def test_timestamp_rejects_unzoned_and_overflow():
    with pytest.raises(ValueError):
        normalise.normalise_timestamp("2024-03-01T10:00:00")
    with pytest.raises(ValueError):
        normalise.normalise_timestamp("9999-12-31T23:00:00-02:00")


def test_parse_utc_round_trip():
    assert normalise.parse_utc("2024-03-01T10:00:00.1234567Z") == datetime(2024, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert normalise.parse_utc("2024-03-01T10:00:00Z") == datetime(2024, 3, 1, 10, tzinfo=UTC)
