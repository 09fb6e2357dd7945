"""Property-based (hypothesis): generated files always satisfy the accounting and round-trip laws,
and DuckDB's reader path gives exactly what the Python records path gives for the same file."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from txn_pipeline import engine
from txn_pipeline.models import REQUIRED_FIELDS
from txn_pipeline.reader import FileFormat, open_raw, parse_header, spool

ids = st.one_of(st.sampled_from(["a", "b", "c", "tx-1"]), st.from_regex(r"[A-Za-z0-9_.:-]{1,12}", fullmatch=True),
                st.text(max_size=6))  # fmt: skip
amounts = st.one_of(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False).map(str),
    st.decimals(min_value=0, max_value=10**4, places=3, allow_nan=False).map(str),
    st.integers(-999, 10**7).map(str),
    st.sampled_from(["", "1e3", "12,5", "-0.00", "007.10", ".5", "+1.00", "NaN", "1" * 19, "0" * 25 + "1.5"]),
)
currencies = st.sampled_from(["USD", "EUR", "usd", "JPY", "BHD", "GBP", "XYZ", "", "US", "CLF"])
instants = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
offsets = st.sampled_from(["Z", "+00:00", "+02:00", "-05:30", "+0100", "", "z", "+24:00", "+01"])
fractions = st.sampled_from(["", ".1", ".123", ".123456789", ",5"])
timestamps = st.one_of(
    st.builds(lambda d, s, f, z: d.strftime("%Y-%m-%d") + s + d.strftime("%H:%M:%S") + f + z,
              instants, st.sampled_from(["T", " ", "t"]), fractions, offsets),
    st.sampled_from(["", "2024-02-30T00:00:00Z", "nope", "2024-02-29T12:00:00Z", "2024-03-01T24:00:00Z",
                     "0000-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00"]),
)  # fmt: skip
merchants = st.one_of(st.sampled_from(["Acme", " Acme ", "Acme, Inc.", 'Say "hi"', "", "a\nb", "Café", "\u3000x"]),
                      st.text(max_size=10))  # fmt: skip
statuses = st.sampled_from(["completed", "pending", "failed", "refunded", "reversed", "DONE", ""])
common = st.tuples(  # rows in the shape most files hold, so duplicates and valid rows are frequent
    st.sampled_from(["a", "b", "tx-1", "tx-2", "Z9"]),
    st.decimals(min_value=-(10**5), max_value=10**5, places=2, allow_nan=False).map(lambda d: f"{d:.2f}"),
    st.sampled_from(["USD", "EUR", "GBP"]),
    st.builds(lambda d, f: d.strftime("%Y-%m-%dT%H:%M:%S") + f + "Z", instants, fractions),
    st.sampled_from(["Acme", "Shop 1", "Ünï Café", "a b"]),
    st.sampled_from(["completed", "pending"]),
)
records = st.one_of(common, st.tuples(ids, amounts, currencies, timestamps, merchants, statuses))


def to_csv(rows: list[tuple[str, ...]], blanks: set[int]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # so fields holding \r or \n get quoted
    w.writerow(REQUIRED_FIELDS)
    for i, row in enumerate(rows):
        w.writerow(row)
        if i in blanks:
            buf.write("\r\n")
    return buf.getvalue().encode("utf-8", "surrogatepass")


def process(data: bytes, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[engine.Result, list, list]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raw, _ = open_raw(io.BytesIO(data), FileFormat("csv", "none"))
        spooled = spool(raw, FileFormat("csv", "none"), work / "in.csv")
        rejects: list[engine.Rejected] = []
        result = engine.run(spooled.path, "csv", on_reject=rejects.append, curated_dir=work / "out")
        rows = [
            row
            for files in result.curated.values()
            for f in files
            for row in duckdb.execute(
                f"SELECT transaction_id, CAST(amount AS VARCHAR), currency, timestamp, merchant, status "
                f"FROM read_parquet('{f}')"
            ).fetchall()
        ]
        return result, rejects, rows


def _instant(ts: str) -> datetime:
    m = re.fullmatch(r"(.{10})[Tt ](\d\d:\d\d(?::\d\d)?)([.,]\d+)?([Zz]|[+-]\d\d(?::?\d\d)?)", ts)
    assert m
    frac = (m.group(3) or ".0")[1:7].ljust(6, "0")
    hms = m.group(2) if len(m.group(2)) == 8 else m.group(2) + ":00"
    base = datetime.fromisoformat(f"{m.group(1)}T{hms}.{frac}")
    z = m.group(4)
    if z in ("Z", "z"):
        return base.replace(tzinfo=UTC)
    sign = -1 if z[0] == "-" else 1
    mins = int(z[1:3]) * 60 + (int(z[-2:]) if len(z) > 3 else 0)
    return base.replace(tzinfo=timezone(sign * timedelta(minutes=mins)))


def _encodable(rows: list[tuple[str, ...]]) -> bool:
    try:
        to_csv(rows, set()).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(records, max_size=25).filter(_encodable), st.sets(st.integers(0, 25), max_size=3))
@example([("a", "0.00", "USD", "2000-01-01T00:00:00Z", "0\x850", "completed")], set())
@example([("b", "1.50", "EUR", "2000-01-02T00:00:00Z", "x\u2028y\u2029z", "pending")], {0})
def test_accounting_and_round_trip(rows, blanks):
    result, rejects, out = process(to_csv(rows, blanks))
    counts = result.counts
    assert counts.rows_read == len(rows)
    assert counts.accepted + counts.rejected == counts.rows_read
    assert len(rejects) == counts.rejected == sum(counts.by_reason.values())
    assert len(out) == counts.accepted
    assert all(r.errors and all(field and reason for field, reason in r.errors) for r in rejects)
    rejected_rows = [r.row for r in rejects]
    assert rejected_rows == sorted(set(rejected_rows)) and set(rejected_rows) <= set(range(1, len(rows) + 1))
    accepted = [rows[i - 1] for i in range(1, len(rows) + 1) if i not in set(rejected_rows)]
    assert len({a[0] for a in accepted}) == len(accepted)  # duplicates rejected, first valid one kept
    by_id = {o[0]: o for o in out}
    for tid, amount, currency, ts, merchant, status in accepted:
        o = by_id[tid]
        assert Decimal(o[1]) == Decimal(amount)
        assert o[2] == currency.upper()
        assert o[3] == _instant(ts).astimezone(UTC).replace(microsecond=_instant(ts).microsecond)
        assert o[4] == merchant.strip()
        assert o[5] == status


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(records, max_size=25).filter(_encodable), st.sets(st.integers(0, 25), max_size=3))
def test_reader_path_equals_python_path(monkeypatch_session, rows, blanks):
    data = to_csv(rows, blanks)
    reader = process(data)
    with monkeypatch_session.context() as m:

        def all_in_python(self: engine.Engine, path: Path) -> None:  # what a file the reader refuses gets
            with path.open("rb") as f:
                self.columns = parse_header(f.readline().decode())
            self._load_all_in_python(path, self.columns)

        m.setattr(engine.Engine, "load_csv", all_in_python)
        python = process(data)
    assert reader[0].counts == python[0].counts
    assert [(r.row, r.errors, r.raw) for r in reader[1]] == [(r.row, r.errors, r.raw) for r in python[1]]
    assert sorted(reader[2]) == sorted(python[2])
    assert reader[0].aggregates == python[0].aggregates


@pytest.fixture(scope="module")
def monkeypatch_session():
    with pytest.MonkeyPatch.context() as m:
        yield m
