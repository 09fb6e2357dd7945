"""Seeded generator of transaction files (CSV or JSON Lines, optionally gzip), KB to GB.

    python tools/datagen.py --rows 1000 --bad-ratio 0.05 --seed 7 -o /tmp/t.csv
    python tools/datagen.py --size 1GB --format csv --seed 1 -o /tmp/big.csv
    python tools/datagen.py --rows 500 --format jsonl --gzip -o /tmp/t.jsonl.gz

Same arguments and seed => byte-identical output. Valid rows are mostly in the
common canonical shape (2-decimal amounts, ``...Z`` timestamps) with a small
share of valid-but-unusual rows (offsets, lower-case currency, JPY, quoted
merchants with commas or newlines, padded merchants). ``--bad-ratio`` of the
rows are malformed, cycling through every kind in ``BAD_KINDS``; the exact
number of bad rows is printed as JSON on stderr (``{"rows":..,"bad":..}``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import uuid
from collections.abc import Iterator
from typing import BinaryIO

HEADER = ("transaction_id", "amount", "currency", "timestamp", "merchant", "status")
CURRENCIES = ("USD", "USD", "USD", "EUR", "EUR", "GBP")
STATUSES = ("completed", "completed", "completed", "pending", "failed", "refunded", "reversed")
MERCHANTS = tuple(
    f"{a} {b}"
    for a in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent")
    for b in ("Store", "Market", "Cafe", "Online", "Travel", "Fuel", "Books", "Pharmacy")
)
BAD_KINDS = (
    "amount_not_decimal",
    "amount_too_many_decimals",
    "amount_exponent",
    "amount_missing",
    "currency_unknown",
    "currency_missing",
    "timestamp_no_zone",
    "timestamp_bad_date",
    "timestamp_garbage",
    "status_unknown",
    "merchant_blank",
    "transaction_id_missing",
    "transaction_id_bad_chars",
    "duplicate_id",
    "too_few_fields",
    "too_many_fields",
    "invalid_utf8",
    "jpy_with_decimals",
)
_SIZE_RE = re.compile(r"(?i)^\s*([0-9.]+)\s*([kmg]?i?b?)\s*$")
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 10**6, "mb": 10**6, "mib": 2**20,
          "g": 10**9, "gb": 10**9, "gib": 2**30}  # fmt: skip


def parse_size(text: str) -> int:
    m = _SIZE_RE.match(text)
    if not m or m.group(2).lower() not in _UNITS:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (try 10MB, 1GB)")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


class Generator:
    """Produces rows as dicts of raw field text (bytes for the invalid-UTF-8 kind)."""

    def __init__(
        self, seed: int, bad_ratio: float, days: int = 3, start_day: int = 1, odd_ratio: float = 0.03
    ) -> None:
        self.rng = random.Random(seed)
        self.bad_ratio = bad_ratio
        self.odd_ratio = odd_ratio
        self.days = days
        self.start_day = start_day
        self.bad = 0
        self.rows = 0
        self._bad_cycle = 0
        self._recent_ids: list[str] = []

    def _tid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _valid(self, register: bool = True) -> dict[str, str]:
        r = self.rng
        tid = self._tid()
        if register:  # only ids of valid rows may be duplicated later
            self._recent_ids.append(tid)
            if len(self._recent_ids) > 64:
                del self._recent_ids[:32]
        cur = r.choice(CURRENCIES)
        day = self.start_day + r.randrange(self.days)
        ts = f"2024-03-{day:02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}"
        ts += f".{r.randrange(1000):03d}Z" if r.random() < 0.5 else "Z"
        row = {
            "transaction_id": tid,
            "amount": f"{r.randrange(1, 500_000) / 100:.2f}",
            "currency": cur,
            "timestamp": ts,
            "merchant": r.choice(MERCHANTS),
            "status": r.choice(STATUSES),
        }
        if r.random() < self.odd_ratio:  # valid but not the canonical shape
            kind = r.randrange(6)
            if kind == 0:
                row["timestamp"] = ts[:19] + r.choice(("+02:00", "-05:30", "+0100"))
            elif kind == 1:
                row["currency"] = cur.lower()
            elif kind == 2:
                row["currency"], row["amount"] = "JPY", str(r.randrange(1, 100_000))
            elif kind == 3:
                row["merchant"] = f"{row['merchant']}, Inc."
            elif kind == 4:
                row["merchant"] = f"  {row['merchant']} "
            else:
                row["amount"] = row["amount"].rstrip("0").rstrip(".") or "0"
        return row

    def _bad(self) -> dict[str, str | bytes] | list[str]:
        kind = BAD_KINDS[self._bad_cycle % len(BAD_KINDS)]
        self._bad_cycle += 1
        row: dict[str, str | bytes] = dict(self._valid(register=False))
        r = self.rng
        if kind == "amount_not_decimal":
            row["amount"] = r.choice(("12,50", "abc", "1.2.3", "$5.00", ""))
            if row["amount"] == "":
                row["amount"] = "N/A"
        elif kind == "amount_too_many_decimals":
            row["amount"] = "10.005"
        elif kind == "amount_exponent":
            row["amount"] = "1e5"
        elif kind == "amount_missing":
            row["amount"] = ""
        elif kind == "currency_unknown":
            row["currency"] = r.choice(("XYZ", "US", "EURO", "12$"))
        elif kind == "currency_missing":
            row["currency"] = ""
        elif kind == "timestamp_no_zone":
            row["timestamp"] = "2024-03-01T10:00:00"
        elif kind == "timestamp_bad_date":
            row["timestamp"] = "2024-02-30T10:00:00Z"
        elif kind == "timestamp_garbage":
            row["timestamp"] = r.choice(("yesterday", "03/01/2024 10:00", "2024-03-01T25:00:00Z"))
        elif kind == "status_unknown":
            row["status"] = r.choice(("done", "COMPLETED", "unknown"))
        elif kind == "merchant_blank":
            row["merchant"] = "   "
        elif kind == "transaction_id_missing":
            row["transaction_id"] = ""
        elif kind == "transaction_id_bad_chars":
            row["transaction_id"] = "id with spaces"
        elif kind == "duplicate_id":
            row["transaction_id"] = self._recent_ids[0] if self._recent_ids else self._tid()
        elif kind == "too_few_fields":
            return [str(row["transaction_id"]), str(row["amount"]), str(row["currency"])]
        elif kind == "too_many_fields":
            return [*(str(v) for v in row.values()), "surplus", "more"]
        elif kind == "invalid_utf8":
            row["merchant"] = b"Caf\xe9 \xff\xfe Store"
        elif kind == "jpy_with_decimals":
            row["currency"], row["amount"] = "JPY", "100.50"
        return row

    def rows_iter(self, limit_rows: int | None) -> Iterator[dict[str, str | bytes] | list[str]]:
        while limit_rows is None or self.rows < limit_rows:
            self.rows += 1
            if self.bad_ratio and self.rng.random() < self.bad_ratio:
                self.bad += 1
                yield self._bad()
            else:
                yield self._valid()


def _csv_field(v: str | bytes) -> bytes:
    b = v if isinstance(v, bytes) else v.encode()
    if any(c in b for c in (b",", b'"', b"\n", b"\r")):
        return b'"' + b.replace(b'"', b'""') + b'"'
    return b


def encode_csv_row(row: dict[str, str | bytes] | list[str]) -> bytes:
    vals = row.values() if isinstance(row, dict) else row
    return b",".join(_csv_field(v) for v in vals) + b"\n"


def encode_jsonl_row(row: dict[str, str | bytes] | list[str]) -> bytes:
    if isinstance(row, list):
        return b'{"transaction_id": "' + row[0].encode() + b'", "broken": \n'
    parts = []
    for k, v in row.items():
        if isinstance(v, bytes):  # keep the invalid bytes inside the JSON string
            parts.append(json.dumps(k).encode() + b': "' + v + b'"')
        else:
            parts.append(json.dumps(k).encode() + b": " + json.dumps(v, ensure_ascii=False).encode())
    return b"{" + b", ".join(parts) + b"}\n"


def generate(
    out: BinaryIO,
    *,
    rows: int | None = None,
    size: int | None = None,
    fmt: str = "csv",
    bad_ratio: float = 0.0,
    seed: int = 0,
    days: int = 3,
    odd_ratio: float = 0.03,
    start_day: int = 1,
) -> dict[str, int]:
    """Write a file to ``out`` (uncompressed bytes); stop at ``rows`` rows or ``size`` bytes."""
    if rows is None and size is None:
        raise ValueError("give rows or size")
    gen = Generator(seed, bad_ratio, days=days, start_day=start_day, odd_ratio=odd_ratio)
    enc = encode_csv_row if fmt == "csv" else encode_jsonl_row
    written = 0
    buf: list[bytes] = []
    if fmt == "csv":
        buf.append(",".join(HEADER).encode() + b"\n")
    for row in gen.rows_iter(rows):
        line = enc(row)
        buf.append(line)
        written += len(line)
        if len(buf) >= 4096:
            out.write(b"".join(buf))
            buf.clear()
        if size is not None and written >= size:
            break
    out.write(b"".join(buf))
    return {"rows": gen.rows, "bad": gen.bad, "bytes": written}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--rows", type=int, help="number of data rows")
    g.add_argument("--size", type=parse_size, help="approximate uncompressed size, e.g. 512KB, 1GB")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    p.add_argument("--gzip", action="store_true", help="gzip-compress the output")
    p.add_argument("--bad-ratio", type=float, default=0.0, help="share of malformed rows (0..1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--days", type=int, default=3, help="spread timestamps over this many days")
    p.add_argument("--start-day", type=int, default=1, help="first day (of March 2024) the timestamps fall on")
    p.add_argument("--odd-ratio", type=float, default=0.03, help="share of valid rows in unusual shapes")
    p.add_argument("-o", "--output", default="-", help="file path, or - for stdout")
    a = p.parse_args(argv)
    raw: BinaryIO = sys.stdout.buffer if a.output == "-" else open(a.output, "wb")  # noqa: SIM115
    try:
        out: BinaryIO = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) if a.gzip else raw  # type: ignore[assignment]
        stats = generate(
            out,
            rows=a.rows, size=a.size, fmt=a.format, bad_ratio=a.bad_ratio, seed=a.seed, days=a.days,
            odd_ratio=a.odd_ratio, start_day=a.start_day,
        )  # fmt: skip
        if a.gzip:
            out.close()
    finally:
        raw.flush()
        if raw is not sys.stdout.buffer:
            raw.close()
    print(json.dumps(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
