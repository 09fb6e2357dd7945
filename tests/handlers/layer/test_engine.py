"""Unit: the engine over spooled files (CSV through DuckDB's reader and the Python records path,
JSON Lines), exact outcomes: counts, rejects with row, field and reason, curated Parquet, totals."""

from __future__ import annotations

import io
import json

import duckdb
import pytest
from txn_pipeline import engine
from txn_pipeline.errors import InvalidFileError

from tests.handlers.conftest import HEADER, csv_text, good_row
from tests.handlers.conftest import run_engine as run_file

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
    (
        "tx-1,1.00,USD,2024-03-01T10:00:00Z,Shop,done",
        "status",
        "not one of completed, failed, pending, refunded, reversed",
    ),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Shop,", "status", "required"),
    (",1.00,USD,2024-03-01T10:00:00Z,Shop,completed", "transaction_id", "required"),
    (
        "tx 1,1.00,USD,2024-03-01T10:00:00Z,Shop,completed",
        "transaction_id",
        "only letters, digits and _ . : - are allowed",
    ),
    ("tx-1,1.00,USD", "*", "expected 6 fields, got 3"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Shop,completed,extra", "*", "expected 6 fields, got 7"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Caf\udce9,completed", "merchant", "not valid UTF-8"),
    ("tx-1,1.00,USD,2024-03-01T10:00:00Z,Sh\x07op,completed", "merchant", "contains control characters"),
]


@pytest.mark.parametrize(("line", "field", "reason"), MALFORMED)
def test_each_malformed_row_is_rejected_with_field_and_reason(tmp_path, line, field, reason):
    r = run_file(tmp_path, csv_text(good_row(0), line, good_row(2)))
    assert r.triple() == (3, 2, 1)
    assert r.outcomes() == [(2, field, reason)]
    assert [row["transaction_id"] for row in r.rows] == ["tx-000000", "tx-000002"]


def test_all_errors_of_a_row_are_reported_in_field_order(tmp_path):
    r = run_file(tmp_path, csv_text("tx 1,1.001,usd,nope,  ,DONE"))
    assert list(r.rejects[0].errors) == [
        ("transaction_id", "only letters, digits and _ . : - are allowed"),
        ("amount", "more than 2 decimal places for this currency"),
        ("timestamp", "not an ISO 8601 timestamp"),
        ("merchant", "required"),
        ("status", "not one of completed, failed, pending, refunded, reversed"),
    ]
    assert r.rejects[0].raw == {
        "transaction_id": "tx 1", "amount": "1.001", "currency": "usd",
        "timestamp": "nope", "merchant": "  ", "status": "DONE",
    }  # fmt: skip
    assert r.rejects[0].to_json_obj() == {
        "row": 1, "field": "transaction_id", "reason": "only letters, digits and _ . : - are allowed",
        "errors": [{"field": f, "reason": x} for f, x in r.rejects[0].errors], "raw": r.rejects[0].raw,
    }  # fmt: skip


def test_duplicates_first_valid_occurrence_wins_across_reader_and_python_records(tmp_path):
    text = csv_text(
        good_row(1),
        good_row(1),  # duplicate of a reader row
        'tx-000002,1.0,usd,2024-03-02T10:00:00+00:00,"Sh"op,completed',  # the reader rejects the quote, Python reads it
        good_row(2),  # reader row, duplicate of a Python row
        "tx-000003,bad,USD,2024-03-02T10:00:00Z,Shop,completed",  # invalid: does not claim the id
        good_row(3),
    )
    r = run_file(tmp_path, text)
    assert r.triple() == (6, 3, 3)
    assert r.outcomes() == [
        (2, "transaction_id", engine.DUPLICATE_REASON),
        (4, "transaction_id", engine.DUPLICATE_REASON),
        (5, "amount", "not a decimal number"),
    ]
    assert r.rejects[0].raw["transaction_id"] == "tx-000001"
    assert [(row["transaction_id"], row["merchant"]) for row in r.rows] == [
        ("tx-000001", "Shop 1"), ("tx-000002", "Shop"), ("tx-000003", "Shop 3"),  # Python's reading of "Sh"op
    ]  # fmt: skip


def test_curated_values_are_typed_and_normalised(tmp_path):
    r = run_file(tmp_path, csv_text("t1,007.5,usd,2024-03-01T11:00:00.120+01:00, Acme ,completed",
                                    "t2,5,JPY,2024-03-01T10:00:00Z,Shop,pending"))  # fmt: skip
    assert r.rows == [
        {"transaction_id": "t1", "amount": "7.5000", "currency": "USD", "timestamp": "2024-03-01T10:00:00.120000Z",
         "merchant": "Acme", "status": "completed", "extra": None},
        {"transaction_id": "t2", "amount": "5.0000", "currency": "JPY", "timestamp": "2024-03-01T10:00:00.000000Z",
         "merchant": "Shop", "status": "pending", "extra": None},
    ]  # fmt: skip
    (path,) = r.result.curated["2024-03-01"]
    schema = {name: t for name, t in duckdb.execute(f"SELECT name, type FROM parquet_schema('{path}')").fetchall()}
    assert {k: schema[k] for k in ("amount", "timestamp")} == {"amount": "FIXED_LEN_BYTE_ARRAY", "timestamp": "INT64"}
    logical = duckdb.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}', hive_partitioning = false)").fetchall()
    assert [(c[0], c[1]) for c in logical] == [(n, t) for n, t in engine.CURATED_COLUMNS]


def test_quoted_fields_commas_quotes_and_line_breaks(tmp_path):
    text = csv_text(
        'q1,1.00,USD,2024-03-01T10:00:00Z,"Acme, Inc.",completed',
        'q2,1.00,USD,2024-03-01T10:00:00Z,"Say ""hi""",completed',
        'q3,1.00,USD,2024-03-01T10:00:00Z,"two\nlines",completed',
        good_row(4),
    )
    r = run_file(tmp_path, text)
    assert r.triple() == (4, 3, 1)
    assert r.outcomes() == [(3, "merchant", "contains control characters")]
    assert [row["merchant"] for row in r.rows] == ["Acme, Inc.", 'Say "hi"', "Shop 4"]


def test_blank_lines_crlf_bom_and_missing_final_newline(tmp_path):
    text = "\ufeff" + HEADER.replace("\n", "\r\n") + good_row(1) + "\r\n\r\n" + good_row(2)
    r = run_file(tmp_path, text)
    assert r.triple() == (2, 2, 0)
    assert [row["transaction_id"] for row in r.rows] == ["tx-000001", "tx-000002"]


def test_row_numbers_stay_exact_around_blank_lines_and_reader_rejects(tmp_path):
    text = (
        HEADER
        + "\n\n"
        + good_row(1)
        + "\n"
        + "bad,1\n\n"
        + "x,1.001,USD,2024-03-01T10:00:00Z,S,completed\n"
        + 'q,1.00,USD,2024-03-01T10:00:00Z,"multi\nline",completed\n'
        + "\n"
        + good_row(1)
        + "\nshort\n"
        + "y,bad,USD,2024-03-01T10:00:00Z,S,completed\n\n\n"
    )
    r = run_file(tmp_path, text)
    assert r.triple() == (7, 1, 6)
    assert r.outcomes() == [
        (2, "*", "expected 6 fields, got 2"),
        (3, "amount", "more than 2 decimal places for this currency"),
        (4, "merchant", "contains control characters"),
        (5, "transaction_id", engine.DUPLICATE_REASON),
        (6, "*", "expected 6 fields, got 1"),
        (7, "amount", "not a decimal number"),
    ]


def test_a_file_the_strict_reader_refuses_goes_through_python_with_the_same_results(tmp_path):
    lines = [
        good_row(1),
        "t2,1.00,USD,2024-03-01T10:00:00Z,Sh\rop,completed",
        "t3,bad,USD,2024-03-01T10:00:00Z,S,completed",
    ]
    mixed = HEADER + good_row(0) + "\r\n" + "\n".join(lines) + "\n"  # mixed line endings and a bare CR
    r = run_file(tmp_path, mixed)
    assert r.triple() == (5, 2, 3)
    assert r.outcomes() == [
        (3, "*", "expected 6 fields, got 5"),  # Python's csv module ends a record at a bare CR
        (4, "*", "expected 6 fields, got 2"),
        (5, "amount", "not a decimal number"),
    ]


def test_columns_in_any_order_with_extras(tmp_path):
    header = "Status,merchant,region,timestamp,currency,amount,transaction_id\n"
    text = (
        header
        + 'completed,Acme,EU,2024-03-01T10:00:00Z,EUR,5.00,x1\npending, Acme ,"E,U",2024-03-01T10:00:00Z,EUR,5,x2\n'
    )
    r = run_file(tmp_path, text)
    assert r.triple() == (2, 2, 0)
    assert r.rows[0] == {
        "transaction_id": "x1", "amount": "5.0000", "currency": "EUR", "timestamp": "2024-03-01T10:00:00.000000Z",
        "merchant": "Acme", "status": "completed", "extra": {"region": "EU"},
    }  # fmt: skip
    assert r.rows[1]["extra"] == {"region": "E,U"} and r.rows[1]["merchant"] == "Acme"
    bad = run_file(tmp_path / "bad", header + "completed,Acme,EU,2024-03-01T10:00:00Z,EUR,5.001,x1\n")
    assert bad.rejects[0].raw == {
        "status": "completed", "merchant": "Acme", "region": "EU", "timestamp": "2024-03-01T10:00:00Z",
        "currency": "EUR", "amount": "5.001", "transaction_id": "x1",
    }  # fmt: skip


def test_29_february_and_negative_zero(tmp_path):
    r = run_file(
        tmp_path, csv_text("a,1.00,USD,2024-02-29T10:00:00Z,S,completed", "b,-0.00,USD,2024-03-01T10:00:00Z,S,refunded")
    )
    assert r.counts.accepted == 2 and [row["amount"] for row in r.rows] == ["1.0000", "0.0000"]


def test_aggregates_are_exact_per_day_and_currency(tmp_path):
    r = run_file(tmp_path, csv_text(
        "a,0.10,USD,2024-03-01T10:00:00Z,S,completed",
        "b,0.20,USD,2024-03-01T23:59:59Z,S,completed",
        "c,5,JPY,2024-03-01T10:00:00Z,S,completed",
        "d,1.005,BHD,2024-03-01T10:00:00Z,S,completed",
        "e,-0.30,USD,2024-03-02T00:00:00Z,S,refunded",
        "f,0.30,USD,2024-03-02T00:30:00+01:00,S,completed",  # 2024-03-01 in UTC
    ))  # fmt: skip
    assert r.result.aggregates == {
        ("2024-03-01", "USD"): (3, "0.60"),
        ("2024-03-01", "JPY"): (1, "5"),
        ("2024-03-01", "BHD"): (1, "1.005"),
        ("2024-03-02", "USD"): (1, "-0.30"),
    }


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "empty file"),
        (
            "a,b,c\n",
            "CSV header is missing required columns: transaction_id, amount, currency, timestamp, merchant, status",
        ),
        ("transaction_id,amount,currency,timestamp,merchant,status,amount\n", "duplicate or empty column names"),
    ],
)
def test_unusable_header_fails_the_file(tmp_path, header, message):
    with pytest.raises(InvalidFileError, match=message.replace("(", r"\(")):
        run_file(tmp_path, header)


def test_header_only_file_has_zero_rows(tmp_path):
    r = run_file(tmp_path, HEADER)
    assert r.triple() == (0, 0, 0) and r.rows == [] and r.result.curated == {}


def test_jsonl_rows(tmp_path):
    lines = [
        '{"transaction_id":"j1","amount":12.5,"currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed","x":1}',
        '{"transaction_id":"j2","amount":"1e3","currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed"}',
        "",
        "not json",
        "[1,2]",
        '{"transaction_id":"j3","amount":1,"currency":"EUR","timestamp":null,"merchant":true,"status":"completed"}',
        '{"transaction_id":"j1","amount":"1.00","currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed"}',
        '{"transaction_id":"j4","amount":"1.100","currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed"}',
        '{"transaction_id":"j5","amount":1.10,"currency":"EUR","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed","k":[1,"x"]}',
    ]
    r = run_file(tmp_path, "\n".join(lines), fmt="jsonl")
    assert r.triple() == (8, 2, 6)
    assert r.outcomes() == [
        (2, "amount", "not a decimal number"),
        (3, "*", "not valid JSON: Expecting value"),
        (4, "*", "not a JSON object"),
        (5, "timestamp", "required"),
        (6, "transaction_id", engine.DUPLICATE_REASON),
        (7, "amount", "more than 2 decimal places for this currency"),  # numbers keep their literal text
    ]
    assert r.rejects[3].errors[1] == ("merchant", "must be a string")
    assert r.rejects[2].raw == "[1,2]" and r.rejects[3].raw["merchant"] == "true"
    assert [(row["transaction_id"], row["amount"], row["extra"]) for row in r.rows] == [
        ("j1", "12.5000", {"x": "1"}),
        ("j5", "1.1000", {"k": '[1, "x"]'}),
    ]


def test_jsonl_extra_with_invalid_utf8_is_rejected(tmp_path):
    data = b'{"transaction_id":"j1","amount":"1","currency":"JPY","timestamp":"2024-03-01T10:00:00Z","merchant":"M","status":"completed","note":"caf\xe9"}\n'  # noqa: E501
    r = run_file(tmp_path, data, fmt="jsonl")
    assert r.outcomes() == [(1, "extra", "not valid UTF-8")]
    assert r.rejects[0].raw["note"] == "caf\udce9"


def test_two_threads_and_a_small_memory_limit_change_no_outcome(tmp_path):
    from tools import datagen

    buf = io.BytesIO()
    datagen.generate(buf, rows=30_000, seed=3, bad_ratio=0.05)
    one = run_file(tmp_path / "one", buf.getvalue(), limits=engine.Limits(threads=1))
    two = run_file(tmp_path / "two", buf.getvalue(), limits=engine.Limits(
        threads=2, memory_mb=64, temp_dir=tmp_path / "spill", max_temp_mb=512))  # fmt: skip
    assert one.triple() == two.triple() and one.counts.rejected > 1000
    assert [(r.row, r.errors, r.raw) for r in one.rejects] == [(r.row, r.errors, r.raw) for r in two.rejects]
    assert one.rows == two.rows and one.result.aggregates == two.result.aggregates


def test_rejects_come_in_row_order_with_json_ready_records(tmp_path):
    r = run_file(tmp_path, csv_text("a,x,USD,2024-03-01T10:00:00Z,S,completed", "short", good_row(3)))
    assert [json.loads(json.dumps(x.to_json_obj()))["row"] for x in r.rejects] == [1, 2]


def test_consumed_input_is_deleted_after_loading_and_its_space_goes_to_the_spill(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(csv_text(good_row(1), "short", good_row(2)))
    size = path.stat().st_size
    rejects: list[engine.Rejected] = []
    limits = engine.Limits(temp_dir=tmp_path / "spill", max_temp_mb=100)
    with engine.Engine(limits) as e:
        e.load_csv(path)
        e.release(path)
        assert not path.exists() and e.limits.max_temp_mb == 100 + size // 2**20
        (cap,) = e.con.execute("SELECT current_setting('max_temp_directory_size')").fetchone()
        assert cap == "95.3 MiB"  # 100 MB (+ the tiny input), as DuckDB prints it
        e.dedupe()
        e.rejects(rejects.append)
        assert e.counts().rows_read == 3
    assert [(r.row, r.errors[0][1]) for r in rejects] == [(2, "expected 6 fields, got 1")]
