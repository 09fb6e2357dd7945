"""Normalisation of fields that passed validation: one pure function each.

- amount: exact ``Decimal`` quantised to the currency's minor units, as a string
  (``"007.5"`` USD -> ``"7.50"``; negative zero -> ``"0.00"``), never a float
- currency: upper case
- timestamp: UTC, ``YYYY-MM-DDTHH:MM:SS[.fraction]Z``; the fraction digits are
  kept exactly as given (up to 9), the calendar day of the UTC instant is the partition
- merchant: surrounding whitespace trimmed
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal

from .rules import TIMESTAMP_RE

_CTX = Context(prec=60)


def normalise_amount(value: str, minor_units: int) -> str:
    d = Decimal(value).quantize(Decimal(1).scaleb(-minor_units), context=_CTX)
    if d.is_zero():
        d = d.copy_abs()
    return f"{d:f}"


def normalise_currency(value: str) -> str:
    return value.upper()


def normalise_merchant(value: str) -> str:
    return value.strip()


def normalise_timestamp(value: str) -> tuple[str, str]:
    """Return ``(utc_iso, day)``; raises ``ValueError`` if ``value`` is not a
    valid zoned ISO 8601 timestamp (callers validate first)."""
    m = TIMESTAMP_RE.fullmatch(value)
    if m is None or m.group("z") is None:
        raise ValueError("not a zoned ISO 8601 timestamp")
    dt = datetime(
        int(m.group("y")), int(m.group("mo")), int(m.group("d")),
        int(m.group("h")), int(m.group("mi")), int(m.group("s") or 0),
    )  # fmt: skip
    z = m.group("z")
    if z not in ("Z", "z"):
        sign = -1 if z[0] == "-" else 1
        mins = int(z[1:3]) * 60 + (int(z[-2:]) if len(z) > 3 else 0)
        try:
            dt = dt - sign * timedelta(minutes=mins)
        except OverflowError as exc:  # the UTC instant falls in year 0 or 10000
            raise ValueError("timestamp out of range") from exc
    frac = m.group("f")
    day = f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
    text = f"{day}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"
    return (f"{text}.{frac}Z" if frac else f"{text}Z"), day


def parse_utc(normalised: str) -> datetime:
    """Inverse helper for readers of curated data (microsecond precision)."""
    body = normalised[:-1]
    if "." in body:
        head, frac = body.split(".")
        body = f"{head}.{frac[:6].ljust(6, '0')}"
    return datetime.fromisoformat(body).replace(tzinfo=UTC)
