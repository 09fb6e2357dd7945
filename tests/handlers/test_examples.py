"""Unit: the example files under examples/data behave as documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from txn_pipeline.errors import InvalidFileError
from txn_pipeline.reader import sniff

from tests.handlers.conftest import run_engine

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"


def run(tmp_path: Path, name: str):
    raw = (DATA / name).read_bytes()
    fmt = sniff(raw[:65536], complete=len(raw) <= 65536)
    if fmt.compression == "gzip":
        import gzip

        raw = gzip.decompress(raw)
    return fmt, run_engine(tmp_path, raw, fmt.format)


@pytest.mark.parametrize(
    ("name", "fmt", "rows", "rejected"),
    [
        ("clean.csv", ("csv", "none"), 50, 0),
        ("bad_rows.csv", ("csv", "none"), 200, 33),
        ("transactions.jsonl.gz", ("jsonl", "gzip"), 40, 2),
    ],
)
def test_usable_examples(tmp_path, name, fmt, rows, rejected):
    f, r = run(tmp_path, name)
    assert (f.format, f.compression) == fmt
    assert (r.counts.rows_read, r.counts.rejected, r.counts.accepted) == (rows, rejected, rows - rejected)
    assert len(r.rows) == rows - rejected


@pytest.mark.parametrize(
    ("name", "message"),
    [("empty.csv", "empty file"), ("garbage.bin", "binary file"), ("wrong_header.csv", "CSV header is missing")],
)
def test_unusable_examples(tmp_path, name, message):
    with pytest.raises(InvalidFileError, match=message):
        run(tmp_path, name)
