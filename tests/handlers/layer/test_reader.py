"""Unit: sniffing and streaming decode."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest
from txn_pipeline.errors import InvalidFileError
from txn_pipeline.reader import SNIFF_BYTES, FileFormat, open_text, sniff

from tests.handlers.conftest import HEADER, csv_text, good_row


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (HEADER.encode(), FileFormat("csv", "none", tuple(HEADER.strip().split(",")))),
        (b"\xef\xbb\xbf" + HEADER.upper().encode(), FileFormat("csv", "none", tuple(HEADER.strip().split(",")))),
        (b'{"a": 1}\n', FileFormat("jsonl", "none")),
        (gzip.compress(b'  {"a": 1}\n'), FileFormat("jsonl", "gzip")),
    ],
)
def test_sniff_recognises(head, expected):
    assert sniff(head, complete=True) == expected


@pytest.mark.parametrize(
    ("head", "complete", "message"),
    [
        (b"", True, "empty file"),
        (b"PK\x03\x04rest", True, "unsupported binary file (zip)"),
        (b"%PDF-1.7", True, "unsupported binary file (pdf)"),
        (b"a\x00b", True, "binary file (contains NUL bytes)"),
        (b"\x01\x02\x03" * 40, True, "binary file (control characters)"),
        (b"x" * SNIFF_BYTES, False, "no line break in the first 64 KiB"),
        (b"[1, 2]\n", True, "CSV header is missing"),
        (b'{"a": [1, 2\n', True, "first line is not valid JSON"),
        (b"[]\n", True, "CSV header is missing"),
        (gzip.compress(b"data")[:12], True, "corrupt gzip data: truncated"),
    ],
)
def test_sniff_rejects(head, complete, message):
    with pytest.raises(InvalidFileError) as info:
        sniff(head, complete=complete)
    assert str(info.value).startswith(message)


def test_sniff_tolerates_a_character_cut_by_the_window():
    head = (HEADER + "x,1.00,USD,2024-03-01T10:00:00Z,Café,completed\n").encode()
    cut = head[: head.index("é".encode()) + 1]
    assert sniff(cut, complete=False).format == "csv"


def test_streaming_multi_member_gzip_and_hash():
    a = gzip.compress(csv_text(good_row(1)).encode())
    b = gzip.compress((good_row(2) + "\n").encode())
    raw = a + b
    text, tap = open_text(io.BytesIO(raw), FileFormat("csv", "gzip"))
    assert text.read() == csv_text(good_row(1), good_row(2))
    assert tap.bytes_read == len(raw) and tap.sha256.hexdigest() == hashlib.sha256(raw).hexdigest()


def test_streaming_truncated_gzip_is_invalid():
    raw = gzip.compress(csv_text(*(good_row(i) for i in range(2000))).encode())
    text, _ = open_text(io.BytesIO(raw[: len(raw) // 2]), FileFormat("csv", "gzip"))
    with pytest.raises(InvalidFileError, match="truncated gzip data"):
        text.read()


def test_invalid_utf8_bytes_survive_as_surrogates():
    text, _ = open_text(io.BytesIO(b"caf\xe9\n"), FileFormat("csv", "none"))
    assert text.read() == "caf\udce9\n"
