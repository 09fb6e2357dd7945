"""The fan-out steps for a large object: ``plan``, ``check_range``, ``check_partition``, ``merge``.

Same contract as :mod:`txn_pipeline.steps` (``step(event, deps) -> payload``, safe to run again):

- ``plan`` lists newline-aligned byte ranges and the number of hash partitions (the state input of
  two Map states);
- ``check_range`` (one per range) runs the engine's rules over its range, writes the rejects with
  row numbers within the range, and every valid row, with its range and row, to the hash partition
  of its transaction id;
- ``check_partition`` (one per partition) finds the duplicate ids of its partition across all ranges
  (the first valid occurrence in file order wins) and writes the winners as curated Parquet by day;
- ``merge`` adds it all up into exactly what validate + transform record for the same file: counts,
  one quarantine object in row order with absolute row numbers, curated objects per day, the manifest
  load reads; then moves the job INGESTED -> VALIDATED -> TRANSFORMED and deletes ``work/<job_id>/``.

The job stays INGESTED while ranges and partitions run; they read it only to skip work already merged.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import time
from collections.abc import Iterator, Mapping
from typing import Any

from . import fanout as fo
from .config import SPARE_DISK_MB
from .errors import ConsistencyError, FileTooLargeError, InvalidFileError, PipelineError, classify
from .models import DUPLICATE_REASON, Status, curated_key, manifest_key, quarantine_key
from .observability import MetricUnit
from .reader import SNIFF_BYTES, FileFormat, open_raw, spool
from .steps import (
    Deps,
    ObjectRef,
    get_json,
    object_ref,
    passed,
    put_json,
    require_status,
    transformed_payload,
    workdir,
)
from .writers import PARQUET_CONTENT_TYPE, GzipObjectWriter, upload_file

FANOUT_FORMATS = ("csv", "jsonl")


def _get_bytes(deps: Deps, ref: ObjectRef, etag: str | None, start: int, end: int) -> bytes:
    """Bytes [start, end) of the job's object version (``IfMatch``: the version ingest saw)."""
    args = ref.s3_args()
    if etag:
        args["IfMatch"] = f'"{etag}"'
    body = deps.s3.get_object(**args, Range=f"bytes={start}-{end - 1}")["Body"]
    try:
        data = bytes(body.read())
    finally:
        body.close()
    if len(data) != end - start:
        raise ConsistencyError(f"asked for bytes {start}-{end - 1} of {ref.key}, got {len(data)} bytes")
    return data


def _named(label: str, exc: BaseException) -> PipelineError:
    """The error as its pipeline class (what the state machine matches), its message naming ``label``."""
    err = classify(exc)
    named = type(err)(f"{label}: {err}")
    named.__cause__ = exc
    return named


# --------------------------------------------------------------------------- plan


def plan(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """The byte ranges (newline-aligned; the CSV header stays in the first) and the hash partitions."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
    job = deps.store.require(ref.job_id)
    fmt = FileFormat(str(job.get("format")), str(job.get("compression")))
    if fmt.format not in FANOUT_FORMATS or fmt.compression != "none":
        raise InvalidFileError(f"only uncompressed CSV or JSON Lines is split into ranges, not {fmt}")
    size, etag = int(job["size"]), job.get("etag")
    header_end = 0
    if fmt.format == "csv":
        head = _get_bytes(deps, ref, etag, 0, min(size, SNIFF_BYTES))
        newline = head.find(b"\n")
        header_end = newline + 1 if newline >= 0 else size
    reads = 0

    def find(offset: int, limit: int) -> int | None:
        nonlocal reads
        for start in range(offset, offset + limit, fo.SEARCH_WINDOW):
            end = min(offset + limit, start + fo.SEARCH_WINDOW)
            reads += 1
            found = _get_bytes(deps, ref, etag, start, end).find(b"\n")
            if found >= 0:
                return start + found
        return None

    ranges = fo.plan_ranges(size, header_end=header_end, range_bytes=deps.settings.fanout_range_bytes, find=find)
    partitions = fo.partition_count(size, partition_bytes=deps.settings.fanout_partition_bytes)
    deps.log.info("planned", ranges=len(ranges), partitions=partitions, size=size, reads=reads)
    deps.metrics.add_metric(name="RangesPlanned", unit=MetricUnit.Count, value=len(ranges))
    return {
        **ref.payload(),
        **{k: job.get(k) for k in ("size", "etag", "format", "compression")},
        "status": job.get("status"),
        "plan": {
            "ranges": [r.to_item() for r in ranges],
            "range_count": len(ranges),
            "partitions": partitions,
            "partition_list": list(range(partitions)),
            "header_end": header_end,
        },
    }


# --------------------------------------------------------------------------- one range


class _RangeBody:
    """The header (for a range after the first) then the range's bytes, counting the ``"`` in the range."""

    def __init__(self, header: bytes, body: Any) -> None:
        self._header, self._body = header, body
        self.quotes = 0

    def read(self, n: int = -1) -> bytes:
        if self._header:
            cut = len(self._header) if n < 0 else n
            data, self._header = self._header[:cut], self._header[cut:]
            return data
        data = self._body.read(n) if n >= 0 else self._body.read()
        self.quotes += data.count(b'"')
        return bytes(data)


def check_range(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """The rules over one byte range; rejects and the valid rows (by hash partition) under ``work/``."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
    rng = fo.ByteRange.from_item(dict(event.get("range") or {}))
    deps.log.append_keys(range=rng.index)
    job = deps.store.require(ref.job_id)
    if passed(job, Status.VALIDATED):
        return {"range": rng.index, "skipped": True}
    require_status(job, Status.INGESTED, "check_range")
    try:
        summary = _check_range(deps, ref, job, rng, partitions=int(event["partitions"]),
                               header_end=int(event.get("header_end") or 0))  # fmt: skip
    except Exception as exc:
        raise _named(rng.label(), exc) from exc
    return {"range": rng.index, "rows_read": summary["rows_read"], "rejected": summary["rejected"]}


def _check_range(
    deps: Deps, ref: ObjectRef, job: Mapping[str, Any], rng: fo.ByteRange, *, partitions: int, header_end: int
) -> dict[str, Any]:
    from .engine import Engine, Limits

    fmt = FileFormat(str(job.get("format")), "none")
    etag = job.get("etag")
    settings = deps.settings
    bucket = settings.data_bucket
    header = _get_bytes(deps, ref, etag, 0, header_end) if rng.index > 0 and header_end else b""
    free = shutil.disk_usage(settings.work_dir).free - SPARE_DISK_MB * 2**20
    need = (len(header) + rng.end - rng.start) * 2.5
    if need > free:
        raise FileTooLargeError(f"the range needs about {need / 2**20:,.0f} MiB of ephemeral storage, "
                                f"{free / 2**20:,.0f} MiB are free: make the ranges smaller")  # fmt: skip
    timings: dict[str, float] = {}
    with workdir(settings) as work:
        started = time.perf_counter()
        args = ref.s3_args()
        if etag:
            args["IfMatch"] = f'"{etag}"'
        body = deps.s3.get_object(**args, Range=f"bytes={rng.start}-{rng.end - 1}")["Body"]
        try:
            source = _RangeBody(header, body)
            raw, tap = open_raw(source, fmt)
            spooled = spool(raw, fmt, work / f"range.{fmt.format}", max_bytes=free)
        finally:
            body.close()
        timings["download_s"] = time.perf_counter() - started
        if tap.bytes_read != len(header) + rng.end - rng.start:
            raise ConsistencyError(f"read {tap.bytes_read - len(header)} bytes of a {rng.end - rng.start}-byte range")
        if fmt.format == "csv" and not rng.last and source.quotes % 2:
            raise InvalidFileError(
                f"the range holds an odd number of '\"' ({source.quotes}): a quoted field continues past byte "
                f"{rng.end - 1}, so a record would be cut in two; a file this large is split into ranges only if no "
                "quoted field spans a line break at a range boundary (split the file, or raise the fan-out threshold)"
            )
        started = time.perf_counter()
        limits = Limits(threads=settings.engine_threads, memory_mb=settings.engine_memory_mb,
                        temp_dir=work / "spill", max_temp_mb=max(0, free - spooled.text_bytes) // 2**20)  # fmt: skip
        rejects = GzipObjectWriter(deps.s3, bucket, fo.range_rejects_key(ref.job_id, rng.index))
        lines: list[str] = []
        with Engine(limits) as engine:
            if fmt.format == "csv":
                engine.load_csv(spooled.path)
            else:
                engine.load_jsonl(spooled.path)
            engine.release(spooled.path)
            engine.skip_duplicates()
            counts = engine.counts()
            try:

                def sink(rejection: Any) -> None:
                    lines.append(json.dumps(rejection.to_json_obj(), ensure_ascii=True) + "\n")
                    if len(lines) >= 1000:
                        rejects.write("".join(lines))
                        lines.clear()

                engine.rejects(sink)
                rejects.write("".join(lines))
                rejects_key = rejects.close()
            except BaseException:
                rejects.abort()
                raise
            files = engine.write_partitions(work / "parts", range_index=rng.index, partitions=partitions)
        timings["engine_s"] = time.perf_counter() - started
        for p, path in files.items():
            upload_file(deps.s3, bucket, fo.range_rows_key(ref.job_id, p, rng.index), path,
                        content_type=PARQUET_CONTENT_TYPE)  # fmt: skip
    summary = {
        "index": rng.index, "start": rng.start, "end": rng.end,
        "rows_read": counts.rows_read, "rejected": counts.rejected, "valid": counts.accepted,
        "by_reason": counts.by_reason, "rejects_key": rejects_key, "sha256": tap.sha256.hexdigest(),
    }  # fmt: skip
    put_json(deps, fo.range_summary_key(ref.job_id, rng.index), summary)
    m = deps.metrics
    m.add_metric(name="RowsRead", unit=MetricUnit.Count, value=counts.rows_read)
    m.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=counts.rejected)
    m.add_metric(name="BytesProcessed", unit=MetricUnit.Bytes, value=rng.end - rng.start)
    deps.log.info("range checked", rows_read=counts.rows_read, rejected=counts.rejected,
                  seconds={k: round(v, 2) for k, v in timings.items()})  # fmt: skip
    return summary


# --------------------------------------------------------------------------- one hash partition


def check_partition(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Duplicate ids of one hash partition across every range; its curated Parquet by day under ``work/``."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
    p, count = int(event["partition"]), int(event["range_count"])
    deps.log.append_keys(partition=p)
    job = deps.store.require(ref.job_id)
    if passed(job, Status.VALIDATED):
        return {"partition": p, "skipped": True}
    require_status(job, Status.INGESTED, "check_partition")
    label = f"partition {p + 1} of {event.get('partitions', '?')}"
    try:
        summary = _check_partition(deps, ref, p, count)
    except Exception as exc:
        raise _named(label, exc) from exc
    return {"partition": p, "duplicates": summary["duplicates"]}


def _check_partition(deps: Deps, ref: ObjectRef, p: int, count: int) -> dict[str, Any]:
    from .engine import Limits, check_partition

    settings, bucket = deps.settings, deps.settings.data_bucket
    with workdir(settings) as work:
        files = []
        for k in range(count):
            path = work / f"range={k}.parquet"
            deps.s3.download_file(bucket, fo.range_rows_key(ref.job_id, p, k), str(path))
            files.append(path)
        free = shutil.disk_usage(settings.work_dir).free - SPARE_DISK_MB * 2**20
        limits = Limits(threads=settings.engine_threads, memory_mb=settings.engine_memory_mb,
                        temp_dir=work / "spill", max_temp_mb=max(0, free) // 2**21)  # fmt: skip
        result = check_partition(files, work / "curated", limits=limits)
        dkey = None
        if result.duplicates:
            out = GzipObjectWriter(deps.s3, bucket, fo.partition_duplicates_key(ref.job_id, p))
            try:
                out.write("".join(f"{k}\t{json.dumps(r.to_json_obj(), ensure_ascii=True)}\n"
                                  for k, r in result.duplicates))  # fmt: skip
                dkey = out.close()
            except BaseException:
                out.abort()
                raise
        curated: list[list[str]] = []  # [day, work key, curated object name]
        for day in sorted(result.curated):
            for n, path in enumerate(sorted(result.curated[day])):
                key = upload_file(deps.s3, bucket, fo.partition_curated_key(ref.job_id, p, day, n), path,
                                  content_type=PARQUET_CONTENT_TYPE)  # fmt: skip
                curated.append([day, key, fo.curated_object_name(ref.job_id, p, n)])
    summary = {
        "partition": p, "valid": result.valid, "duplicates": len(result.duplicates), "duplicates_key": dkey,
        "curated": curated,
        "aggregates": [[d, c, n, t] for (d, c), (n, t) in sorted(result.aggregates.items())],
    }  # fmt: skip
    put_json(deps, fo.partition_summary_key(ref.job_id, p), summary)
    deps.log.info("partition checked", valid=result.valid, duplicates=len(result.duplicates))
    return summary


# --------------------------------------------------------------------------- merge


def _gz_lines(deps: Deps, key: str | None) -> Iterator[bytes]:
    if not key:
        return
    body = deps.s3.get_object(Bucket=deps.settings.data_bucket, Key=key)["Body"]
    try:
        with gzip.GzipFile(fileobj=io.BufferedReader(body, 1 << 20)) as lines:
            yield from lines
    finally:
        body.close()


def merge(event: Mapping[str, Any], deps: Deps) -> dict[str, Any]:
    """Counts, quarantine, curated objects and manifest of the whole file from its ranges and partitions."""
    ref = object_ref(event)
    deps.log.append_keys(job_id=ref.job_id)
    plan_ = dict(event.get("plan") or {})
    count, partitions = int(plan_["range_count"]), int(plan_["partitions"])
    job = deps.store.require(ref.job_id)
    if not passed(job, Status.TRANSFORMED):
        ranges = [get_json(deps, fo.range_summary_key(ref.job_id, k)) for k in range(count)]
        parts = [get_json(deps, fo.partition_summary_key(ref.job_id, p)) for p in range(partitions)]
        if not passed(job, Status.VALIDATED):
            require_status(job, Status.INGESTED, "merge")
            job = _merge_validated(deps, ref, ranges, parts)
        require_status(job, Status.VALIDATED, "merge")
        job = _merge_transformed(deps, ref, job, parts)
    deleted = _delete_work(deps, ref.job_id, count, partitions)
    deps.log.info("merged", ranges=count, partitions=partitions, intermediates_deleted=deleted)
    return transformed_payload(ref, job)


def _merge_validated(
    deps: Deps, ref: ObjectRef, ranges: list[dict[str, Any]], parts: list[dict[str, Any]]
) -> dict[str, Any]:
    rows_read = sum(int(r["rows_read"]) for r in ranges)
    invalid = sum(int(r["rejected"]) for r in ranges)
    valid = sum(int(r["valid"]) for r in ranges)
    duplicates = sum(int(p["duplicates"]) for p in parts)
    if valid != sum(int(p["valid"]) for p in parts):
        raise ConsistencyError(
            f"the ranges hold {valid} valid rows, the partitions {sum(int(p['valid']) for p in parts)}"
        )
    by_reason: dict[str, int] = {}
    for r in ranges:
        for reason, n in r["by_reason"].items():
            by_reason[reason] = by_reason.get(reason, 0) + int(n)
    if duplicates:
        by_reason[DUPLICATE_REASON] = by_reason.get(DUPLICATE_REASON, 0) + duplicates
    # the duplicates of every partition, by range, in row order (few: they are rejects)
    dups: dict[int, list[tuple[int, bytes]]] = {}
    for p in parts:
        for line in _gz_lines(deps, p.get("duplicates_key")):
            index, text = line.split(b"\t", 1)
            dups.setdefault(int(index), []).append((fo.row_of(text), text))
    qkey = None
    if invalid + duplicates:
        out = GzipObjectWriter(deps.s3, deps.settings.data_bucket, quarantine_key(ref.job_id))
        try:
            offset, block = 0, []
            for r in ranges:
                mine = [text for _, text in sorted(dups.get(int(r["index"]), []))]
                for line in fo.merge_rejects(_gz_lines(deps, r.get("rejects_key")), mine, offset):
                    block.append(line.decode())
                    if len(block) >= 1000:
                        out.write("".join(block))
                        block.clear()
                offset += int(r["rows_read"])
            out.write("".join(block))
            qkey = out.close()
        except BaseException:
            out.abort()
            raise
    fields = {
        "rows_read": rows_read, "accepted": valid - duplicates, "rejected": invalid + duplicates,
        "quarantine_key": qkey, "rejected_by_reason": dict(sorted(by_reason.items())[:50]), "ranges": len(ranges),
    }  # fmt: skip
    m = deps.metrics
    m.add_metric(name="RowsRead", unit=MetricUnit.Count, value=rows_read)
    m.add_metric(name="RowsAccepted", unit=MetricUnit.Count, value=valid - duplicates)
    m.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=invalid + duplicates)
    return deps.store.transition(ref.job_id, Status.INGESTED, Status.VALIDATED, fields)


def _merge_transformed(
    deps: Deps, ref: ObjectRef, job: Mapping[str, Any], parts: list[dict[str, Any]]
) -> dict[str, Any]:
    bucket = deps.settings.data_bucket
    keys = []
    for p in parts:
        for day, work_key, name in p["curated"]:
            key = curated_key(day, name)
            deps.s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": work_key},
                                ContentType=PARQUET_CONTENT_TYPE, MetadataDirective="REPLACE")  # fmt: skip
            keys.append(key)
    keys.sort()
    aggregates = fo.add_aggregates(
        [[(str(d), str(c), int(n), str(t)) for d, c, n, t in p["aggregates"]] for p in parts]
    )
    accepted = sum(int(a["count"]) for a in aggregates)  # type: ignore[call-overload]
    if accepted != job.get("accepted"):
        raise ConsistencyError(f"the curated objects hold {accepted} rows, {job.get('accepted')} were accepted")
    manifest = {
        **ref.payload(),
        "rows_read": job.get("rows_read"), "accepted": job.get("accepted"), "rejected": job.get("rejected"),
        "quarantine_key": job.get("quarantine_key"), "curated_keys": keys, "aggregates": aggregates,
    }  # fmt: skip
    mkey = manifest_key(ref.job_id)
    deps.s3.put_object(
        Bucket=bucket, Key=mkey, ContentType="application/json",
        Body=json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode(),
    )  # fmt: skip
    fields = {"curated_keys": keys[:1000], "curated_objects": len(keys), "manifest_key": mkey}
    deps.metrics.add_metric(name="CuratedObjects", unit=MetricUnit.Count, value=len(keys))
    return deps.store.transition(ref.job_id, Status.VALIDATED, Status.TRANSFORMED, fields)


def _delete_work(deps: Deps, job_id: str, count: int, partitions: int) -> int:
    """Every object the ranges and partitions wrote under ``work/<job_id>/`` (keys known from the plan and
    the partition summaries; deleting a key that is not there is not an error)."""
    bucket = deps.settings.data_bucket
    keys = [fo.range_summary_key(job_id, k) for k in range(count)]
    keys += [fo.range_rejects_key(job_id, k) for k in range(count)]
    keys += [fo.range_rows_key(job_id, p, k) for p in range(partitions) for k in range(count)]
    keys += [fo.partition_duplicates_key(job_id, p) for p in range(partitions)]
    for p in range(partitions):
        try:
            summary = get_json(deps, fo.partition_summary_key(job_id, p))
        except Exception:  # already deleted by an earlier attempt: its curated keys went with it
            continue
        keys += [work_key for _, work_key, _ in summary["curated"]]
    keys += [fo.partition_summary_key(job_id, p) for p in range(partitions)]  # last: they list the curated keys
    deleted = 0
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        resp = deps.s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
        errors = resp.get("Errors") or []
        if errors:
            raise ConsistencyError(f"could not delete {len(errors)} intermediate objects, e.g. {errors[0]}")
        deleted += len(batch)
    return deleted
