"""GetObject of a version with a Range header returns the whole version.

MiniStack 1.5.33, ``ministack.services.s3._get_object`` honours ``Range`` (206 with ``Content-Range``)
only on the current object; with ``versionId`` it answers 200 with every byte of the version, and with
the whole-object checksum headers. AWS returns the range for a version too. The large-object path
reads byte ranges of the object version ingest registered (the planner's 64 KiB windows, each range
step's bytes): without this, a range step gets the whole object and fails its length check. The
wrapper slices a 200 answer to a versioned ranged read as AWS does (206, ``Content-Range``, no
whole-object checksum: boto3 would check it against the slice).
"""

from __future__ import annotations

from typing import Any

from ..wrap import wrap


def install() -> None:
    from ministack.services import s3

    @wrap(
        s3,
        "_get_object",
        "GetObject with both versionId and a Range header returned the whole version (200); AWS returns the "
        "range (206 with Content-Range), which the planning and range steps of a large object read",
    )
    def _get_object(original: Any, bucket_name: str, key: str, headers: Any, query_params: Any = None) -> Any:
        status, out_headers, body = original(bucket_name, key, headers, query_params)
        wanted = (headers or {}).get("range", "")
        if status != 200 or not wanted or not s3._qp(query_params or {}, "versionId", ""):
            return status, out_headers, body
        span = s3._parse_range(wanted, len(body))
        if span is None:
            return status, out_headers, body
        start, end = span
        sliced = {k: v for k, v in out_headers.items() if not k.lower().startswith("x-amz-checksum-")}
        sliced.update({"Content-Length": str(end - start + 1), "Content-Range": f"bytes {start}-{end}/{len(body)}"})
        return 206, sliced, body[start : end + 1]


def still_needed() -> bool:
    """Put two versions of an object in a versioned bucket; does a ranged GET of the first by id answer 200?"""
    from ministack.services import s3

    bucket, key = "harness-probe-ranges", "raw/probe.csv"
    for answer in (
        s3._create_bucket(bucket, b"", {}),
        s3._put_bucket_versioning(
            bucket, b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<Status>Enabled</Status></VersioningConfiguration>",
        ),
    ):  # fmt: skip
        if answer[0] not in (200, 204):
            raise RuntimeError(f"S3 answered {answer[0]}: {answer[2]!r}")
    status, headers, _ = s3._put_object(bucket, key, b"0123456789", {})
    if status != 200:
        raise RuntimeError(f"PutObject answered {status}")
    version = {k.lower(): v for k, v in headers.items()}["x-amz-version-id"]
    s3._put_object(bucket, key, b"abcdefghij", {})
    status, _, body = s3._get_object(bucket, key, {"range": "bytes=2-4"}, {"versionId": [version]})
    if status not in (200, 206):
        raise RuntimeError(f"GetObject answered {status}: {body!r}")
    return status == 200 or bytes(body) != b"234"
