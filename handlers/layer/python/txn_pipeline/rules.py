"""Validation rules: one small pure function per field, each returning a DuckDB SQL expression.

An expression is NULL when the value is valid, else the reason (the words the quarantine has
always carried). Each expression starts with the cheap test that a well-formed value passes, so
the engine pays for the detailed reasons only on the rows that fail it (DuckDB evaluates a
``CASE`` branch only for the rows that reach it). No I/O and no field names in here: the engine
composes the expressions and names the fields.

Arguments are SQL expressions (usually column names): ``value`` is the raw text (NULL when the
field is empty), the others are derived columns the engine computes once per row
(:func:`currency_code`, :func:`status_code`, :func:`minor_units`, :func:`trimmed`,
:func:`utc_timestamp`).

Only ``merchant`` is trimmed; every other field must be exact (a financial feed with ``" 12.00"``
in the amount column is malformed, not "close enough"). The scale of an amount is checked on the
text: a cast to DECIMAL would round ``1.005`` silently.
"""

from __future__ import annotations

from .currencies import MINOR_UNITS

MAX_ID_LEN = 128
MAX_MERCHANT_LEN = 256
MAX_INTEGER_DIGITS = 18
STATUSES: tuple[str, ...] = ("completed", "failed", "pending", "refunded", "reversed")
#: what ``str.strip()`` removes (``str.isspace()``): merchant names are trimmed of exactly these
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

#: ISO 8601 / RFC 3339 extended format: date, T or space, HH:MM[:SS[.f{1,9}]], optional zone
TIMESTAMP_RE = (
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
    r"([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
#: the common shape, whose digits need no further check than a cast: UTC, full seconds
CANONICAL_TIMESTAMP_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?Z"
MIN_INSTANT = "TIMESTAMPTZ '0001-01-01 00:00:00+00'"
MAX_INSTANT = "TIMESTAMPTZ '10000-01-01 00:00:00+00'"

#: the currency ENUM lists codes grouped by minor units (most common group first), so the minor
#: units of a code follow from its position with a few integer comparisons
CURRENCY_CODES: tuple[str, ...] = tuple(
    sorted(MINOR_UNITS, key=lambda c: (-list(MINOR_UNITS.values()).count(MINOR_UNITS[c]), MINOR_UNITS[c], c))
)


def sql_string(text: str) -> str:
    """A SQL string literal (DuckDB strings have no backslash escapes; only ' is doubled)."""
    return "'" + text.replace("'", "''") + "'"


def type_definitions() -> list[str]:
    """The ENUM types the expressions below cast to (run once per connection)."""
    codes = ", ".join(map(sql_string, CURRENCY_CODES))
    statuses = ", ".join(map(sql_string, STATUSES))
    return [f"CREATE TYPE currency_code AS ENUM ({codes})", f"CREATE TYPE status_code AS ENUM ({statuses})"]


# --------------------------------------------------------------------------- derived values


def currency_code(value: str) -> str:
    """The ISO 4217 code (upper case) or NULL; three ASCII letters in any case (the code as it
    stands first: most feeds write it in upper case, and ``upper`` costs a new string)."""
    lower = f"CASE WHEN strlen({value}) = 3 AND length({value}) = 3 THEN TRY_CAST(upper({value}) AS currency_code) END"
    return f"coalesce(TRY_CAST({value} AS currency_code), {lower})"


def minor_units(code: str) -> str:
    """Decimal places of the currency ``code`` (NULL for NULL)."""
    branches, end = [], 0
    for units in dict.fromkeys(MINOR_UNITS[c] for c in CURRENCY_CODES):
        end += sum(1 for c in CURRENCY_CODES if MINOR_UNITS[c] == units)
        branches.append(f"WHEN enum_code({code}) < {end} THEN {units}")
    return "CASE " + " ".join(branches) + " END"


def status_code(value: str) -> str:
    return f"TRY_CAST({value} AS status_code)"


def _not_in(chars: str) -> str:
    """A regex class of every character but ``chars`` (and the C0 controls and DEL)."""
    listed = "".join(f"\\x{{{ord(c):x}}}" for c in chars if " " <= c != "\x7f")
    return f"[^\\x00-\\x1f\\x7f{listed}]"


#: a merchant name that needs nothing done: no surrounding whitespace, no control character, not too long
PLAIN_MERCHANT_RE = f"{_not_in(WHITESPACE)}(?:[^\\x00-\\x1f\\x7f]{{0,{MAX_MERCHANT_LEN - 2}}}{_not_in(WHITESPACE)})?"


def plain_merchant(value: str) -> str:
    """True for a merchant :data:`PLAIN_MERCHANT_RE` takes as it is (one regex for most rows)."""
    return f"regexp_full_match({value}, {sql_string(PLAIN_MERCHANT_RE)})"


def trimmed(value: str, plain: str) -> str:
    """The merchant without surrounding whitespace (``plain``: :func:`plain_merchant`)."""
    return f"CASE WHEN {plain} THEN {value} ELSE trim({value}, {sql_string(WHITESPACE)}) END"


#: names of :data:`TIMESTAMP_RE`'s groups, the fields of :func:`timestamp_parts`
TIMESTAMP_PARTS = ("y", "mo", "d", "h", "mi", "s", "f", "z")


def canonical_timestamp(value: str) -> str:
    """The instant of a timestamp in the common shape (NULL otherwise, or for an impossible date)."""
    pattern = sql_string(CANONICAL_TIMESTAMP_RE)
    return f"CASE WHEN regexp_full_match({value}, {pattern}) THEN TRY_CAST({value} AS TIMESTAMPTZ) END"


def timestamp_parts(value: str, canonical: str) -> str:
    """The groups of :data:`TIMESTAMP_RE` as a struct (all '' when it does not match), only for the
    rows the canonical cast did not take (NULL for the others): one regex evaluation per odd row."""
    names = ", ".join(map(sql_string, TIMESTAMP_PARTS))
    pattern = sql_string("^" + TIMESTAMP_RE + "$")
    return f"CASE WHEN {canonical} >= {MIN_INSTANT} THEN NULL ELSE regexp_extract({value}, {pattern}, [{names}]) END"


def general_timestamp(parts: str) -> str:
    """The UTC instant of a timestamp from its :func:`timestamp_parts` (rebuilt in the one form the
    cast reads: seconds, '.' fraction, +HH:MM)."""
    y, mo, d, h, mi, s, f, z = (f"{parts}.{p}" for p in TIMESTAMP_PARTS)
    zone = (
        f"CASE WHEN upper({z}) = 'Z' THEN '+00:00' WHEN length({z}) = 3 THEN {z} || ':00' "
        f"ELSE {z}[1:3] || ':' || {z}[-2:] END"
    )
    text = (
        f"concat({y}, '-', {mo}, '-', {d}, 'T', {h}, ':', {mi}, ':', coalesce(nullif({s}, ''), '00'), "
        f"CASE WHEN {f} <> '' THEN '.' || {f} ELSE '' END, {zone})"
    )
    return f"TRY_CAST({text} AS TIMESTAMPTZ)"


def utc_timestamp(canonical: str, parts: str) -> str:
    """The UTC instant: the canonical cast when it worked, else the general parse."""
    return f"CASE WHEN {canonical} IS NOT NULL THEN {canonical} ELSE {general_timestamp(parts)} END"


# --------------------------------------------------------------------------- rules


def transaction_id(value: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({value}, '[A-Za-z0-9_.:\\-]{{1,{MAX_ID_LEN}}}') THEN NULL "
        f"WHEN {value} IS NULL THEN 'required' "
        f"WHEN length({value}) > {MAX_ID_LEN} THEN 'longer than {MAX_ID_LEN} characters' "
        "ELSE 'only letters, digits and _ . : - are allowed' END"
    )


def amount(value: str, minor: str) -> str:
    """A plain decimal (no exponent, no separators) with at most ``minor`` fractional digits; a NULL
    ``minor`` (unknown currency) checks only the syntax."""
    dot = f"position('.' IN {value})"
    scale = f"CASE WHEN {dot} = 0 THEN 0 ELSE length({value}) - {dot} END"
    fast = " ".join(
        f"WHEN {units} THEN regexp_full_match({value}, '[+-]?[0-9]{{1,{MAX_INTEGER_DIGITS}}}"
        + (f"(\\.[0-9]{{1,{units}}})?')" if units else "')")
        for units in sorted(set(MINOR_UNITS.values()))
    )
    return (
        f"CASE WHEN CASE {minor} {fast} END THEN NULL "
        f"WHEN {value} IS NULL THEN 'required' "
        f"WHEN NOT regexp_full_match({value}, '[+-]?[0-9]+(\\.[0-9]+)?') THEN 'not a decimal number' "
        f"WHEN length(ltrim(split_part({value}, '.', 1), '+-0')) > {MAX_INTEGER_DIGITS} "
        f"THEN 'more than {MAX_INTEGER_DIGITS} integer digits' "
        f"WHEN {scale} > {minor} THEN 'more than ' || {minor} || ' decimal places for this currency' END"
    )


def currency(value: str, code: str) -> str:
    return (
        f"CASE WHEN {code} IS NOT NULL THEN NULL WHEN {value} IS NULL THEN 'required' "
        "ELSE 'not an ISO 4217 currency code' END"
    )


def timestamp(value: str, canonical: str, parts: str) -> str:
    """ISO 8601 with a zone, a real date and time of day, a valid offset, representable in UTC."""
    y, mo, d, h, mi, s, _, z = (f"{parts}.{p}" for p in TIMESTAMP_PARTS)
    instant = general_timestamp(parts)
    return (
        f"CASE WHEN {canonical} >= {MIN_INSTANT} THEN NULL "
        f"WHEN {value} IS NULL THEN 'required' "
        f"WHEN {y} = '' THEN 'not an ISO 8601 timestamp' "
        f"WHEN {z} = '' THEN 'timestamp has no UTC offset' "
        f"WHEN {y} = '0000' OR TRY_CAST(concat({y}, '-', {mo}, '-', {d}) AS DATE) IS NULL "
        "THEN 'not a valid calendar date' "
        f"WHEN {h} > '23' OR {mi} > '59' OR {s} > '59' THEN 'not a valid time of day' "
        f"WHEN length({z}) > 1 AND ({z}[2:3] > '23' OR (length({z}) > 3 AND {z}[-2:] > '59')) "
        "THEN 'not a valid UTC offset' "
        f"WHEN NOT ({instant} >= {MIN_INSTANT} AND {instant} < {MAX_INSTANT}) THEN 'out of range' END"
    )


def merchant(trimmed_value: str, plain: str = "false") -> str:
    """Required after trimming, at most 256 characters, no control characters (``plain``: already
    known good, see :func:`plain_merchant`)."""
    return (
        f"CASE WHEN {plain} THEN NULL "
        f"WHEN regexp_full_match({trimmed_value}, '[^\\x00-\\x1f\\x7f]{{1,{MAX_MERCHANT_LEN}}}') THEN NULL "
        f"WHEN {trimmed_value} IS NULL OR {trimmed_value} = '' THEN 'required' "
        f"WHEN length({trimmed_value}) > {MAX_MERCHANT_LEN} THEN 'longer than {MAX_MERCHANT_LEN} characters' "
        "ELSE 'contains control characters' END"
    )


def status(value: str, code: str) -> str:
    return (
        f"CASE WHEN {code} IS NOT NULL THEN NULL WHEN {value} IS NULL THEN 'required' "
        f"ELSE 'not one of {', '.join(sorted(STATUSES))}' END"
    )
