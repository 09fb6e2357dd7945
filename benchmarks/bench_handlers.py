"""Performance benchmark of the handlers' engine (not part of the test run).

    .venv/bin/python benchmarks/bench_handlers.py                   # 1 GB CSV in /tmp, reused if present
    .venv/bin/python benchmarks/bench_handlers.py --size 100MB      # quicker
    .venv/bin/python benchmarks/bench_handlers.py --profile         # + DuckDB's profile of the load query
    .venv/bin/python benchmarks/bench_handlers.py --size 4GB --engine-only --threads 1   # bounded memory
    .venv/bin/python benchmarks/bench_handlers.py --steps --repeat 3    # validate and transform, each on its own
    .venv/bin/python benchmarks/bench_handlers.py --record [SECTION]   # + docs/benchmarks.md

Each pass runs in its own child process, one after the other, over the same file: a bare
``csv.reader`` pass (the baseline), then validate+transform in the engine (every rule, the
duplicate check, the rejects serialised as the quarantine writes them, the per-day and currency
totals and the curated Parquet files), with 1 thread under the memory limit of a 1,769 MB
function (one vCPU) and with 2 threads under that of a 3,538 MB function (two vCPUs), the limit
derived exactly as the handlers derive it (``txn_pipeline.config``), spilling to a temporary
directory. The parent prints MB/s, the ratio to the baseline (targets: >= 0.5 on one thread,
>= 1.0 on two) and each child's peak RSS against the function memory it stands for.

``--steps`` times what each Lambda step does per file instead (the numbers the cost profile rests on):
the real ``steps.validate`` and ``steps.transform`` functions, each in its own process, with an
S3 stand-in that serves the file from disk and counts (and discards) what is written, and a job
store in memory. So a step's time is its spool to the work directory (SHA-256, blank-line marks),
its engine pass, its quarantine gzip or Parquet upload parts, without S3's or DynamoDB's network
time. For each thread count (1 thread in a 1,769 MB function, 2 in a 3,538 MB one) it prints each
run and, with ``--repeat N``, the median of N runs, with the load average before each run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "handlers" / "layer" / "python")]

from benchmarks import record  # noqa: E402
from tools import datagen  # noqa: E402

SEED, BAD_RATIO = 1, 0.005
#: function memory -> vCPUs Lambda gives it (one per 1,769 MB)
CONFIGS = {1: 1769, 2: 3538}


def ensure_file(path: Path, size: int) -> None:
    if path.exists() and path.stat().st_size >= size * 0.99:
        print(f"reusing {path} ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
        return
    print(f"generating {path} ({size / 1e6:.0f} MB, seed {SEED}, bad ratio {BAD_RATIO})...", flush=True)
    tmp = path.with_suffix(".part")
    t0 = time.perf_counter()
    with open(tmp, "wb") as out:
        stats = datagen.generate(out, size=size, seed=SEED, bad_ratio=BAD_RATIO)
    tmp.rename(path)
    print(f"  {stats['rows']} rows, {stats['bad']} bad, {time.perf_counter() - t0:.0f} s", flush=True)


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads (what a loaded machine inflates least)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_csv(path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    records = 0
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        for _ in csv.reader(f):
            records += 1
    return {"seconds": time.perf_counter() - t0, "records": records, "rss_mb": peak_rss_mb()}


def child_engine(path: str, threads: int, function_mb: int, profile: bool) -> dict[str, Any]:
    from txn_pipeline import engine
    from txn_pipeline.config import engine_memory_mb

    memory_mb = engine_memory_mb({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function_mb)})
    rejected_bytes = 0

    def quarantine(rejection: engine.Rejected) -> None:  # what QuarantineWriter serialises per row
        nonlocal rejected_bytes
        rejected_bytes += len(json.dumps(rejection.to_json_obj(), ensure_ascii=True)) + 1

    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        work = Path(tmp)
        limits = engine.Limits(threads=threads, memory_mb=memory_mb, temp_dir=work / "spill")
        t0 = time.perf_counter()
        with engine.Engine(limits) as e:
            if profile:  # DuckDB's profile of the one query that reads and checks the file
                run_sql = e._sql

                def profiled(name: str, query: str, params: Any = None) -> Any:
                    if name != "load":
                        return run_sql(name, query, params)
                    e.con.execute(f"PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = '{work / 'p.json'}'")
                    try:
                        return run_sql(name, query, params)
                    finally:
                        e.con.execute("PRAGMA disable_profiling")

                e._sql = profiled  # type: ignore[method-assign]
            spill = [0]

            def spilled() -> None:  # what the engine has on ephemeral storage between phases
                row = e.con.execute("SELECT coalesce(sum(size), 0) FROM duckdb_temporary_files()").fetchone()
                spill[0] = max(spill[0], int(row[0]) if row else 0)

            e.load_csv(Path(path))
            spilled()
            e.dedupe()
            spilled()
            counts = e.counts()
            e.rejects(quarantine)
            spilled()
            files = e.write_curated(work / "curated")
            spilled()
            e.aggregates(files)
            seconds = time.perf_counter() - t0
            timings = dict(e.timings)
        parquet_bytes = sum(p.stat().st_size for paths in files.values() for p in paths)
        profile_doc = json.loads((work / "p.json").read_text()) if profile else None
    return {
        "seconds": seconds, "rows_read": counts.rows_read, "accepted": counts.accepted, "rejected": counts.rejected,
        "days": len(files), "parquet_mb": parquet_bytes / 1e6, "quarantine_mb": rejected_bytes / 1e6,
        "timings": timings, "memory_limit_mb": memory_mb, "rss_mb": peak_rss_mb(), "profile": profile_doc,
        "spill_mb": spill[0] / 1e6,
    }  # fmt: skip


class LocalS3:
    """The S3 calls validate and transform make: GETs served from a local file, writes counted and
    discarded (PUT-class requests and bytes per key prefix)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.put_requests: dict[str, int] = {}
        self.put_bytes: dict[str, int] = {}
        self.objects: set[str] = set()
        self.get_requests = 0

    def _count(self, key: str, body: bytes = b"") -> None:
        prefix = key.split("/", 1)[0] + "/"
        self.put_requests[prefix] = self.put_requests.get(prefix, 0) + 1
        self.put_bytes[prefix] = self.put_bytes.get(prefix, 0) + len(body)

    def get_object(self, **_: Any) -> dict[str, Any]:
        self.get_requests += 1
        return {"Body": open(self.path, "rb")}

    def put_object(self, *, Key: str, Body: bytes, **_: Any) -> dict[str, Any]:
        self._count(Key, Body)
        self.objects.add(Key)
        return {}

    def create_multipart_upload(self, *, Key: str, **_: Any) -> dict[str, Any]:
        self._count(Key)
        return {"UploadId": "bench"}

    def upload_part(self, *, Key: str, Body: bytes, PartNumber: int, **_: Any) -> dict[str, Any]:
        self._count(Key, Body)
        return {"ETag": f"part-{PartNumber}"}

    def complete_multipart_upload(self, *, Key: str, **_: Any) -> dict[str, Any]:
        self._count(Key)
        self.objects.add(Key)
        return {}

    def abort_multipart_upload(self, **_: Any) -> dict[str, Any]:
        return {}


class MemoryJobs:
    """The job store calls validate and transform make, on one job held in memory."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job

    def require(self, job_id: str) -> dict[str, Any]:
        return dict(self.job)

    def transition(self, job_id: str, src: Any, dst: Any, fields: dict[str, Any]) -> dict[str, Any]:
        assert self.job["status"] == src.value, (self.job["status"], src)
        self.job.update(fields, status=dst.value)
        return dict(self.job)


def child_step(step: str, path: str, threads: int, function_mb: int, job_json: str) -> dict[str, Any]:
    """One invocation of ``step`` (validate or transform) over ``path``, as Lambda runs it."""
    os.environ["LOG_LEVEL"] = "WARNING"
    from txn_pipeline import observability, steps
    from txn_pipeline.config import Settings, engine_memory_mb

    size = Path(path).stat().st_size
    job = json.loads(job_json) or {
        "status": "INGESTED", "size": size, "etag": "", "format": "csv", "compression": "none",
    }  # fmt: skip
    s3 = LocalS3(path)
    with tempfile.TemporaryDirectory(prefix=f"bench-{step}-") as tmp:
        settings = Settings(
            table_name="bench", data_bucket="bench", alert_topic_arn="", environment_suffix="bench",
            service_name=step, engine_memory_mb=engine_memory_mb({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function_mb)}),
            engine_threads=threads, work_dir=Path(tmp),
        )  # fmt: skip
        deps = steps.Deps(
            s3=s3, store=MemoryJobs(job), settings=settings,  # type: ignore[arg-type]
            log=observability.logger(step), metrics=observability.metrics(step),
        )  # fmt: skip
        event = {"bucket": "bench", "key": "raw/bench.csv", "version_id": "null"}
        load = os.getloadavg()[0]
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        getattr(steps, step)(event, deps)
        seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    recorded = deps.metrics.metric_set  # the step's own DownloadDuration and EngineDuration (ms)
    phases = {name: recorded[name]["Value"][0] / 1000 for name in ("DownloadDuration", "EngineDuration")}
    return {
        "seconds": seconds, "cpu_seconds": cpu, "phases": phases, "load_before": load,
        "load_after": os.getloadavg()[0], "rss_mb": peak_rss_mb(), "memory_limit_mb": settings.engine_memory_mb,
        "job": deps.store.job,  # type: ignore[attr-defined]
        "gets": s3.get_requests, "put_requests": s3.put_requests, "put_bytes": s3.put_bytes,
        "objects": len(s3.objects),
    }  # fmt: skip


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def run_steps(path: Path, thread_counts: list[int], repeat: int, function_mb: int | None) -> None:
    """validate then transform, ``repeat`` times per thread count; each run and the medians."""
    mb = path.stat().st_size / 1e6
    gb = mb / 1000
    medians: dict[tuple[str, int], float] = {}
    for threads in thread_counts:
        fmb = function_mb or CONFIGS.get(threads, 1769 * threads)
        runs: dict[str, list[float]] = {"validate": [], "transform": []}
        cpu: dict[str, list[float]] = {"validate": [], "transform": []}
        spool_share: dict[str, list[float]] = {"validate": [], "transform": []}
        for n in range(1, repeat + 1):
            job = ""
            for step in ("validate", "transform"):
                r = run_child("step", step, str(path), str(threads), str(fmb), job or "{}")
                job = json.dumps(r["job"])
                runs[step].append(r["seconds"])
                writes = (
                    ", ".join(
                        f"{prefix} {r['put_requests'][prefix]} PUT-class, {r['put_bytes'][prefix] / 1e6:.2f} MB"
                        for prefix in sorted(r["put_requests"])
                    )
                    or "nothing"
                )
                print(f"{step:<10} run {n}: {r['seconds']:6.1f} s = {r['seconds'] / gb:5.1f} s/GB with {threads} "
                      f"thread(s), a {fmb} MB function (engine limit {r['memory_limit_mb']} MB); load average "
                      f"{r['load_before']:.2f} before, {r['load_after']:.2f} after", flush=True)  # fmt: skip
                cpu[step].append(r["cpu_seconds"])
                spool, engine_s = r["phases"]["DownloadDuration"], r["phases"]["EngineDuration"]
                spool_share[step].append(spool / (spool + engine_s))
                print(f"           CPU {r['cpu_seconds']:.1f} s; spool {r['phases']['DownloadDuration']:.1f} s, engine "
                      f"{r['phases']['EngineDuration']:.1f} s; peak RSS {r['rss_mb']:.0f} MB; {r['gets']} GET; "
                      f"wrote {writes} ({r['objects']} objects)", flush=True)  # fmt: skip
        for step, seconds in runs.items():
            medians[(step, threads)] = m = median(seconds)
            print(f"{step:<10} median of {len(seconds)}: {m:6.1f} s = {m / gb:5.1f} s/GB, {threads} thread(s) "
                  f"[{', '.join(f'{s:.1f}' for s in seconds)}]; CPU median {median(cpu[step]):.1f} s "
                  f"[{', '.join(f'{s:.1f}' for s in cpu[step])}]; single-threaded spool's share of spool + engine "
                  f"{median(spool_share[step]):.3f}", flush=True)  # fmt: skip
    if len(thread_counts) > 1 and thread_counts[0] == 1:
        for step in ("validate", "transform"):
            one = medians[(step, 1)]
            for threads in thread_counts[1:]:
                print(f"{step:<10} speedup at {threads} threads: {one / medians[(step, threads)]:.2f} "
                      f"(median 1-thread time / median {threads}-thread time)")  # fmt: skip


def run_child(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def operator_profile(doc: dict[str, Any]) -> list[str]:
    """DuckDB's profile of the load query as a tree: each operator's own time and rows out; a
    projection lists the expressions it computes (the rules live in the heavy ones)."""
    total = sum_timing = 0.0
    lines: list[str] = []

    def walk(node: dict[str, Any], depth: int) -> None:
        nonlocal sum_timing
        name = str(node.get("name") or "")
        timing = float(node.get("timing") or 0.0)
        sum_timing += timing
        exprs = node.get("extra_info", {}).get("Projections") or []
        what = f" [{', '.join(map(str, exprs))[:90]}]" if name == "PROJECTION" and timing > 0.05 * total else ""
        if name:
            lines.append(
                f"    {'  ' * depth}{name} {timing:.2f} s, {int(node.get('intermediate_rows') or 0):,} rows{what}"
            )
        for child in node.get("children") or []:
            walk(child, depth + 1)

    total = float(doc.get("query", {}).get("cpu_time") or 0.0) or 1.0
    for op in doc.get("operator") or []:
        walk(op, 0)
    lines.append(f"    CPU time of the query {total:.2f} s (operators above: {sum_timing:.2f} s)")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=datagen.parse_size, default=datagen.parse_size("1GB"))
    p.add_argument("--path", type=Path)
    p.add_argument("--threads", type=int, action="append", help="engine passes to run (default: 1 and 2)")
    p.add_argument("--engine-only", action="store_true", help="skip the csv.reader baseline")
    p.add_argument("--function-mb", type=int, help="function memory the limit derives from (default: by threads)")
    p.add_argument("--profile", action="store_true", help="print DuckDB's operator profile of the load query")
    p.add_argument("--steps", action="store_true", help="time validate and transform each on its own (cost profile)")
    p.add_argument("--repeat", type=int, default=1, help="with --steps: runs per thread count (medians printed)")
    p.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    record.add_option(p, "bench-handlers")
    a = p.parse_args()
    if a.child is not None:
        kind, path, *rest = a.child
        if kind == "step":
            step, path, *rest = a.child[1:]
            result = child_step(step, path, int(rest[0]), int(rest[1]), rest[2])
        elif kind == "csv":
            result = child_csv(path)
        else:
            result = child_engine(path, int(rest[0]), int(rest[1]), rest[2] == "1")
        print(json.dumps(result))
        return 0
    return record.run(a.record, lambda: measure(a))


def measure(a: argparse.Namespace) -> int:
    path = a.path or Path(f"/tmp/txn_bench_{a.size // 10**6}MB_s{SEED}.csv")
    ensure_file(path, a.size)
    mb = path.stat().st_size / 1e6
    print(f"file                 {path} ({mb:.0f} MB)")
    print(f"load average         {os.getloadavg()[0]:7.2f}      ({os.cpu_count()} CPUs, shared)", flush=True)
    if a.steps:
        run_steps(path, a.threads or [1, 2], a.repeat, a.function_mb)
        print(f"load average         {os.getloadavg()[0]:7.2f}      at the end")
        return 0
    base = None
    if not a.engine_only:
        base = run_child("csv", str(path))
        print(f"bare csv.reader      {mb / base['seconds']:7.1f} MB/s  ({base['seconds']:.1f} s, "
              f"{base['records']} records, peak RSS {base['rss_mb']:.0f} MB)", flush=True)  # fmt: skip
    for threads in a.threads or [1, 2]:
        function_mb = a.function_mb or CONFIGS.get(threads, 1769 * threads)
        r = run_child("engine", str(path), str(threads), str(function_mb), "1" if a.profile else "0")
        rate = mb / r["seconds"]
        print(f"validate+transform   {rate:7.1f} MB/s  ({r['seconds']:.1f} s) with {threads} thread(s), engine memory "
              f"limit {r['memory_limit_mb']} MB (a {function_mb} MB function)")  # fmt: skip
        print(f"  rows               {r['rows_read']:,} read, {r['accepted']:,} accepted, {r['rejected']:,} "
              f"rejected; {r['days']} Parquet files {r['parquet_mb']:.0f} MB, "
              f"quarantine {r['quarantine_mb']:.1f} MB")  # fmt: skip
        print(f"  seconds per phase  {', '.join(f'{k} {v:.1f}' for k, v in r['timings'].items())}")
        verdict = "OK" if r["rss_mb"] <= function_mb else "ABOVE"
        print(f"  peak RSS           {r['rss_mb']:7.0f} MB    (function memory {function_mb} MB) {verdict}; "
              f"spilled to disk at most {r['spill_mb']:.0f} MB")  # fmt: skip
        if base is not None:
            ratio = rate / (mb / base["seconds"])
            target = 0.5 if threads == 1 else 1.0
            verdict = "OK" if ratio >= target else "BELOW TARGET"
            print(f"  ratio to csv.reader {ratio:6.2f}     (target >= {target}) {verdict}")
        if r.get("profile"):
            print("  DuckDB profile of the load query (read, rules, table):")
            print("\n".join(operator_profile(r["profile"])))
        sys.stdout.flush()
    print(f"load average         {os.getloadavg()[0]:7.2f}      at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
