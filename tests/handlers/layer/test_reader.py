"""Unit: sniffing, streaming decode and spooling to ephemeral storage."""

from __future__ import annotations

import gzip
import hashlib
import io

import pytest
from txn_pipeline.errors import FileTooLargeError, InvalidFileError
from txn_pipeline.reader import BLANK_MARK, SNIFF_BYTES, BlankLineMarker, FileFormat, open_raw, sniff, spool

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


def read_all(data: bytes, fmt: FileFormat) -> tuple[bytes, object]:
    raw, tap = open_raw(io.BytesIO(data), fmt)
    out = b""
    while block := raw.read(7):  # tiny reads: block boundaries everywhere
        out += block
    return out, tap


def test_streaming_multi_member_gzip_and_hash():
    a = gzip.compress(csv_text(good_row(1)).encode())
    b = gzip.compress((good_row(2) + "\n").encode())
    raw = a + b
    text, tap = read_all(raw, FileFormat("csv", "gzip"))
    assert text.decode() == csv_text(good_row(1), good_row(2))
    assert tap.bytes_read == len(raw) and tap.sha256.hexdigest() == hashlib.sha256(raw).hexdigest()


def test_streaming_truncated_gzip_is_invalid():
    raw = gzip.compress(csv_text(*(good_row(i) for i in range(2000))).encode())
    with pytest.raises(InvalidFileError, match="truncated gzip data"):
        read_all(raw[: len(raw) // 2], FileFormat("csv", "gzip"))


def test_spool_marks_blank_lines_of_a_csv_across_block_boundaries(tmp_path):
    mark = BLANK_MARK.encode()
    text = b"h\n\na\r\n\r\nb\n\n\n" + b"c\n" * 3 + b"\n"
    for size in (1, 2, 3, 5, 1000):
        marker, out = BlankLineMarker(), b""
        for i in range(0, len(text), size):
            out += marker.feed(text[i : i + size])
        out += marker.flush()
        assert out == (b"h\n" + mark + b"\na\r\n" + mark + b"\r\nb\n" + mark + b"\n" + mark + b"\n" + b"c\n" * 3
                       + mark + b"\n"), size  # fmt: skip


def test_spool_writes_the_decompressed_text_and_keeps_jsonl_as_is(tmp_path):
    body = csv_text(good_row(1), good_row(2))
    raw, _ = open_raw(io.BytesIO(gzip.compress(body.encode())), FileFormat("csv", "gzip"))
    spooled = spool(raw, FileFormat("csv", "gzip"), tmp_path / "in.csv")
    assert spooled.path.read_bytes() == body.encode() and spooled.text_bytes == len(body)
    lines = b'{"a": 1}\n\n{"b": 2}\n'
    raw, _ = open_raw(io.BytesIO(lines), FileFormat("jsonl", "none"))
    assert spool(raw, FileFormat("jsonl", "none"), tmp_path / "in.jsonl").path.read_bytes() == lines


def test_spool_stops_before_the_disk_fills(tmp_path):
    raw, _ = open_raw(io.BytesIO(gzip.compress(b"x" * 5_000_000)), FileFormat("csv", "gzip"))
    with pytest.raises(FileTooLargeError, match="larger than the 2 MiB of ephemeral storage"):
        spool(raw, FileFormat("csv", "gzip"), tmp_path / "in.csv", max_bytes=2 * 2**20)


def test_invalid_utf8_bytes_are_spooled_unchanged(tmp_path):
    raw, _ = open_raw(io.BytesIO(b"caf\xe9\n"), FileFormat("csv", "none"))
    assert spool(raw, FileFormat("csv", "none"), tmp_path / "in.csv").path.read_bytes() == b"caf\xe9\n"
