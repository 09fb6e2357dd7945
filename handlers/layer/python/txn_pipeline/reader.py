"""Format sniffing and streaming decoding of S3 objects.

Nothing here reads a whole object: bodies are wrapped in raw IO classes that
pull fixed-size blocks, optionally gunzip them block by block, and feed a
``TextIOWrapper`` (UTF-8, invalid bytes kept as lone surrogates so the row
holding them is rejected instead of the whole file failing).
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from .core import parse_header
from .errors import InvalidFileError

SNIFF_BYTES = 64 * 1024
READ_BLOCK = 256 * 1024
TEXT_BUFFER = 1 << 20

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


def open_text(source: Readable, fmt: FileFormat) -> tuple[io.TextIOWrapper, HashingReader]:
    """Text stream over ``source`` (decompressed as needed) plus the hashing tap on the raw bytes."""
    tap = HashingReader(source)
    raw: io.RawIOBase = tap
    if fmt.compression == "gzip":
        raw = GunzipReader(io.BufferedReader(tap, READ_BLOCK))
    buffered = io.BufferedReader(raw, TEXT_BUFFER)
    newline = "" if fmt.format == "csv" else "\n"
    text = io.TextIOWrapper(buffered, encoding="utf-8", errors="surrogateescape", newline=newline)
    return text, tap
