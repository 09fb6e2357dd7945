"""Unit: every validation rule, exact results."""

from __future__ import annotations

import pytest
from txn_pipeline import rules


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tx-1", None),
        ("A.b:c_d-9", None),
        ("x" * 128, None),
        ("", "required"),
        ("x" * 129, "longer than 128 characters"),
        ("id with space", "only letters, digits and _ . : - are allowed"),
        ("naïve", "only letters, digits and _ . : - are allowed"),
        ('a"b', "only letters, digits and _ . : - are allowed"),
    ],
)
def test_transaction_id(value, expected):
    assert rules.check_transaction_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("USD", None),
        ("usd", None),
        ("JPY", None),
        ("BHD", None),
        ("", "required"),
        ("XYZ", "not an ISO 4217 currency code"),
        ("XAU", "not an ISO 4217 currency code"),
        ("US", "not an ISO 4217 currency code"),
        ("USDX", "not an ISO 4217 currency code"),
        (" USD", "not an ISO 4217 currency code"),
        ("U$D", "not an ISO 4217 currency code"),
    ],
)
def test_currency(value, expected):
    assert rules.check_currency(value) == expected


@pytest.mark.parametrize(
    ("value", "minor", "expected"),
    [
        ("10.00", 2, None),
        ("10.5", 2, None),
        ("10", 2, None),
        ("-3.20", 2, None),
        ("+3.20", 2, None),
        ("007.50", 2, None),
        ("100", 0, None),
        ("1.234", 3, None),
        ("9" * 18 + ".99", 2, None),
        ("0" * 30 + "1.00", 2, None),
        ("", 2, "required"),
        ("10.005", 2, "more than 2 decimal places for this currency"),
        ("100.5", 0, "more than 0 decimal places for this currency"),
        ("1.2345", None, None),
        ("1" * 19, 2, "more than 18 integer digits"),
        ("12,50", 2, "not a decimal number"),
        ("1e5", 2, "not a decimal number"),
        ("NaN", 2, "not a decimal number"),
        ("Infinity", 2, "not a decimal number"),
        (".5", 2, "not a decimal number"),
        ("5.", 2, "not a decimal number"),
        (" 5.00", 2, "not a decimal number"),
        ("$5.00", 2, "not a decimal number"),
        ("1.2.3", 2, "not a decimal number"),
        ("--1", 2, "not a decimal number"),
        ("١٢", 2, "not a decimal number"),  # non-ASCII digits
    ],
)
def test_amount(value, minor, expected):
    assert rules.check_amount(value, minor) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01T10:00:00Z", None),
        ("2024-03-01T10:00:00.123456789Z", None),
        ("2024-03-01T10:00:00+02:00", None),
        ("2024-03-01T10:00:00-0530", None),
        ("2024-03-01T10:00:00+01", None),
        ("2024-03-01 10:00:00z", None),
        ("2024-03-01T10:00Z", None),
        ("2024-02-29T00:00:00Z", None),
        ("", "required"),
        ("2024-03-01T10:00:00", "timestamp has no UTC offset"),
        ("2024-03-01", "not an ISO 8601 timestamp"),
        ("yesterday", "not an ISO 8601 timestamp"),
        ("03/01/2024 10:00", "not an ISO 8601 timestamp"),
        ("2024-03-01T10:00:00.1234567890Z", "not an ISO 8601 timestamp"),
        ("20240301T100000Z", "not an ISO 8601 timestamp"),
        ("2023-02-29T00:00:00Z", "not a valid calendar date"),
        ("2024-13-01T00:00:00Z", "not a valid calendar date"),
        ("2024-04-31T00:00:00Z", "not a valid calendar date"),
        ("2024-03-01T24:00:00Z", "not a valid time of day"),
        ("2024-03-01T10:60:00Z", "not a valid time of day"),
        ("2024-03-01T10:00:60Z", "not a valid time of day"),
        ("2024-03-01T10:00:00+24:00", "not a valid UTC offset"),
        ("2024-03-01T10:00:00+02:60", "not a valid UTC offset"),
        ("9999-12-31T23:00:00-02:00", "out of range"),
        ("0001-01-01T00:30:00+01:00", "out of range"),
    ],
)
def test_timestamp(value, expected):
    assert rules.check_timestamp(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme", None),
        ("  Acme, Inc.  ", None),
        ("Café Ünïcode", None),
        ("x" * 256, None),
        ("", "required"),
        ("   ", "required"),
        ("x" * 257, "longer than 256 characters"),
        ("Acme\x00", "contains control characters"),
        ("Ac\x1bme", "contains control characters"),
        ("line\nbreak", "contains control characters"),
    ],
)
def test_merchant(value, expected):
    assert rules.check_merchant(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("completed", None),
        ("pending", None),
        ("failed", None),
        ("refunded", None),
        ("reversed", None),
        ("", "required"),
        ("COMPLETED", "not one of completed, failed, pending, refunded, reversed"),
        ("done", "not one of completed, failed, pending, refunded, reversed"),
        (" completed", "not one of completed, failed, pending, refunded, reversed"),
    ],
)
def test_status(value, expected):
    assert rules.check_status(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("plain", None), ("Café", None), ("bad\udce9byte", "not valid UTF-8")],
)
def test_encoding(value, expected):
    assert rules.check_encoding(value) == expected
