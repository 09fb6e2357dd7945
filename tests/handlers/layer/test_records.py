"""Unit: what the Python records path parses (CSV records the reader rejected, JSON Lines)."""

from __future__ import annotations

import io

import duckdb
from txn_pipeline import records
from txn_pipeline.models import REQUIRED_FIELDS

COLUMNS = list(REQUIRED_FIELDS)


def test_csv_record_wrong_field_count_keeps_the_raw_line():
    rec = records.csv_record(7, "a,1.00,USD\n", iter(()), COLUMNS)
    assert (rec.row, rec.pre, rec.raw) == (7, {"*": "expected 6 fields, got 3"}, "a,1.00,USD")
    quoted = records.csv_record(1, 'a,"x\n', iter(['y",b\n']), COLUMNS)
    assert (quoted.pre, quoted.raw) == ({"*": "expected 6 fields, got 3"}, "a,x\ny,b")


def test_csv_record_flags_invalid_utf8_per_field_and_cleans_the_value():
    rec = records.csv_record(1, "a,1.00,USD,2024-03-01T10:00:00Z,Caf\udce9,completed\n", iter(()), COLUMNS)
    assert rec.pre == {"merchant": "not valid UTF-8"}
    assert rec.values["merchant"] == "Caf\ufffd" and rec.raw["merchant"] == "Caf\udce9"
    assert rec.values["transaction_id"] == "a" and rec.extra is None


def test_empty_values_are_null_and_non_strings_are_named():
    rec = records.from_values(3, {"transaction_id": "", "amount": records.Number("1.50"), "merchant": True,
                                  "status": None, "note": [records.Number("1"), "x"]}, {})  # fmt: skip
    assert rec.values == {"transaction_id": None, "amount": "1.50", "currency": None, "timestamp": None,
                          "merchant": None, "status": None}  # fmt: skip
    assert rec.pre == {"merchant": "must be a string"}
    assert rec.extra == {"note": '[1, "x"]'}


def test_jsonl_records_numbers_keep_their_text_and_blank_lines_are_not_rows():
    lines = ['{"transaction_id": "j1", "amount": 1.10}\n', "   \n", "{oops\n", "[1]\n"]
    recs = list(records.jsonl_records(lines))
    assert [r.row for r in recs] == [1, 2, 3]
    assert recs[0].values["amount"] == "1.10" and recs[0].raw == {"transaction_id": "j1", "amount": "1.10"}
    assert recs[1].pre == {"*": "not valid JSON: Expecting property name enclosed in double quotes"}
    assert recs[2].pre == {"*": "not a JSON object"} and recs[2].raw == "[1]"


def test_csv_records_skip_blank_and_marked_lines():
    text = io.StringIO("a,1,USD,t,m,s\n\n" + records.BLANK_MARK + "\nb,2\n", newline="")
    recs = list(records.csv_records(text, COLUMNS))
    assert [(r.row, r.pre) for r in recs] == [(1, {}), (2, {"*": "expected 6 fields, got 2"})]


def test_staging_file_reads_back_as_written(tmp_path):
    recs = [
        records.csv_record(1, 'a,1.00,USD,2024-03-01T10:00:00Z,"x, ""y""\nz",completed\n', iter(()), COLUMNS),
        records.structural(2, "not a JSON object", "[1]"),
    ]
    path = tmp_path / "staging.csv"
    with path.open("wb") as out:
        assert records.write_staging(recs, out) == 2
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in records.STAGING_COLUMNS)
    options = "header = true, auto_detect = false, strict_mode = true"
    rows = duckdb.execute(f"SELECT * FROM read_csv('{path}', columns = {{{columns}}}, {options})").fetchall()
    first = dict(zip(records.STAGING_COLUMNS, rows[0], strict=True))
    assert first["merchant"] == 'x, "y"\nz' and first["p_record"] is None and first["row"] == "1"
    second = dict(zip(records.STAGING_COLUMNS, rows[1], strict=True))
    assert (second["p_record"], second["raw"], second["transaction_id"]) == ("not a JSON object", '"[1]"', None)
