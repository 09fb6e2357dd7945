"""The four steps as plain functions: ``step(event, deps) -> payload``.

Each takes the state-machine payload (a dict with at least bucket, key,
version_id, job_id) and returns it extended with small fields: S3 keys,
counts, format, size, checksum. Never row data. Every step is safe to run
again: outputs are overwritten deterministically and status changes are
conditional; a step whose transition is already recorded returns the
recorded result without redoing the work.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .config import Settings
from .core import RowProcessor, process_text
from .errors import ConsistencyError, IllegalTransitionError, InvalidFileError, PermanentError
from .jobstore import JobStore, utc_now
from .models import (
    ORDER,
    SUMMARY_SK,
    Status,
    day_pk,
    day_sk,
    job_id_for,
    job_pk,
    manifest_key,
)
from .obs import Logger, Metrics, Progress
from .reader import SNIFF_BYTES, FileFormat, HashingReader, open_text, sniff
from .writers import CuratedWriter, QuarantineWriter

MAX_KEYS_IN_PAYLOAD = 100
MAX_KEYS_IN_ITEM = 1000


@dataclass(slots=True)
class Deps:
    s3: Any
    store: JobStore
    settings: Settings
    log: Logger
    metrics: Metrics


@dataclass(frozen=True, slots=True)
class ObjectRef:
    bucket: str
    key: str
    version_id: str
    job_id: str

    def s3_args(self) -> dict[str, str]:
        args = {"Bucket": self.bucket, "Key": self.key}
        if self.version_id != "null":
            args["VersionId"] = self.version_id
        return args

    def payload(self) -> dict[str, str]:
        return {"bucket": self.bucket, "key": self.key, "version_id": self.version_id, "job_id": self.job_id}


def object_ref(event: Mapping[str, Any]) -> ObjectRef:
    """Accepts the state payload, or the raw S3 "Object Created" EventBridge event."""
    if "detail" in event and "bucket" not in event:
        detail = event["detail"]
        event = {
            "bucket": detail["bucket"]["name"],
            "key": detail["object"]["key"],
            "version_id": detail["object"].get("version-id"),
        }
    try:
        bucket, key = str(event["bucket"]), str(event["key"])
    except KeyError as exc:
        raise PermanentError(f"payload is missing {exc.args[0]!r}") from None
    version_id = event.get("version_id") or "null"
    job_id = job_id_for(bucket, key, version_id)
    given = event.get("job_id")
    if given and given != job_id:
        raise PermanentError(f"job_id {given} does not match bucket/key/version ({job_id})")
    return ObjectRef(bucket, key, version_id, job_id)


def _passed(job: Mapping[str, Any], target: Status) -> bool:
    status = job.get("status")
    return status in {s.value for s in ORDER} and ORDER.index(Status(status)) >= ORDER.index(target)


def _require_status(job: Mapping[str, Any], expected: Status, step: str) -> None:
    if job.get("status") != expected.value:
        raise IllegalTransitionError(
            f"{step}: job {job.get('job_id')} is {job.get('status')}, expected {expected.value}"
        )


# --------------------------------------------------------------------------- ingest


def ingest(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Register the job (conditional put; a duplicate event is a no-op) with
    size, format, compression and the S3 checksum (or ETag)."""
    ref = object_ref(event)
    deps.log.bind(job_id=ref.job_id)
    head = deps.s3.head_object(**ref.s3_args(), ChecksumMode="ENABLED")
    size = int(head["ContentLength"])
    etag = str(head.get("ETag", "")).strip('"')
    checksum = next(
        (f"{alg}:{head[f'Checksum{alg}']}" for alg in ("SHA256", "CRC64NVME", "CRC32C", "CRC32", "SHA1")
         if head.get(f"Checksum{alg}")),
        f"ETAG:{etag}",
    )  # fmt: skip
    fmt: FileFormat | None = None
    problem: InvalidFileError | None = None
    if size == 0:
        problem = InvalidFileError("empty file")
    else:
        body = deps.s3.get_object(**ref.s3_args(), Range=f"bytes=0-{SNIFF_BYTES - 1}", IfMatch=head["ETag"])["Body"]
        try:
            head_bytes = body.read()
        finally:
            body.close()
        try:
            fmt = sniff(head_bytes, complete=size <= SNIFF_BYTES)
        except InvalidFileError as exc:
            problem = exc
    fields = {
        "bucket": ref.bucket,
        "key": ref.key,
        "version_id": ref.version_id,
        "size": size,
        "etag": etag,
        "checksum": checksum,
        "format": fmt.format if fmt else "unrecognised",
        "compression": fmt.compression if fmt else "unknown",
    }
    job, created = deps.store.register(ref.job_id, fields)
    deps.metrics.add("JobsRegistered" if created else "DuplicateEvents", 1)
    if not created:
        deps.log.info("duplicate event: job already registered", status=job.get("status"))
    elif problem is not None:
        raise problem
    return {
        **ref.payload(),
        **{k: job.get(k) for k in ("size", "etag", "checksum", "format", "compression")},
        "status": job.get("status"),
        "duplicate": not created,
    }


# --------------------------------------------------------------------------- validate


def _validated_payload(ref: ObjectRef, job: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **ref.payload(),
        **{k: job.get(k) for k in ("format", "compression", "size", "etag", "sha256")},
        "rows_read": job.get("rows_read"),
        "accepted": job.get("accepted"),
        "rejected": job.get("rejected"),
        "quarantine_key": job.get("quarantine_key"),
        "status": job.get("status"),
    }


def _open(deps: Deps, ref: ObjectRef, job: Mapping[str, Any]) -> tuple[Any, Any, Any, FileFormat]:
    fmt = FileFormat(str(job.get("format")), str(job.get("compression")))
    if fmt.format not in ("csv", "jsonl"):
        raise InvalidFileError(f"file format was not recognised at ingest ({fmt.format})")
    args = ref.s3_args()
    if job.get("etag"):
        args["IfMatch"] = f'"{job["etag"]}"'
    body = deps.s3.get_object(**args)["Body"]
    text, tap = open_text(body, fmt)
    return body, text, tap, fmt


def _stream(
    deps: Deps, job: Mapping[str, Any], fmt: FileFormat, text: Any, tap: HashingReader, **options: Any
) -> RowProcessor:
    """Run a row processor over the object's text (``options``: its sinks and table sizing), logging
    "progress" lines while it streams (bytes of the object's size, rate, ETA, rows so far); returns it
    with its final counts and aggregates."""
    proc = RowProcessor(
        chunk_rows=deps.settings.chunk_rows, dedupe_max_bytes=deps.settings.dedupe_max_bytes, **options
    )
    counts = proc.counts
    size = job.get("size")
    tap.observer = Progress(
        deps.log,
        int(size) if size is not None else None,
        every_s=deps.settings.progress_every_s,
        fields=lambda: {"rows_read": counts.rows_read, "rejected": counts.rejected},
    )
    process_text(fmt.format, text, proc)
    return proc


def validate(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Stream the object once: count rows, quarantine rejects, record counts and SHA-256."""
    ref = object_ref(event)
    deps.log.bind(job_id=ref.job_id)
    job = deps.store.require(ref.job_id)
    if _passed(job, Status.VALIDATED):
        deps.log.info("already validated", status=job.get("status"))
        return _validated_payload(ref, job)
    _require_status(job, Status.INGESTED, "validate")
    body, text, tap, fmt = _open(deps, ref, job)
    quarantine = QuarantineWriter(deps.s3, deps.settings.data_bucket, ref.job_id)
    try:
        size = job.get("size") if fmt.compression == "none" else None
        counts = _stream(
            deps, job, fmt, text, tap, on_reject=quarantine, size_hint=int(size) if size is not None else None
        ).counts
        qkey = quarantine.close()
    except BaseException:
        quarantine.abort()
        raise
    finally:
        body.close()
    if job.get("size") is not None and tap.bytes_read != int(job["size"]):
        raise ConsistencyError(f"read {tap.bytes_read} bytes, object size is {job['size']}")
    fields = {
        "rows_read": counts.rows_read,
        "accepted": counts.accepted,
        "rejected": counts.rejected,
        "quarantine_key": qkey,
        "rejected_by_reason": dict(sorted(counts.by_reason.items())[:50]),
        "sha256": tap.sha256.hexdigest(),
    }
    job = deps.store.transition(ref.job_id, Status.INGESTED, Status.VALIDATED, fields)
    m = deps.metrics
    m.add("RowsRead", counts.rows_read)
    m.add("RowsAccepted", counts.accepted)
    m.add("RowsRejected", counts.rejected)
    m.add("BytesProcessed", tap.bytes_read, "Bytes")
    deps.log.info("validated", rows_read=counts.rows_read, accepted=counts.accepted, rejected=counts.rejected)
    return _validated_payload(ref, job)


# --------------------------------------------------------------------------- transform


def _transformed_payload(ref: ObjectRef, job: Mapping[str, Any]) -> dict[str, Any]:
    keys = list(job.get("curated_keys") or [])
    return {
        **_validated_payload(ref, job),
        "curated_keys": keys[:MAX_KEYS_IN_PAYLOAD],
        "curated_objects": job.get("curated_objects", len(keys)),
        "manifest_key": job.get("manifest_key"),
        "status": job.get("status"),
    }


def transform(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Stream the object again, write normalised accepted rows per UTC day and a manifest."""
    ref = object_ref(event)
    deps.log.bind(job_id=ref.job_id)
    job = deps.store.require(ref.job_id)
    if _passed(job, Status.TRANSFORMED):
        deps.log.info("already transformed", status=job.get("status"))
        return _transformed_payload(ref, job)
    _require_status(job, Status.VALIDATED, "transform")
    body, text, tap, fmt = _open(deps, ref, job)
    writer = CuratedWriter(deps.s3, deps.settings.data_bucket, ref.job_id)
    try:
        accepted = job.get("accepted")
        proc = _stream(
            deps, job, fmt, text, tap, sink=writer, expected_rows=int(accepted) if accepted is not None else None
        )
        counts = proc.counts
        expected = (job.get("rows_read"), job.get("accepted"), job.get("rejected"))
        got = (counts.rows_read, counts.accepted, counts.rejected)
        if got != expected:
            raise ConsistencyError(f"transform counted {got}, validate recorded {expected}")
        keys = writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        body.close()
    aggregates = [
        {"day": day, "currency": cur, "count": agg.count, "total": agg.total}
        for (day, cur), agg in sorted(proc.aggregates.items())
    ]
    manifest = {
        **ref.payload(),
        "rows_read": counts.rows_read,
        "accepted": counts.accepted,
        "rejected": counts.rejected,
        "quarantine_key": job.get("quarantine_key"),
        "curated_keys": keys,
        "aggregates": aggregates,
    }
    mkey = manifest_key(ref.job_id)
    deps.s3.put_object(
        Bucket=deps.settings.data_bucket, Key=mkey, ContentType="application/json",
        Body=json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode(),
    )  # fmt: skip
    fields = {"curated_keys": keys[:MAX_KEYS_IN_ITEM], "curated_objects": len(keys), "manifest_key": mkey}
    job = deps.store.transition(ref.job_id, Status.VALIDATED, Status.TRANSFORMED, fields)
    deps.metrics.add("RowsCurated", counts.accepted)
    deps.metrics.add("BytesProcessed", tap.bytes_read, "Bytes")
    deps.metrics.add("CuratedObjects", len(keys))
    deps.log.info("transformed", curated_objects=len(keys), accepted=counts.accepted)
    return _transformed_payload(ref, job)


# --------------------------------------------------------------------------- load


def load(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Write per-day/currency aggregates and the job summary, then mark the job LOADED."""
    ref = object_ref(event)
    deps.log.bind(job_id=ref.job_id)
    job = deps.store.require(ref.job_id)
    if _passed(job, Status.LOADED):
        deps.log.info("already loaded")
        return {**_transformed_payload(ref, job), "aggregates_written": job.get("aggregates_written")}
    _require_status(job, Status.TRANSFORMED, "load")
    mkey = str(job.get("manifest_key") or manifest_key(ref.job_id))
    body = deps.s3.get_object(Bucket=deps.settings.data_bucket, Key=mkey)["Body"]
    try:
        manifest = json.loads(body.read())
    finally:
        body.close()
    now = utc_now()
    items: list[dict[str, Any]] = []
    per_currency: dict[str, dict[str, Any]] = {}
    for agg in manifest["aggregates"]:
        items.append({
            "pk": day_pk(agg["day"]), "sk": day_sk(ref.job_id, agg["currency"]),
            "job_id": ref.job_id, "day": agg["day"], "currency": agg["currency"],
            "count": agg["count"], "total": agg["total"], "updated_at": now,
        })  # fmt: skip
        cur = per_currency.setdefault(agg["currency"], {"count": 0, "total": "0"})
        cur["count"] += agg["count"]
        cur["total"] = str(Decimal(cur["total"]) + Decimal(agg["total"]))
    items.append({
        "pk": job_pk(ref.job_id), "sk": SUMMARY_SK, "job_id": ref.job_id,
        "bucket": ref.bucket, "key": ref.key, "version_id": ref.version_id,
        "rows_read": manifest["rows_read"], "accepted": manifest["accepted"], "rejected": manifest["rejected"],
        "quarantine_key": manifest.get("quarantine_key"),
        "days": sorted({a["day"] for a in manifest["aggregates"]}),
        "currencies": per_currency, "updated_at": now, "expires_at": job.get("expires_at"),
    })  # fmt: skip
    written = deps.store.put_items(items)
    job = deps.store.transition(
        ref.job_id, Status.TRANSFORMED, Status.LOADED, {"aggregates_written": len(items) - 1}
    )
    deps.metrics.add("AggregatesWritten", written)
    deps.log.info("loaded", aggregates=len(items) - 1)
    return {**_transformed_payload(ref, job), "aggregates_written": len(items) - 1}
