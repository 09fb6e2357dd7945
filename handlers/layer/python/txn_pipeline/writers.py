"""S3 output writers with memory bounded by the part size.

``GzipObjectWriter`` compresses text as it arrives and uploads 8 MiB parts
with S3 multipart upload (one ``put_object`` when the whole object is smaller
than one part). Object keys are derived from the job id, and the gzip stream
is deterministic (mtime 0), so a retried step overwrites the same objects
with the same bytes instead of adding new ones. On any error the multipart
upload is aborted; an upload left behind by a crashed invocation is invisible
and removed by the bucket's AbortIncompleteMultipartUpload lifecycle rule.
"""

from __future__ import annotations

import contextlib
import json
import zlib
from typing import Any

from .models import Rejection, curated_key, quarantine_key

PART_SIZE = 8 * 1024 * 1024  # S3 minimum is 5 MiB except for the last part


class GzipObjectWriter:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        *,
        level: int = 6,
        part_size: int | None = None,
        content_type: str = "application/x-ndjson",
    ) -> None:
        self.s3, self.bucket, self.key = s3, bucket, key
        self.part_size = part_size or PART_SIZE
        self.content_type = content_type
        self._z = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        self._buf = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self.bytes_in = 0
        self.bytes_out = 0
        self.closed = False

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.bytes_in += len(data)
        self._buf += self._z.compress(data)
        if len(self._buf) >= self.part_size:
            self._upload_part(bytes(self._buf[: self.part_size]))
            del self._buf[: self.part_size]

    def _upload_part(self, body: bytes) -> None:
        if self._upload_id is None:
            resp = self.s3.create_multipart_upload(
                Bucket=self.bucket, Key=self.key, ContentType=self.content_type, ContentEncoding="gzip"
            )
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
        self._buf += self._z.flush()
        body = bytes(self._buf)
        self._buf.clear()
        if self._upload_id is None:
            self.s3.put_object(
                Bucket=self.bucket, Key=self.key, Body=body,
                ContentType=self.content_type, ContentEncoding="gzip",
            )  # fmt: skip
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


class QuarantineWriter:
    """Rejected rows as JSON lines (row, field, reason, all errors, raw values) in
    ``quarantine/<job_id>/rejected.jsonl.gz``; the object exists only if a row was rejected."""

    def __init__(self, s3: Any, bucket: str, job_id: str, *, part_size: int | None = None) -> None:
        self.key = quarantine_key(job_id)
        self._w = GzipObjectWriter(s3, bucket, self.key, part_size=part_size)
        self._lines: list[str] = []
        self.count = 0

    def __call__(self, rejection: Rejection) -> None:
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


class CuratedWriter:
    """One gzip JSON-lines object per UTC day: ``curated/date=YYYY-MM-DD/<job_id>.jsonl.gz``.

    Memory: at most one part buffer (<= ``part_size`` compressed bytes) plus a
    zlib stream per day present in the file.
    """

    def __init__(self, s3: Any, bucket: str, job_id: str, *, level: int = 1, part_size: int | None = None) -> None:
        self.s3, self.bucket, self.job_id = s3, bucket, job_id
        self.level = level
        self.part_size = part_size
        self.writers: dict[str, GzipObjectWriter] = {}

    def write(self, day: str, text: str) -> None:
        w = self.writers.get(day)
        if w is None:
            w = self.writers[day] = GzipObjectWriter(
                self.s3, self.bucket, curated_key(day, self.job_id), level=self.level, part_size=self.part_size
            )
        w.write(text)

    def close(self) -> list[str]:
        return [self.writers[day].close() for day in sorted(self.writers)]

    def abort(self) -> None:
        for w in self.writers.values():
            w.abort()
