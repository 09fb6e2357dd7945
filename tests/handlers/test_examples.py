"""Unit: the example files under examples/data behave as documented."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from txn_pipeline.core import RowProcessor, process_text
from txn_pipeline.errors import InvalidFileError
from txn_pipeline.reader import open_text, sniff

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"


def run(name: str):
    raw = (DATA / name).read_bytes()
    fmt = sniff(raw[:65536], complete=len(raw) <= 65536)
    text, _ = open_text(io.BytesIO(raw), fmt)
    return fmt, process_text(fmt.format, text, RowProcessor())


@pytest.mark.parametrize(
    ("name", "fmt", "rows", "rejected"),
    [
        ("clean.csv", ("csv", "none"), 50, 0),
        ("bad_rows.csv", ("csv", "none"), 200, 33),
        ("transactions.jsonl.gz", ("jsonl", "gzip"), 40, 2),
    ],
)
def test_usable_examples(name, fmt, rows, rejected):
    f, counts = run(name)
    assert (f.format, f.compression) == fmt
    assert (counts.rows_read, counts.rejected, counts.accepted) == (rows, rejected, rows - rejected)


@pytest.mark.parametrize(
    ("name", "message"),
    [("empty.csv", "empty file"), ("garbage.bin", "binary file"), ("wrong_header.csv", "CSV header is missing")],
)
def test_unusable_examples(name, message):
    with pytest.raises(InvalidFileError, match=message):
        run(name)
