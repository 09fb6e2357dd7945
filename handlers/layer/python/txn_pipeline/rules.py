"""Validation rules: one small pure function per rule.

Each rule takes the raw field text (and what it depends on) and returns
``None`` when the value is valid, or a short human-readable reason. No I/O,
no field names, no counting: composition happens in :mod:`txn_pipeline.core`.

Only ``merchant`` is trimmed; every other field must be exact (a financial
feed with ``" 12.00"`` in the amount column is malformed, not "close enough").
"""

from __future__ import annotations

import re
from datetime import date

from .currencies import MINOR_UNITS
from .models import ALLOWED_STATUSES

MAX_ID_LEN = 128
MAX_MERCHANT_LEN = 256
MAX_INTEGER_DIGITS = 18

_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]+")
_AMOUNT_RE = re.compile(r"[+-]?([0-9]+)(?:\.([0-9]+))?")
_CURRENCY_RE = re.compile(r"[A-Za-z]{3}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
TIMESTAMP_RE = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[Tt ]"
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
    r"(?P<z>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


def check_encoding(value: str) -> str | None:
    """Bytes that were not valid UTF-8 arrive as lone surrogates (surrogateescape)."""
    return "not valid UTF-8" if _SURROGATE_RE.search(value) else None


def check_transaction_id(value: str) -> str | None:
    if value == "":
        return "required"
    if len(value) > MAX_ID_LEN:
        return f"longer than {MAX_ID_LEN} characters"
    if not _ID_RE.fullmatch(value):
        return "only letters, digits and _ . : - are allowed"
    return None


def check_currency(value: str) -> str | None:
    if value == "":
        return "required"
    if not _CURRENCY_RE.fullmatch(value) or value.upper() not in MINOR_UNITS:
        return "not an ISO 4217 currency code"
    return None


def check_amount(value: str, minor_units: int | None) -> str | None:
    """A plain decimal (no exponent, no thousands separator) with at most
    ``minor_units`` fractional digits; ``minor_units=None`` (unknown currency)
    checks only the syntax."""
    if value == "":
        return "required"
    m = _AMOUNT_RE.fullmatch(value)
    if m is None:
        return "not a decimal number"
    if len(m.group(1).lstrip("0")) > MAX_INTEGER_DIGITS:
        return f"more than {MAX_INTEGER_DIGITS} integer digits"
    frac = m.group(2) or ""
    if minor_units is not None and len(frac) > minor_units:
        return f"more than {minor_units} decimal places for this currency"
    return None


def check_timestamp(value: str) -> str | None:
    return parse_timestamp(value)[0]


def parse_timestamp(value: str) -> tuple[str | None, str, str]:
    """``(reason, utc_iso, day)``: reason is None when valid (then the other two are set)."""
    if value == "":
        return "required", "", ""
    m = TIMESTAMP_RE.fullmatch(value)
    if m is None:
        return "not an ISO 8601 timestamp", "", ""
    if m.group("z") is None:
        return "timestamp has no UTC offset", "", ""
    try:
        date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    except ValueError:
        return "not a valid calendar date", "", ""
    if int(m.group("h")) > 23 or int(m.group("mi")) > 59 or int(m.group("s") or 0) > 59:
        return "not a valid time of day", "", ""
    z = m.group("z")
    if len(z) > 1 and (int(z[1:3]) > 23 or int(z[-2:] if len(z) > 3 else 0) > 59):
        return "not a valid UTC offset", "", ""
    from .normalise import normalise_timestamp  # the instant must be representable in UTC

    try:
        ts, day = normalise_timestamp(value)
    except ValueError:
        return "out of range", "", ""
    return None, ts, day


def check_merchant(value: str) -> str | None:
    trimmed = value.strip()
    if trimmed == "":
        return "required"
    if len(trimmed) > MAX_MERCHANT_LEN:
        return f"longer than {MAX_MERCHANT_LEN} characters"
    if _CONTROL_RE.search(trimmed):
        return "contains control characters"
    return None


def check_status(value: str) -> str | None:
    if value == "":
        return "required"
    if value not in ALLOWED_STATUSES:
        return "not one of " + ", ".join(sorted(ALLOWED_STATUSES))
    return None
