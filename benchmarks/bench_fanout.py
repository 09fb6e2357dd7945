"""Per-range throughput of the large-object path, and the capacity model built on it (not part of the tests).

    .venv/bin/python benchmarks/bench_fanout.py                 # one 256 MiB range (the stack's range size)
    .venv/bin/python benchmarks/bench_fanout.py --size 64MB     # quicker
    .venv/bin/python benchmarks/bench_fanout.py --record        # + docs/benchmarks.md

Over one range-sized file (``tools/datagen.py``, seed 2, 0.5 % bad rows), each pass in its own child
process, one after the other, with the engine's limits of a 3,538 MB function (2 threads):

- the baseline: a bare ``csv.reader`` pass over the same file (measured in the same run);
- the single-function path: validate (load, duplicates, rejects) and transform (load, duplicates, Parquet,
  totals), what a small file costs per MB;
- the range step: load, rejects, every valid row to its hash partition (25 partitions, a 50 GB file's);
- the partition step over all of those files (so it checks as many rows as the range holds);
- merge: the quarantine lines of the range renumbered (``fanout.merge_rejects``).

Then the capacity model for 500 GB a day in files of 100 MB, 1 GB and 50 GB: wall time per file,
concurrency, Lambda GB-seconds and cost per day, from these rates and the stack's settings. S3 transfer is
not measurable on this machine: the model adds it at ``--s3-mbps`` per invocation (an assumption, printed).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
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
from stack.config import DEFAULT_FUNCTIONS, FanOutSettings  # noqa: E402
from tools import datagen  # noqa: E402

SEED, BAD_RATIO = 2, 0.005
FUNCTION_MB, THREADS = 3538, 2
PARTITIONS = 25  # a 50 GB file at 2 GiB of file per partition
LAMBDA_GB_SECOND = 0.0000133334  # arm64, us-east-2 (cost_estimate/data/prices-us-east-2.json)
SFN_TRANSITION = 0.000025  # STANDARD workflows, per state transition
DAY_BYTES = 500 * 10**9


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, path: str, work: str) -> dict[str, Any]:
    if kind == "csv":
        t0 = time.perf_counter()
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            n = sum(1 for _ in csv.reader(f))
        return {"seconds": time.perf_counter() - t0, "records": n}
    from txn_pipeline import engine
    from txn_pipeline import fanout as fo
    from txn_pipeline.config import engine_memory_mb

    limits = engine.Limits(
        threads=THREADS, memory_mb=engine_memory_mb({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(FUNCTION_MB)}),
        temp_dir=Path(work) / f"spill-{kind}",
    )  # fmt: skip
    lines: list[str] = []

    def sink(rejection: engine.Rejected) -> None:  # what the quarantine (or a range's rejects) serialises
        lines.append(json.dumps(rejection.to_json_obj(), ensure_ascii=True) + "\n")

    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    if kind == "partition":
        files = sorted(Path(work, "parts").glob("part=*.parquet"))
        result = engine.check_partition(files, Path(work) / "curated", limits=limits)
        out = {"valid": result.valid, "duplicates": len(result.duplicates)}
    elif kind == "merge":
        rejects = Path(work, "rejects.jsonl").read_bytes().splitlines(keepends=True)
        n = sum(1 for _ in fo.merge_rejects(rejects, [], 123_456_789))
        out = {"lines": n}
    else:
        with engine.Engine(limits) as e:
            e.load_csv(Path(path))
            if kind == "range":
                e.skip_duplicates()
            else:
                e.dedupe()
            counts = e.counts()
            out = {"rows_read": counts.rows_read, "rejected": counts.rejected}
            if kind in ("validate", "range"):
                e.rejects(sink)
            if kind == "transform":
                e.aggregates(e.write_curated(Path(work) / "single"))
            if kind == "range":
                e.write_partitions(Path(work) / "parts", range_index=0, partitions=PARTITIONS)
                Path(work, "rejects.jsonl").write_text("".join(lines))
    return {**out, "seconds": time.perf_counter() - t0, "rss_mb": peak_rss_mb()}


def run_child(kind: str, path: Path, work: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, str(path), str(work)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def model(rates: dict[str, float], *, s3_mbps: float, bad_ratio: float, row_bytes: float) -> list[str]:
    """Wall time, concurrency, GB-seconds and cost per day for 500 GB a day in files of each size."""
    f = FanOutSettings()
    fn = DEFAULT_FUNCTIONS
    gb = {step: fn[step].memory_mb / 1024 for step in fn}
    rows = ["| File size | Files a day | Path | Wall time per file | Concurrency per file | Lambda GB-s a day | "
            "Lambda $ a day | Step Functions $ a day |",
            "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for size in (100 * 10**6, 10**9, 50 * 10**9):
        files = DAY_BYTES / size
        mb = size / 1e6
        down = mb / s3_mbps
        if size <= f.threshold_bytes:
            v = down + mb / rates["validate"]
            t = down + mb / rates["transform"]
            wall = v + t + 1.0  # + ingest, load: about a second together
            gbs = v * gb["validate"] + t * gb["transform"] + 0.3 * gb["ingest"] + 0.5 * gb["load"]
            transitions = 12
            path, conc = "single function", "1"
        else:
            ranges = math.ceil(size / f.range_bytes)
            parts = math.ceil(size / f.partition_bytes)
            range_mb = f.range_bytes / 1e6
            t_range = range_mb / s3_mbps + range_mb / rates["range"]
            part_mb = size / parts / 1e6
            t_part = part_mb * 0.33 / s3_mbps + part_mb / rates["partition"]  # reads its Parquet (0.33x the text)
            t_merge = (mb * 1e6 / row_bytes * bad_ratio) / rates["merge_lines"] + 2.0  # rejects + copies
            waves_r = math.ceil(ranges / f.max_concurrency)
            waves_p = math.ceil(parts / f.max_concurrency)
            wall = 1.0 + waves_r * t_range + waves_p * t_part + t_merge + 1.0
            gbs = (ranges * t_range * gb["range"] + parts * t_part * gb["partition"] + t_merge * gb["merge"]
                   + 1.0 * gb["plan"] + 0.8 * (gb["ingest"] + gb["load"]))  # fmt: skip
            transitions = 16 + 4 * (ranges + parts)
            path = f"fan-out: {ranges} ranges, {parts} partitions"
            conc = f"{min(ranges, f.max_concurrency)}"
        rows.append(
            f"| {size / 1e9:g} GB | {files:,.0f} | {path} | {wall:,.0f} s | {conc} | {gbs * files:,.0f} | "
            f"${gbs * files * LAMBDA_GB_SECOND:.2f} | ${transitions * files * SFN_TRANSITION:.3f} |"
        )
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=datagen.parse_size, default=FanOutSettings().range_bytes)
    p.add_argument("--s3-mbps", type=float, default=80.0, help="assumed S3 read/write MB/s per invocation")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    record.add_option(p, "bench-fanout")
    a = p.parse_args()
    if a.child:
        print(json.dumps(child(*a.child)))
        return 0
    return record.run(a.record, lambda: measure(a))


def measure(a: argparse.Namespace) -> int:
    path = Path(f"/tmp/txn_bench_{a.size // 10**6}MB_s{SEED}.csv")
    if not (path.exists() and path.stat().st_size >= a.size * 0.99):
        with open(path.with_suffix(".part"), "wb") as out:
            stats = datagen.generate(out, size=a.size, seed=SEED, bad_ratio=BAD_RATIO)
        path.with_suffix(".part").rename(path)
        print(f"generated {path}: {stats['rows']:,} rows, {stats['bad']:,} bad")
    mb = path.stat().st_size / 1e6
    range_mb = FanOutSettings().range_bytes / 1e6
    print(f"file                 {path} ({mb:.0f} MB; the stack's ranges are {range_mb:.0f} MB)")
    print(f"load average         {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs, shared)", flush=True)
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        work = Path(tmp)
        base = run_child("csv", path, work)
        rate = mb / base["seconds"]
        print(f"bare csv.reader      {rate:7.1f} MB/s ({base['seconds']:.1f} s, {base['records']:,} records)")
        passes = (
            ("validate", "single path: validate"),
            ("transform", "single path: transform"),
            ("range", f"range step ({PARTITIONS} partitions)"),
            ("partition", "partition step (the range's rows)"),
            ("merge", "merge: rejects renumbered"),
        )
        for kind, what in passes:
            r = run_child(kind, path, work)
            rates[kind] = mb / r["seconds"]
            extra = {k: v for k, v in r.items() if k not in ("seconds", "rss_mb")}
            print(f"{what:<36} {rates[kind]:7.1f} MB/s ({r['seconds']:.1f} s, peak RSS {r['rss_mb']:.0f} MB "
                  f"of {FUNCTION_MB}) {extra}", flush=True)  # fmt: skip
            if kind == "merge":
                rates["merge_lines"] = r["lines"] / r["seconds"]
            if kind == "range":
                rows_read = r["rows_read"]
    print(f"load average         {os.getloadavg()[0]:.2f} at the end")
    print(f"\ncapacity model (engine rates above, 2 threads; S3 assumed at {a.s3_mbps:.0f} MB/s per invocation):")
    print("\n".join(model(rates, s3_mbps=a.s3_mbps, bad_ratio=BAD_RATIO, row_bytes=mb * 1e6 / rows_read)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
