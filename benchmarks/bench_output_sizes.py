"""What one raw transaction file turns into: the sizes the cost profile's S3 and DynamoDB numbers rest on.

    .venv/bin/python benchmarks/bench_output_sizes.py                 # 100 MB generated file in /tmp
    .venv/bin/python benchmarks/bench_output_sizes.py --size 1GB      # the handler benchmark's file size
    .venv/bin/python benchmarks/bench_output_sizes.py --record        # + docs/benchmarks.md

Generates a file with ``tools/datagen.py`` (seed 1, 0.5% bad rows, the handler benchmark's settings), runs
the engine over it as the transform step does (``engine.run`` with the curated Parquet files written to a
temporary directory, rejected rows gzipped as the quarantine writer does) and prints: curated and
quarantine bytes as a fraction of the raw bytes, rows per GB, distinct days, curated objects and
day/currency aggregates per file. No AWS, no network.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "handlers" / "layer" / "python")]

from txn_pipeline import engine  # noqa: E402
from txn_pipeline.writers import GzipObjectWriter  # noqa: E402

from benchmarks import record  # noqa: E402
from tools import datagen  # noqa: E402

SEED, BAD_RATIO = 1, 0.005
QUARANTINE_LEVEL = GzipObjectWriter.__init__.__kwdefaults__["level"]  # type: ignore[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=datagen.parse_size, default=datagen.parse_size("100MB"))
    record.add_option(parser, "bench-output-sizes")
    args = parser.parse_args()
    return record.run(args.record, lambda: measure(args))


def measure(args: argparse.Namespace) -> int:
    path = Path(f"/tmp/txn_sizes_{args.size // 10**6}MB_s{SEED}.csv")
    if not path.exists() or path.stat().st_size < args.size * 0.99:
        with open(path, "wb") as out:
            datagen.generate(out, size=args.size, seed=SEED, bad_ratio=BAD_RATIO)
    raw = path.stat().st_size
    quarantine = zlib.compressobj(QUARANTINE_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    quarantine_bytes = 0

    def reject(rejection: engine.Rejected) -> None:
        nonlocal quarantine_bytes
        line = json.dumps(rejection.to_json_obj(), ensure_ascii=True) + "\n"  # as QuarantineWriter
        quarantine_bytes += len(quarantine.compress(line.encode()))

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-sizes-") as tmp:
        limits = engine.Limits(temp_dir=Path(tmp) / "spill")
        result = engine.run(path, "csv", limits=limits, on_reject=reject, curated_dir=Path(tmp) / "curated")
        curated = [p for paths in result.curated.values() for p in paths]
        curated_bytes = sum(p.stat().st_size for p in curated)
    quarantine_bytes += len(quarantine.flush())
    counts, days = result.counts, sorted(result.curated)
    print(f"raw file            {raw:,} bytes, {counts.rows_read:,} rows ({counts.rows_read / raw * 1e9:,.0f} rows/GB)")
    print(f"rejected            {counts.rejected:,} rows ({counts.rejected / counts.rows_read:.4f} of rows)")
    print(f"curated (Parquet)   {curated_bytes:,} bytes = {curated_bytes / raw:.4f} x raw, {len(curated)} objects")
    print(f"quarantine (gzip -{QUARANTINE_LEVEL}) {quarantine_bytes:,} bytes = {quarantine_bytes / raw:.5f} x raw")
    print(f"days per file       {len(days)} ({', '.join(days)})")
    print(f"aggregates          {len(result.aggregates)} day/currency items")
    print(f"pass time           {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
