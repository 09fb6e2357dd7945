"""The four steps as plain functions: ``step(event, deps) -> payload``.

Each takes the state-machine payload (a dict with at least bucket, key,
version_id, job_id) and returns it extended with small fields: S3 keys,
counts, format, size, checksum. Never row data. Every step is safe to run
again: outputs are overwritten deterministically and status changes are
conditional; a step whose transition is already recorded returns the
recorded result without redoing the work.

validate and transform spool the object version to the function's ephemeral storage and run
the engine (:mod:`txn_pipeline.engine`) over it; both passes are deterministic, so they always
agree on which rows are accepted.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import SPARE_DISK_MB, Settings
from .errors import ConsistencyError, FileTooLargeError, IllegalTransitionError, InvalidFileError, PermanentError
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
from .observability import Logger, Metrics, MetricUnit, Progress
from .reader import SNIFF_BYTES, FileFormat, open_raw, sniff, spool
from .writers import QuarantineWriter, upload_curated

if TYPE_CHECKING:  # the engine (DuckDB) is imported by the steps that run it, not by ingest and load
    from .engine import Result

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


def put_json(deps: Deps, key: str, document: Mapping[str, Any]) -> None:
    """A JSON document (sorted keys, compact) to ``key`` in the data bucket."""
    deps.s3.put_object(
        Bucket=deps.settings.data_bucket, Key=key, ContentType="application/json",
        Body=json.dumps(document, sort_keys=True, separators=(",", ":")).encode(),
    )  # fmt: skip


def get_json(deps: Deps, key: str) -> dict[str, Any]:
    """The JSON document at ``key`` in the data bucket."""
    body = deps.s3.get_object(Bucket=deps.settings.data_bucket, Key=key)["Body"]
    try:
        document: dict[str, Any] = json.loads(body.read())
    finally:
        body.close()
    return document


def passed(job: Mapping[str, Any], target: Status) -> bool:
    status = job.get("status")
    return status in {s.value for s in ORDER} and ORDER.index(Status(status)) >= ORDER.index(target)


def require_status(job: Mapping[str, Any], expected: Status, step: str) -> None:
    if job.get("status") != expected.value:
        raise IllegalTransitionError(
            f"{step}: job {job.get('job_id')} is {job.get('status')}, expected {expected.value}"
        )


# --------------------------------------------------------------------------- ingest


def ingest(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Register the job (conditional put; a duplicate event is a no-op) with
    size, format, compression and the S3 checksum (or ETag)."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
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
    deps.metrics.add_metric(name="JobsRegistered" if created else "DuplicateEvents", unit=MetricUnit.Count, value=1)
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


def validated_payload(ref: ObjectRef, job: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **ref.payload(),
        **{k: job.get(k) for k in ("format", "compression", "size", "etag", "sha256")},
        "rows_read": job.get("rows_read"),
        "accepted": job.get("accepted"),
        "rejected": job.get("rejected"),
        "quarantine_key": job.get("quarantine_key"),
        "status": job.get("status"),
    }


#: the engine's working space (its spill, then the Parquet output) per byte of spooled text: DuckDB spilled
#: 1.6 bytes per byte of the 4 GB benchmark file with the limit of a 1,024 MB function, less with more memory,
#: and the spooled text is deleted once loaded (docs/handlers.md, "Memory and ephemeral storage")
WORKING_SPACE_PER_TEXT_BYTE = 1.5


@contextmanager
def workdir(settings: Settings) -> Iterator[Path]:
    settings.work_dir.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="txn-", dir=settings.work_dir))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _fmt_mib(n: float) -> str:
    mib = n / 2**20
    return f"{mib:,.0f} MiB" if mib >= 100 else f"{mib:.1f} MiB"


def _engine_pass(
    deps: Deps, ref: ObjectRef, job: Mapping[str, Any], work: Path, *, on_reject: Any = None, curated: bool = False
) -> tuple[Result, str, int, dict[str, float]]:
    """Spool the object version into ``work`` (on ephemeral storage) and run the engine over it.

    Returns the engine's result (with ``curated``, its Parquet files are in ``work``: the caller
    uploads them before the directory goes), the SHA-256 of the stored bytes, the bytes read and
    the timings."""
    from .engine import Limits, run

    fmt = FileFormat(str(job.get("format")), str(job.get("compression")))
    if fmt.format not in ("csv", "jsonl"):
        raise InvalidFileError(f"file format was not recognised at ingest ({fmt.format})")
    size = int(job["size"]) if job.get("size") is not None else None
    settings = deps.settings
    free = shutil.disk_usage(settings.work_dir).free - SPARE_DISK_MB * 2**20
    if size is not None and fmt.compression == "none":
        need = size * (1 + WORKING_SPACE_PER_TEXT_BYTE)
        if need > free:
            raise FileTooLargeError(
                f"the file is {_fmt_mib(size)}: spooling it and the engine's working space need about "
                f"{_fmt_mib(need)} of ephemeral storage, this function has {_fmt_mib(free)} free; "
                "raise the function's ephemeral_storage (up to 10,240 MiB) or split the file"
            )
    args = ref.s3_args()
    if job.get("etag"):
        args["IfMatch"] = f'"{job["etag"]}"'
    timings: dict[str, float] = {}
    progress = Progress(deps.log, size, every_s=settings.progress_every_s)
    started = time.perf_counter()
    body = deps.s3.get_object(**args)["Body"]
    try:
        raw, tap = open_raw(body, fmt)
        tap.observer = progress.bytes
        spooled = spool(raw, fmt, work / f"input.{fmt.format}", max_bytes=free)
    finally:
        body.close()
    timings["download_s"] = time.perf_counter() - started
    if size is not None and tap.bytes_read != size:
        raise ConsistencyError(f"read {tap.bytes_read} bytes, object size is {size}")
    spill = max(0, free - spooled.text_bytes)
    limits = Limits(
        threads=settings.engine_threads,
        memory_mb=settings.engine_memory_mb,
        temp_dir=work / "spill",
        max_temp_mb=spill // 2**20,
    )
    started = time.perf_counter()
    result = run(
        spooled.path, fmt.format, limits=limits, on_reject=on_reject,
        curated_dir=work / "curated" if curated else None,
        progress=progress.percent, progress_every_s=settings.progress_every_s, consume_input=True,
    )  # fmt: skip
    timings["engine_s"] = time.perf_counter() - started
    return result, tap.sha256.hexdigest(), tap.bytes_read, timings


def _record_metrics(m: Metrics, result: Result, bytes_read: int, timings: Mapping[str, float]) -> None:
    c = result.counts
    m.add_metric(name="RowsRead", unit=MetricUnit.Count, value=c.rows_read)
    m.add_metric(name="RowsAccepted", unit=MetricUnit.Count, value=c.accepted)
    m.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=c.rejected)
    m.add_metric(name="BytesProcessed", unit=MetricUnit.Bytes, value=bytes_read)
    for name, seconds in timings.items():
        metric = "DownloadDuration" if name == "download_s" else "EngineDuration"
        m.add_metric(name=metric, unit=MetricUnit.Milliseconds, value=round(seconds * 1000))


def validate(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Check every row once: count rows, quarantine rejects, record counts and SHA-256."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
    job = deps.store.require(ref.job_id)
    if passed(job, Status.VALIDATED):
        deps.log.info("already validated", status=job.get("status"))
        return validated_payload(ref, job)
    require_status(job, Status.INGESTED, "validate")
    quarantine = QuarantineWriter(deps.s3, deps.settings.data_bucket, ref.job_id)
    with workdir(deps.settings) as work:
        try:
            result, sha256, bytes_read, timings = _engine_pass(deps, ref, job, work, on_reject=quarantine)
            qkey = quarantine.close()
        except BaseException:
            quarantine.abort()
            raise
    counts = result.counts
    fields = {
        "rows_read": counts.rows_read,
        "accepted": counts.accepted,
        "rejected": counts.rejected,
        "quarantine_key": qkey,
        "rejected_by_reason": dict(sorted(counts.by_reason.items())[:50]),
        "sha256": sha256,
    }
    job = deps.store.transition(ref.job_id, Status.INGESTED, Status.VALIDATED, fields)
    _record_metrics(deps.metrics, result, bytes_read, timings)
    deps.log.info(
        "validated", rows_read=counts.rows_read, accepted=counts.accepted, rejected=counts.rejected,
        seconds={k: round(v, 2) for k, v in timings.items()},
    )  # fmt: skip
    return validated_payload(ref, job)


# --------------------------------------------------------------------------- transform


def transformed_payload(ref: ObjectRef, job: Mapping[str, Any]) -> dict[str, Any]:
    keys = list(job.get("curated_keys") or [])
    return {
        **validated_payload(ref, job),
        "curated_keys": keys[:MAX_KEYS_IN_PAYLOAD],
        "curated_objects": job.get("curated_objects", len(keys)),
        "manifest_key": job.get("manifest_key"),
        "status": job.get("status"),
    }


def transform(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Check the object again and write its accepted rows as one Parquet object per UTC day, plus
    a manifest with the per-day and currency totals."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
    job = deps.store.require(ref.job_id)
    if passed(job, Status.TRANSFORMED):
        deps.log.info("already transformed", status=job.get("status"))
        return transformed_payload(ref, job)
    require_status(job, Status.VALIDATED, "transform")
    with workdir(deps.settings) as work:
        result, _, bytes_read, timings = _engine_pass(deps, ref, job, work, curated=True)
        counts = result.counts
        expected = (job.get("rows_read"), job.get("accepted"), job.get("rejected"))
        got = (counts.rows_read, counts.accepted, counts.rejected)
        if got != expected:
            raise ConsistencyError(f"transform counted {got}, validate recorded {expected}")
        keys = upload_curated(deps.s3, deps.settings.data_bucket, ref.job_id, result.curated)
    aggregates = [
        {"day": day, "currency": cur, "count": count, "total": total}
        for (day, cur), (count, total) in sorted(result.aggregates.items())
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
    put_json(deps, mkey, manifest)
    fields = {"curated_keys": keys[:MAX_KEYS_IN_ITEM], "curated_objects": len(keys), "manifest_key": mkey}
    job = deps.store.transition(ref.job_id, Status.VALIDATED, Status.TRANSFORMED, fields)
    _record_metrics(deps.metrics, result, bytes_read, timings)
    deps.metrics.add_metric(name="CuratedObjects", unit=MetricUnit.Count, value=len(keys))
    deps.log.info(
        "transformed", curated_objects=len(keys), accepted=counts.accepted,
        seconds={k: round(v, 2) for k, v in timings.items()},
    )  # fmt: skip
    return transformed_payload(ref, job)


# --------------------------------------------------------------------------- load


def load(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Write per-day/currency aggregates and the job summary, then mark the job LOADED."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
    job = deps.store.require(ref.job_id)
    if passed(job, Status.LOADED):
        deps.log.info("already loaded")
        return {**transformed_payload(ref, job), "aggregates_written": job.get("aggregates_written")}
    require_status(job, Status.TRANSFORMED, "load")
    mkey = str(job.get("manifest_key") or manifest_key(ref.job_id))
    manifest = get_json(deps, mkey)
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
    job = deps.store.transition(ref.job_id, Status.TRANSFORMED, Status.LOADED, {"aggregates_written": len(items) - 1})
    deps.metrics.add_metric(name="AggregatesWritten", unit=MetricUnit.Count, value=written)
    deps.log.info("loaded", aggregates=len(items) - 1)
    return {**transformed_payload(ref, job), "aggregates_written": len(items) - 1}
