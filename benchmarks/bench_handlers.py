"""Performance benchmark of the handlers' engine (not part of the test run).

    .venv/bin/python benchmarks/bench_handlers.py                   # 1 GB CSV in /tmp, reused if present
    .venv/bin/python benchmarks/bench_handlers.py --size 100MB      # quicker
    .venv/bin/python benchmarks/bench_handlers.py --profile         # + DuckDB's profile of the load query
    .venv/bin/python benchmarks/bench_handlers.py --size 4GB --engine-only --threads 1   # bounded memory
    .venv/bin/python benchmarks/bench_handlers.py --record [SECTION]   # + docs/benchmarks.md

Each pass runs in its own child process, one after the other, over the same file: a bare
``csv.reader`` pass (the baseline), then validate+transform in the engine (every rule, the
duplicate check, the rejects serialised as the quarantine writes them, the per-day and currency
totals and the curated Parquet files), with 1 thread under the memory limit of a 1,769 MB
function (one vCPU) and with 2 threads under that of a 3,538 MB function (two vCPUs), the limit
derived exactly as the handlers derive it (``txn_pipeline.config``), spilling to a temporary
directory. The parent prints MB/s, the ratio to the baseline (targets: >= 0.5 on one thread,
>= 1.0 on two) and each child's peak RSS against the function memory it stands for.
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
    p.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    record.add_option(p, "bench-handlers")
    a = p.parse_args()
    if a.child is not None:
        kind, path, *rest = a.child
        result = child_csv(path) if kind == "csv" else child_engine(path, int(rest[0]), int(rest[1]), rest[2] == "1")
        print(json.dumps(result))
        return 0
    return record.run(a.record, lambda: measure(a))


def measure(a: argparse.Namespace) -> int:
    path = a.path or Path(f"/tmp/txn_bench_{a.size // 10**6}MB_s{SEED}.csv")
    ensure_file(path, a.size)
    mb = path.stat().st_size / 1e6
    print(f"file                 {path} ({mb:.0f} MB)")
    print(f"load average         {os.getloadavg()[0]:7.2f}      ({os.cpu_count()} CPUs, shared)", flush=True)
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
