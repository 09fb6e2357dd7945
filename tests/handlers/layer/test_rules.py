"""Unit: every validation rule (a SQL expression), evaluated by DuckDB on one value, exact results."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from txn_pipeline import engine, rules


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = engine.connect(engine.Limits())
    yield c
    c.close()


def evaluate(con: duckdb.DuckDBPyConnection, sql: str, **params: object) -> object:
    """One expression over named parameters (an empty string is NULL, as the CSV reader gives it)."""
    values = {k: (None if v == "" else v) for k, v in params.items()}
    return con.execute(f"SELECT {sql}", values).fetchone()[0]


def ts_check(con: duckdb.DuckDBPyConnection, value: str) -> object:
    canonical = rules.canonical_timestamp("$v")
    return evaluate(con, rules.timestamp("$v", canonical, rules.timestamp_parts("$v", canonical)), v=value)


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
def test_transaction_id(con, value, expected):
    assert evaluate(con, rules.transaction_id("$v"), v=value) == expected


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
def test_currency(con, value, expected):
    assert evaluate(con, rules.currency("$v", rules.currency_code("$v")), v=value) == expected


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
def test_amount(con, value, minor, expected):
    assert evaluate(con, rules.amount("$v", "CAST($m AS INTEGER)"), v=value, m=minor) == expected


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
def test_timestamp(con, value, expected):
    assert ts_check(con, value) == expected


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
def test_merchant(con, value, expected):
    plain = rules.plain_merchant("$v")
    assert evaluate(con, rules.merchant(rules.trimmed("$v", plain), plain), v=value) == expected
    assert evaluate(con, rules.merchant(rules.trimmed("$v", "false")), v=value) == expected  # the detailed checks alone


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
def test_status(con, value, expected):
    assert evaluate(con, rules.status("$v", rules.status_code("$v")), v=value) == expected


# --------------------------------------------------------------------------- derived values (normalisation)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10.00", "10.0000"), ("10.5", "10.5000"), ("007.50", "7.5000"), ("+3.2", "3.2000"), ("-3.2", "-3.2000"),
     ("-0.00", "0.0000"), ("-0", "0.0000"), ("999999999999999999.99", "999999999999999999.9900"),
     ("0.1", "0.1000"), ("000000000000000000000001.5", "1.5000")],
)  # fmt: skip
def test_amount_is_an_exact_decimal(con, value, expected):
    assert str(evaluate(con, f"CAST($v AS {engine.AMOUNT_TYPE})", v=value)) == expected


@pytest.mark.parametrize(("value", "expected"), [("usd", "USD"), ("Eur", "EUR"), ("GBP", "GBP"), ("jpy", "JPY")])
def test_currency_code_is_upper_case(con, value, expected):
    assert str(evaluate(con, rules.currency_code("$v"), v=value)) == expected


@pytest.mark.parametrize(("code", "units"), [("USD", 2), ("EUR", 2), ("JPY", 0), ("BHD", 3), ("CLF", 4), ("UYW", 4)])
def test_minor_units_follow_from_the_code(con, code, units):
    assert evaluate(con, rules.minor_units(rules.currency_code("$v")), v=code) == units


def test_currency_enum_holds_every_iso_code_once():
    from txn_pipeline.currencies import MINOR_UNITS

    assert sorted(rules.CURRENCY_CODES) == sorted(MINOR_UNITS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("  Acme ", "Acme"), ("Acme", "Acme"), ("\tA  B\u00a0", "A  B"), ("A, Inc.", "A, Inc."),
     ("\u3000Caf\u00e9\u3000", "Caf\u00e9"), ("\x1fx\x1c", "x")],
)  # fmt: skip
def test_merchant_is_trimmed_of_what_str_strip_removes(con, value, expected):
    assert value.strip() == expected
    assert evaluate(con, rules.trimmed("$v", rules.plain_merchant("$v")), v=value) == expected
    assert evaluate(con, rules.plain_merchant("$v"), v=value) is (value == expected)


def test_whitespace_is_exactly_what_str_isspace_says():
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == rules.WHITESPACE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000000Z"),
        ("2024-03-01t10:00:00z", "2024-03-01T10:00:00.000000Z"),
        ("2024-03-01 10:00:00Z", "2024-03-01T10:00:00.000000Z"),
        ("2024-03-01T10:00Z", "2024-03-01T10:00:00.000000Z"),
        ("2024-03-01T10:00:00.5Z", "2024-03-01T10:00:00.500000Z"),
        ("2024-03-01T10:00:00,123456789Z", "2024-03-01T10:00:00.123456Z"),  # microseconds: the Parquet type
        ("2024-03-01T01:30:00+02:00", "2024-02-29T23:30:00.000000Z"),
        ("2024-12-31T22:00:00-0530", "2025-01-01T03:30:00.000000Z"),
        ("2024-03-01T10:00:00+01", "2024-03-01T09:00:00.000000Z"),
        ("2024-03-01T10:00:00-00:00", "2024-03-01T10:00:00.000000Z"),
    ],
)
def test_timestamp_is_the_utc_instant(con, value, expected):
    canonical = rules.canonical_timestamp("$v")
    instant = rules.utc_timestamp(canonical, rules.timestamp_parts("$v", canonical))
    assert evaluate(con, f"strftime({instant}, '%Y-%m-%dT%H:%M:%S.%fZ')", v=value) == expected
    assert evaluate(con, f"CAST({instant} AS DATE)::VARCHAR", v=value) == expected[:10]  # the UTC day


def test_sql_string_doubles_quotes():
    assert rules.sql_string("it's") == "'it''s'"
