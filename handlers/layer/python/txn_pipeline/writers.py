"""S3 output writers with memory bounded by the part size.

``ObjectWriter`` uploads bytes in 8 MiB parts with S3 multipart upload (one ``put_object`` when
the whole object is smaller than one part); ``GzipObjectWriter`` compresses text on the way.
Object keys are derived from the job id and the gzip stream is deterministic (mtime 0), so a
retried step overwrites the same objects instead of adding new ones. On any error the multipart
upload is aborted; an upload left behind by a crashed invocation is invisible and removed by the
bucket's AbortIncompleteMultipartUpload lifecycle rule.
"""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from .models import curated_key, quarantine_key

PART_SIZE = 8 * 1024 * 1024  # S3 minimum is 5 MiB except for the last part
PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet"


class Quarantinable(Protocol):
    def to_json_obj(self) -> dict[str, object]: ...


class ObjectWriter:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        *,
        part_size: int | None = None,
        content_type: str = "application/octet-stream",
        content_encoding: str | None = None,
    ) -> None:
        self.s3, self.bucket, self.key = s3, bucket, key
        self.part_size = part_size or PART_SIZE
        self._headers: dict[str, str] = {"ContentType": content_type}
        if content_encoding:
            self._headers["ContentEncoding"] = content_encoding
        self._buf = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self.bytes_out = 0
        self.closed = False

    def write(self, data: bytes) -> None:
        self._buf += data
        while len(self._buf) >= self.part_size:
            self._upload_part(bytes(self._buf[: self.part_size]))
            del self._buf[: self.part_size]

    def _upload_part(self, body: bytes) -> None:
        if self._upload_id is None:
            resp = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key, **self._headers)
            self._upload_id = resp["UploadId"]
        number = len(self._parts) + 1
        resp = self.s3.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        self._parts.append({"PartNumber": number, "ETag": resp["ETag"]})
        self.bytes_out += len(body)

    def close(self) -> str:
        """Finish the object; returns its key."""
        if self.closed:
            return self.key
        body = bytes(self._buf)
        self._buf.clear()
        if self._upload_id is None:
            self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=body, **self._headers)
            self.bytes_out += len(body)
        else:
            if body:
                self._upload_part(body)
            self.s3.complete_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )  # fmt: skip
        self.closed = True
        return self.key

    def abort(self) -> None:
        if self._upload_id is not None and not self.closed:
            # best effort: the bucket's lifecycle rule removes abandoned uploads otherwise
            with contextlib.suppress(Exception):
                self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self._upload_id)
        self.closed = True


class GzipObjectWriter:
    """Text compressed as it arrives into an :class:`ObjectWriter`."""

    def __init__(self, s3: Any, bucket: str, key: str, *, level: int = 6, part_size: int | None = None,
                 content_type: str = "application/x-ndjson") -> None:  # fmt: skip
        self.key = key
        self._out = ObjectWriter(s3, bucket, key, part_size=part_size, content_type=content_type,
                                 content_encoding="gzip")  # fmt: skip
        self._z = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        self.bytes_in = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.bytes_in += len(data)
        self._out.write(self._z.compress(data))

    def close(self) -> str:
        if not self._out.closed:
            self._out.write(self._z.flush())
        return self._out.close()

    def abort(self) -> None:
        self._out.abort()


def upload_file(s3: Any, bucket: str, key: str, path: Path, *, content_type: str, part_size: int | None = None) -> str:
    """Stream a local file to ``key`` (multipart beyond one part; aborted on error)."""
    out = ObjectWriter(s3, bucket, key, part_size=part_size, content_type=content_type)
    try:
        with path.open("rb") as src:
            while block := src.read(out.part_size):
                out.write(block)
        return out.close()
    except BaseException:
        out.abort()
        raise


class QuarantineWriter:
    """Rejected rows as JSON lines (row, field, reason, all errors, raw values) in
    ``quarantine/<job_id>/rejected.jsonl.gz``; the object exists only if a row was rejected."""

    def __init__(self, s3: Any, bucket: str, job_id: str, *, part_size: int | None = None) -> None:
        self.key = quarantine_key(job_id)
        self._w = GzipObjectWriter(s3, bucket, self.key, part_size=part_size)
        self._lines: list[str] = []
        self.count = 0

    def __call__(self, rejection: Quarantinable) -> None:
        # ensure_ascii keeps invalid input bytes (lone surrogates) as \udcXX escapes
        self._lines.append(json.dumps(rejection.to_json_obj(), ensure_ascii=True) + "\n")
        self.count += 1
        if len(self._lines) >= 1000:
            self._w.write("".join(self._lines))
            self._lines.clear()

    def close(self) -> str | None:
        if self._lines:
            self._w.write("".join(self._lines))
            self._lines.clear()
        if self.count == 0:
            return None
        return self._w.close()

    def abort(self) -> None:
        self._w.abort()


def upload_curated(s3: Any, bucket: str, job_id: str, files: Mapping[str, list[Path]]) -> list[str]:
    """The engine's Parquet files of each UTC day to ``curated/date=<day>/<job_id>.parquet`` (the engine
    writes one per day; should it write more, the others get ``-1``, ``-2``... in the name)."""
    keys = []
    for day in sorted(files):
        for n, path in enumerate(sorted(files[day])):
            key = curated_key(day, job_id if n == 0 else f"{job_id}-{n}")
            keys.append(upload_file(s3, bucket, key, path, content_type=PARQUET_CONTENT_TYPE))
    return keys
