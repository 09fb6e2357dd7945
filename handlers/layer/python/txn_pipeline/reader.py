"""Format sniffing, and streaming an S3 object to the function's ephemeral storage.

Nothing here holds a whole object in memory: bodies are wrapped in raw IO classes that pull
fixed-size blocks, hash them (SHA-256 of the stored bytes), optionally gunzip them block by
block, and :func:`spool` writes the text to a local file the engine reads. Blank lines of a CSV
are replaced by a marker line on the way (:data:`BLANK_MARK`): the engine's CSV reader skips
blank lines but still counts them in its line numbers, and a marked line shows up among its
rejects, so every row number stays exact.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from .errors import FileTooLargeError, InvalidFileError
from .models import REQUIRED_FIELDS

SNIFF_BYTES = 64 * 1024
READ_BLOCK = 256 * 1024
TEXT_BUFFER = 1 << 20
SPOOL_BLOCK = 1 << 20
#: what a blank CSV line becomes in the spooled file (a line no real feed holds)
BLANK_MARK = "\x1fblank line\x1f"

_MAGIC = {
    b"PK\x03\x04": "zip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"(\xb5/\xfd": "zstd",
    b"7z\xbc\xaf": "7z",
    b"%PDF": "pdf",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"PAR1": "parquet",
    b"\x7fELF": "executable",
}


@dataclass(frozen=True, slots=True)
class FileFormat:
    format: str  # "csv" | "jsonl"
    compression: str  # "gzip" | "none"
    columns: tuple[str, ...] = ()


class Readable(Protocol):
    def read(self, amt: int = ..., /) -> bytes: ...


def sniff(head: bytes, *, complete: bool) -> FileFormat:
    """Decide format and compression from the first bytes of an object.

    ``complete`` says ``head`` is the whole object. Raises
    :class:`InvalidFileError` for empty, binary, non-UTF-8 text, or a CSV
    header without the required columns.
    """
    if not head:
        raise InvalidFileError("empty file")
    compression = "none"
    data = head
    if head[:2] == b"\x1f\x8b":
        compression = "gzip"
        d = zlib.decompressobj(zlib.MAX_WBITS | 32)
        try:
            data = d.decompress(head, SNIFF_BYTES)
        except zlib.error as exc:
            raise InvalidFileError(f"corrupt gzip data: {exc}") from exc
        if complete and not d.eof and not d.unconsumed_tail:
            raise InvalidFileError("corrupt gzip data: truncated")
        if not data and complete:
            raise InvalidFileError("empty file (gzip with no content)")
    else:
        for magic, name in _MAGIC.items():
            if head.startswith(magic):
                raise InvalidFileError(f"unsupported binary file ({name})")
    if b"\x00" in data:
        raise InvalidFileError("binary file (contains NUL bytes)")
    # single bad bytes belong to rows (rejected one by one); many mean "not text"
    text = data.decode("utf-8", "surrogateescape")
    invalid = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    if invalid > len(data) // 100 + 2:
        raise InvalidFileError(f"not UTF-8 text ({invalid} invalid bytes in the first {len(data)})")
    text = text.removeprefix("\ufeff")
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    if controls > max(8, len(text) // 100):
        raise InvalidFileError("binary file (control characters)")
    if not text.strip():
        raise InvalidFileError("empty file")
    first = text.lstrip()
    if first.startswith("{"):
        line = first.split("\n", 1)[0]
        if "\n" not in first and not complete and len(data) >= SNIFF_BYTES:
            raise InvalidFileError("first JSON line longer than 64 KiB")
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InvalidFileError(f"first line is not valid JSON: {exc}") from exc
        if not isinstance(obj, dict):
            raise InvalidFileError("first line is not a JSON object")
        return FileFormat("jsonl", compression)
    header = text.split("\n", 1)[0]
    if "\n" not in text and not complete and len(data) >= SNIFF_BYTES:
        raise InvalidFileError("no line break in the first 64 KiB: not a CSV file")
    columns = parse_header(header)
    return FileFormat("csv", compression, tuple(columns))


class HashingReader(io.RawIOBase):
    """Raw reader over a ``read(n)`` source that hashes and counts what passes through."""

    def __init__(self, source: Readable) -> None:
        self._src = source
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0
        self.observer: Callable[[int], None] | None = None  # called with bytes_read after every read

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._src.read(len(b))
        n = len(data)
        b[:n] = data
        self.sha256.update(data)
        self.bytes_read += n
        if self.observer is not None:
            self.observer(self.bytes_read)
        return n


class GunzipReader(io.RawIOBase):
    """Streaming gunzip (multi-member aware) with output bounded by the caller's buffer."""

    def __init__(self, source: BinaryIO | io.RawIOBase) -> None:
        self._src = source
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._pending = b""
        self._in_member = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(b)
        while True:
            if self._d.unconsumed_tail:
                data = self._d.unconsumed_tail
            elif self._pending:
                data, self._pending = self._pending, b""
            else:
                data = self._src.read(READ_BLOCK)
                if not data:
                    if self._in_member:
                        raise InvalidFileError("truncated gzip data")
                    return 0
            self._in_member = True
            try:
                out = self._d.decompress(data, size)
            except zlib.error as exc:
                raise InvalidFileError(f"corrupt gzip data: {exc}") from exc
            if self._d.eof:
                rest = self._d.unused_data
                self._d = zlib.decompressobj(zlib.MAX_WBITS | 16)
                self._in_member = False
                self._pending = rest if rest.strip(b"\x00") else b""  # zero padding after the last member
            if out:
                n = len(out)
                b[:n] = out
                return n


def parse_header(line: str) -> list[str]:
    """Column names from the CSV header line (BOM and case/space tolerant)."""
    line = line.removeprefix("\ufeff")
    try:
        cols = next(csv.reader([line.rstrip("\r\n")]), [])
    except csv.Error as exc:
        raise InvalidFileError(f"unreadable CSV header: {exc}") from exc
    names = [c.strip().lower() for c in cols]
    missing = [f for f in REQUIRED_FIELDS if f not in names]
    if missing:
        raise InvalidFileError(f"CSV header is missing required columns: {', '.join(missing)}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes or "" in names:
        raise InvalidFileError(f"CSV header has duplicate or empty column names: {dupes or ['']}")
    return names


def open_raw(source: Readable, fmt: FileFormat) -> tuple[io.RawIOBase, HashingReader]:
    """Decompressed byte stream over ``source`` plus the hashing tap on the stored bytes."""
    tap = HashingReader(source)
    raw: io.RawIOBase = tap
    if fmt.compression == "gzip":
        raw = GunzipReader(io.BufferedReader(tap, READ_BLOCK))
    return raw, tap


class BlankLineMarker:
    """Replaces each blank line of a byte stream fed in blocks with :data:`BLANK_MARK`."""

    _MARK = BLANK_MARK.encode()

    def __init__(self) -> None:
        self._held = b""

    def feed(self, data: bytes) -> bytes:
        out = self._mark(self._held + data)
        # a block ending in a line break may end a line the next block leaves blank: hold it back
        keep = 2 if out.endswith(b"\n\r") else 1 if out.endswith(b"\n") else 0
        out, self._held = out[: len(out) - keep], out[len(out) - keep :]
        return out

    def flush(self) -> bytes:
        data, self._held = self._held, b""
        return self._mark(data)

    def _mark(self, data: bytes) -> bytes:
        for blank, marked in ((b"\n\n", b"\n" + self._MARK + b"\n"), (b"\n\r\n", b"\n" + self._MARK + b"\r\n")):
            while blank in data:
                data = data.replace(blank, marked)
        return data


@dataclass(frozen=True, slots=True)
class Spooled:
    path: Path
    text_bytes: int  # bytes written (decompressed, with markers)


def spool(raw: io.RawIOBase, fmt: FileFormat, dest: Path, *, max_bytes: int | None = None) -> Spooled:
    """Copy the decompressed stream ``raw`` to ``dest`` (CSV blank lines marked); a text larger than
    ``max_bytes`` fails with :class:`FileTooLargeError` before the disk fills up."""
    marker = BlankLineMarker() if fmt.format == "csv" else None
    written = 0
    with dest.open("wb") as out:
        while True:
            block = raw.read(SPOOL_BLOCK)
            if not block:
                break
            if marker is not None:
                block = marker.feed(block)
            written += len(block)
            if max_bytes is not None and written > max_bytes:
                raise FileTooLargeError(
                    f"the decompressed file is larger than the {max_bytes / 2**20:,.0f} MiB of ephemeral "
                    "storage this function can give it; split the file or raise the function's ephemeral_storage"
                )
            out.write(block)
        if marker is not None:
            tail = marker.flush()
            written += len(tail)
            out.write(tail)
    return Spooled(dest, written)
