"""Unit: the row processor (CSV fast + general paths, JSON Lines), exact outcomes."""

from __future__ import annotations

import io
import json

import pytest
from txn_pipeline import core
from txn_pipeline.core import Deduper, RowProcessor, validate_record
from txn_pipeline.errors import FileTooLargeError, InvalidFileError

from tests.handlers.conftest import HEADER, csv_text, good_row


class ListSink:
    def __init__(self) -> None:
        self.by_day: dict[str, list[dict]] = {}
        self.text: dict[str, str] = {}

    def write(self, day: str, text: str) -> None:
        self.text[day] = self.text.get(day, "") + text
        self.by_day.setdefault(day, []).extend(json.loads(line) for line in text.splitlines())

    def rows(self) -> list[dict]:
        return sorted((r for rows in self.by_day.values() for r in rows), key=lambda r: r["row"])


def run_csv(text: str, **kw):
    rejects = []
    sink = ListSink()
    proc = RowProcessor(on_reject=rejects.append, sink=sink, **kw)
    counts = proc.process_csv(io.StringIO(text, newline=""))
    return counts, rejects, sink, proc


def outcomes(rejects):
    return [(r.row, r.errors[0].field, r.errors[0].reason) for r in rejects]


MALFORMED = [
    ("tx-1,12.345,USD,2024-03-01T10:00:00Z,Shop,completed", "amount", "more than 2 decimal places for this currency"),
    ("tx-1,100.5,JPY,2024-03-01T10:00:00Z,Shop,completed", "amount", "more than 0 decimal places for this currency"),
    ("tx-1,12;50,USD,2024-03-01T10:00:00Z,Shop,completed", "amount", "not a decimal number"),
    ("tx-1,1e5,USD,2024-03-01T10:00:00Z,Shop,completed", "amount", "not a decimal number"),
    ("tx-1,,USD,2024-03-01T10:00:00Z,Shop,completed", "amount", "required"),
    ("tx-1,1.00,XYZ,2024-03-01T10:00:00Z,Shop,completed", "currency", "not an ISO 4217 currency code"),
    ("tx-1,1.00,,2024-03-01T10:00:00Z,Shop,completed", "currency", "required"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00,Shop,completed", "timestamp", "timestamp has no UTC offset"),
    ("tx-1,1.00,USD,2023-02-29T10:00:00Z,Shop,completed", "timestamp", "not a valid calendar date"),
    ("tx-1,1.00,USD,yesterday,Shop,completed", "timestamp", "not an ISO 8601 timestamp"),
    ("tx-1,1.00,USD,,Shop,completed", "timestamp", "required"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,   ,completed", "merchant", "required"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Shop,done", "status", "not one of completed, failed, pending, refunded, reversed"),  # noqa: E501
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Shop,", "status", "required"),
    (",1.00,USD,2024-03-01T10:00:00Z,Shop,completed", "transaction_id", "required"),
    ("tx 1,1.00,USD,2024-03-01T10:00:00Z,Shop,completed", "transaction_id", "only letters, digits and _ . : - are allowed"),  # noqa: E501
    ("tx-1,1.00,USD", "*", "expected 6 fields, got 3"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Shop,completed,extra", "*", "expected 6 fields, got 7"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Caf\udce9,completed", "merchant", "not valid UTF-8"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Sh\x07op,completed", "merchant", "contains control characters"),
]


@pytest.mark.parametrize(("line", "field", "reason"), MALFORMED)
def test_each_malformed_row_is_rejected_with_field_and_reason(line, field, reason):
    counts, rejects, sink, _ = run_csv(csv_text(good_row(0), line, good_row(2)))
    assert (counts.rows_read, counts.accepted, counts.rejected) == (3, 2, 1)
    assert outcomes(rejects) == [(2, field, reason)]
    assert [r["row"] for r in sink.rows()] == [1, 3]


def test_all_errors_of_a_row_are_reported_in_field_order():
    _, rejects, _, _ = run_csv(csv_text("tx 1,1.001,usd,nope,  ,DONE"))
    assert [(e.field, e.reason) for e in rejects[0].errors] == [
        ("transaction_id", "only letters, digits and _ . : - are allowed"),
        ("amount", "more than 2 decimal places for this currency"),
        ("timestamp", "not an ISO 8601 timestamp"),
        ("merchant", "required"),
        ("status", "not one of completed, failed, pending, refunded, reversed"),
    ]
    assert rejects[0].raw == {
        "transaction_id": "tx 1", "amount": "1.001", "currency": "usd",
        "timestamp": "nope", "merchant": "  ", "status": "DONE",
    }  # fmt: skip


def test_duplicates_first_valid_occurrence_wins_fast_and_general_paths():
    text = csv_text(
        good_row(1),
        good_row(1),  # fast-path duplicate
        "tx-000002,1.0,usd,2024-03-02T10:00:00+00:00,Shop,completed",  # general path, valid
        good_row(2),  # fast path duplicate of a general-path row
        "tx-000003,bad,USD,2024-03-02T10:00:00Z,Shop,completed",  # invalid: does not claim the id
        good_row(3),
    )
    counts, rejects, sink, _ = run_csv(text)
    assert (counts.rows_read, counts.accepted, counts.rejected) == (6, 3, 3)
    assert outcomes(rejects) == [
        (2, "transaction_id", core.DUPLICATE_REASON),
        (4, "transaction_id", core.DUPLICATE_REASON),
        (5, "amount", "not a decimal number"),
    ]
    assert rejects[0].raw["transaction_id"] == "tx-000001"
    assert [r["row"] for r in sink.rows()] == [1, 3, 6]


def test_normalised_output_is_identical_on_fast_and_general_paths():
    fast = "t1,7.50,USD,2024-03-01T10:00:00.120Z,Acme,completed"
    general = ["t1,007.5,usd,2024-03-01T11:00:00.120+01:00, Acme ,completed"]
    _, _, s1, _ = run_csv(csv_text(fast))
    _, _, s2, _ = run_csv(csv_text(*general))
    assert s1.text == s2.text == {
        "2024-03-01": '{"transaction_id":"t1","amount":"7.50","currency":"USD",'
        '"timestamp":"2024-03-01T10:00:00.120Z","merchant":"Acme","status":"completed","row":1}\n'
    }


def test_quoted_fields_commas_quotes_and_line_breaks():
    text = csv_text(
        'q1,1.00,USD,2024-03-01T10:00:00Z,"Acme, Inc.",completed',
        'q2,1.00,USD,2024-03-01T10:00:00Z,"Say ""hi""",completed',
        'q3,1.00,USD,2024-03-01T10:00:00Z,"two\nlines",completed',
        good_row(4),
    )
    counts, rejects, sink, _ = run_csv(text)
    assert (counts.rows_read, counts.accepted, counts.rejected) == (4, 3, 1)
    assert outcomes(rejects) == [(3, "merchant", "contains control characters")]
    assert [r["merchant"] for r in sink.rows()] == ["Acme, Inc.", 'Say "hi"', "Shop 4"]


def test_blank_lines_crlf_bom_and_missing_final_newline():
    text = "\ufeff" + HEADER.replace("\n", "\r\n") + good_row(1) + "\r\n\r\n" + good_row(2)
    counts, _, sink, _ = run_csv(text)
    assert (counts.rows_read, counts.accepted, counts.rejected) == (2, 2, 0)
    assert [r["transaction_id"] for r in sink.rows()] == ["tx-000001", "tx-000002"]


def test_columns_in_any_order_with_extras():
    header = "Status,merchant,region,timestamp,currency,amount,transaction_id\n"
    text = header + "completed,Acme,EU,2024-03-01T10:00:00Z,EUR,5.00,x1\npending, Acme ,\"E,U\",2024-03-01T10:00:00Z,EUR,5,x2\n"  # noqa: E501
    counts, _, sink, _ = run_csv(text)
    assert (counts.accepted, counts.rejected) == (2, 0)
    rows = sink.rows()
    assert rows[0] == {
        "transaction_id": "x1", "amount": "5.00", "currency": "EUR", "timestamp": "2024-03-01T10:00:00Z",
        "merchant": "Acme", "status": "completed", "row": 1, "extra": {"region": "EU"},
    }  # fmt: skip
    assert rows[1]["extra"] == {"region": "E,U"} and rows[1]["amount"] == "5.00"
    assert sink.text["2024-03-01"].splitlines()[0] == json.dumps(rows[0], separators=(",", ":"))


def test_29_february_and_negative_zero_take_the_general_path():
    counts, _, sink, _ = run_csv(
        csv_text("a,1.00,USD,2024-02-29T10:00:00Z,S,completed", "b,-0.00,USD,2024-03-01T10:00:00Z,S,refunded")
    )
    assert counts.accepted == 2 and [r["amount"] for r in sink.rows()] == ["1.00", "0.00"]


def test_small_blocks_and_chunks_keep_order_and_counts(monkeypatch):
    monkeypatch.setattr(core, "CHUNK_CHARS", 64)
    lines = [good_row(i) if i % 5 else f'q{i},1.00,USD,2024-03-01T10:00:00Z,"multi\nline",completed' for i in range(50)]
    counts, rejects, sink, proc = run_csv(csv_text(*lines), chunk_rows=3)
    assert (counts.rows_read, counts.accepted, counts.rejected) == (50, 40, 10)
    assert [r.row for r in rejects] == list(range(1, 51, 5))
    assert [r["row"] for r in sink.rows()] == [i + 1 for i in range(50) if i % 5]
    assert proc.aggregates[("2024-03-02", "USD")].count == 40
    assert proc.aggregates[("2024-03-02", "USD")].total == "400.00"


def test_aggregates_are_exact_per_day_and_currency():
    _, _, _, proc = run_csv(
        csv_text(
            "a,0.10,USD,2024-03-01T10:00:00Z,S,completed",
            "b,0.20,USD,2024-03-01T23:59:59Z,S,completed",
            "c,5,JPY,2024-03-01T10:00:00Z,S,completed",
            "d,1.005,BHD,2024-03-01T10:00:00Z,S,completed",
            "e,-0.30,USD,2024-03-02T00:00:00Z,S,refunded",
        )
    )
    assert {k: (a.count, a.total) for k, a in proc.aggregates.items()} == {
        ("2024-03-01", "USD"): (2, "0.30"),
        ("2024-03-01", "JPY"): (1, "5"),
        ("2024-03-01", "BHD"): (1, "1.005"),
        ("2024-03-02", "USD"): (1, "-0.30"),
    }


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "empty file"),
        ("a,b,c\n", "CSV header is missing required columns: transaction_id, amount, currency, timestamp, merchant, status"),  # noqa: E501
        ("transaction_id,amount,currency,timestamp,merchant,status,amount\n", "duplicate or empty column names"),
    ],
)
def test_unusable_header_fails_the_file(header, message):
    with pytest.raises(InvalidFileError, match=message.replace("(", r"\(")):
        run_csv(header)


def test_header_only_file_has_zero_rows():
    counts, _, sink, _ = run_csv(HEADER)
    assert (counts.rows_read, counts.accepted, counts.rejected) == (0, 0, 0) and sink.text == {}


def test_jsonl_rows():
    lines = [
        '{"transaction_id":"j1","amount":12.5,"currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed","x":1}',
        '{"transaction_id":"j2","amount":"1e3","currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed"}',
        "",
        "not json",
        "[1,2]",
        '{"transaction_id":"j3","amount":1,"currency":"EUR","timestamp":null,"merchant":true,"status":"completed"}',
        '{"transaction_id":"j1","amount":"1.00","currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed"}',
    ]
    rejects = []
    sink = ListSink()
    counts = RowProcessor(on_reject=rejects.append, sink=sink).process_jsonl(io.StringIO("\n".join(lines)))
    assert (counts.rows_read, counts.accepted, counts.rejected) == (6, 1, 5)
    assert outcomes(rejects) == [
        (2, "amount", "not a decimal number"),
        (3, "*", "not valid JSON: Expecting value"),
        (4, "*", "not a JSON object"),
        (5, "timestamp", "required"),
        (6, "transaction_id", core.DUPLICATE_REASON),
    ]
    assert rejects[3].errors[1].reason == "must be a string"
    assert sink.rows() == [{
        "transaction_id": "j1", "amount": "12.50", "currency": "EUR", "timestamp": "2024-03-01T10:00:00Z",
        "merchant": "M", "status": "completed", "row": 1, "extra": {"x": "1"},
    }]  # fmt: skip


def test_validate_record_returns_normalised_tuple():
    norm, errors = validate_record({
        "transaction_id": "t", "amount": "1.5", "currency": "gbp",
        "timestamp": "2024-03-01T00:30:00+01:00", "merchant": " M ", "status": "pending",
    })  # fmt: skip
    assert errors == []
    assert norm == ("t", "1.50", "GBP", "2024-02-29T23:30:00Z", "M", "pending", "2024-02-29")


def test_deduper_grows_and_stays_exact():
    d = Deduper(initial_slots_per_shard=16)  # grows several times
    ids = [f"id-{i}" for i in range(20_000)]
    assert all(d.add(i) for i in ids)
    assert not any(d.add(i) for i in ids[::7])
    assert d.count == 20_000
    assert Deduper.fingerprint("abc") == Deduper.fingerprint("abc") == int.from_bytes(b"abc")


def test_deduper_reserve_presizes_without_later_growth():
    d = Deduper(initial_slots_per_shard=16)
    d.reserve(100_000)
    slots = d.memory_bytes() // 8
    assert 100_000 / Deduper.MAX_LOAD <= slots < 2 * 100_000 / Deduper.MAX_LOAD
    assert all(d.add(f"id-{i}") for i in range(100_000))
    assert d.memory_bytes() // 8 == slots  # no rehash while filling
    assert not d.add("id-99999")


def test_deduper_reserve_is_capped_and_never_shrinks():
    d = Deduper(initial_slots_per_shard=16)
    d.reserve(10**9, max_bytes=1 << 20)
    assert d.memory_bytes() == 1 << 20
    d.reserve(10)
    assert d.memory_bytes() == 1 << 20


def test_deduper_over_its_memory_budget_fails_with_a_named_error():
    d = Deduper(max_bytes=256 * 64 * 8)  # 128 KiB: starts at 64 slots per shard instead of 4096
    assert d.memory_bytes() == 128 << 10
    ids = [f"id-{i}" for i in range(11_468)]  # exactly 0.7 x 16384 slots: fits
    assert all(d.add(i) for i in ids)
    with pytest.raises(FileTooLargeError) as exc:
        d.add("one-more")
    assert str(exc.value) == (
        "the file has at least 11,469 distinct transaction_ids: checking them for duplicates needs 0.25 MiB, "
        "over this function's budget of 0.125 MiB (DEDUPE_MEMORY_MB, default half the function's memory); "
        "split the file or raise the function's memory"
    )
    d.reserve(10**6)  # pre-sizing stays within the budget
    assert d.memory_bytes() == 128 << 10


def test_size_hint_presizes_the_table_and_changes_no_outcome():
    rows = [good_row(i) for i in range(3000)] + [good_row(5)]  # one duplicate at the end
    text = csv_text(*rows)
    plain = run_csv(text)
    hinted = run_csv(text, size_hint=500 * len(text))  # as if the file were 500x longer
    assert hinted[3].dedupe.memory_bytes() > plain[3].dedupe.memory_bytes()
    assert hinted[3].dedupe.memory_bytes() // 8 >= 500 * 3001 / Deduper.MAX_LOAD
    assert hinted[0] == plain[0]
    assert outcomes(hinted[1]) == outcomes(plain[1]) == [(3001, "transaction_id", core.DUPLICATE_REASON)]
    assert hinted[2].text == plain[2].text


def test_expected_rows_presizes_the_table():
    proc = RowProcessor(expected_rows=200_000)
    assert proc.dedupe.memory_bytes() // 8 >= 200_000 / Deduper.MAX_LOAD


def test_general_path_only_sees_the_rows_that_need_it(monkeypatch):
    """Regression: a slow line ending a block must not push the rest of the file off the fast path."""
    monkeypatch.setattr(core, "CHUNK_CHARS", 200)
    calls = []
    real = core.validate_record
    monkeypatch.setattr(core, "validate_record", lambda values: calls.append(values) or real(values))
    # 29 February is valid but only the general path checks it (neither the fast nor the odd-shape regex)
    lines = [good_row(i) if i % 10 else f"tx-{i:06d},5.00,USD,2024-02-29T10:00:00Z,Shop,completed" for i in range(200)]
    counts, _, _, _ = run_csv(csv_text(*lines))
    assert (counts.rows_read, counts.accepted) == (200, 200)
    assert len(calls) == 20


def test_fast_normalise_amount_equals_decimal_normalisation():
    from txn_pipeline.normalise import normalise_amount

    ints = ["0", "00", "7", "007", "10", "100", "123456789012345678", "000000000000000001"]
    fracs = ["", ".0", ".5", ".05", ".50", ".000", ".123", ".1000", ".0001"]
    for minor in (0, 2, 3, 4):
        for sign in ("", "-"):
            for i in ints:
                for f in fracs:
                    if len(f) - 1 <= minor:
                        v = sign + i + f
                        assert core.fast_normalise_amount(v, minor) == normalise_amount(v, minor), (v, minor)


ODD_AND_EDGE_LINES = [
    "o1,5,JPY,2024-03-02T10:00:00Z,Shop,completed",
    "o2,5.5,usd,2024-03-02T23:30:00.25+02:00,Shop,pending",
    "o3,-0,JPY,2024-03-02T00:10:00-05:30,  Shop ,failed",
    'o4,-0.000,BHD,2024-03-02T10:00:00+0100,"Acme, Inc.",refunded',
    "o5,007.5,EUR,2024-03-01T00:00:00+01:00,\u3000Caf\u00e9\u3000,reversed",
    "o6,1.2345,CLF,2024-12-31T23:59:59.123456789-01:00,X,completed",
    "o7,1.005,USD,2024-03-02T10:00:00Z,Shop,completed",  # too many decimals
    "o8,5,XYZ,2024-03-02T10:00:00Z,Shop,completed",  # unknown currency
    "o9,5,JPY,0000-03-02T10:00:00Z,Shop,completed",  # year 0
    "o10,5,JPY,2024-02-30T10:00:00Z,Shop,completed",  # no such day
    "o11,5,JPY,2024-03-02T10:00:00+24:00,Shop,completed",  # bad offset
    "o12,5,JPY,0001-01-01T00:30:00+01:00,Shop,completed",  # out of range in UTC
    "o13,5,JPY,2024-03-02T10:00:00z,Shop,completed",  # lower-case z: general path
    "o14,5,JPY,2024-03-02T10:00:00Z,   ,completed",  # blank merchant
    f"o15,5,JPY,2024-03-02T10:00:00Z,{'m' * 257},completed",  # too long
    f"o16,5,JPY,2024-03-02T10:00:00Z, {'m' * 256} ,completed",  # 256 after trimming
    "o1,5,JPY,2024-03-02T11:00:00+01:00,Shop,completed",  # duplicate id
    'o17,5,JPY,2024-03-02T10:00:00Z,"Say ""hi""",completed',  # escaped quote: general path
    "o18,+5,JPY,2024-03-02T10:00:00Z,Shop,completed",  # explicit plus: general path
    "o19,5,JPY,2024-03-02T10:00:00Z,Shop,DONE",
]


def test_odd_shapes_match_the_general_path(monkeypatch):
    text = csv_text(*ODD_AND_EDGE_LINES)
    calls = []
    real = core.validate_record
    monkeypatch.setattr(core, "validate_record", lambda values: calls.append(values) or real(values))
    got = run_csv(text)
    assert len(calls) == 13  # the 7 odd-shaped rows the odd path vouches for skip the general path
    monkeypatch.setattr(core, "FAST_PATH", False)
    ref = run_csv(text)
    assert got[2].text == ref[2].text
    assert [(r.row, r.errors, r.raw) for r in got[1]] == [(r.row, r.errors, r.raw) for r in ref[1]]
    assert {k: (a.count, a.total) for k, a in got[3].aggregates.items()} == {
        k: (a.count, a.total) for k, a in ref[3].aggregates.items()
    }
    assert (got[0].accepted, got[0].rejected) == (ref[0].accepted, ref[0].rejected) == (10, 10)
