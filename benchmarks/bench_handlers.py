"""Performance benchmark for the handlers' validate+transform core (not part of the test run).

    .venv/bin/python benchmarks/bench_handlers.py                 # 1 GB CSV in /tmp, reused if present
    .venv/bin/python benchmarks/bench_handlers.py --size 100MB    # quicker
    .venv/bin/python benchmarks/bench_handlers.py --gzip-output   # also deflate the curated output

One child process reads the same file three times: a bare ``csv.reader`` pass
(the baseline), the issue's naive reference loop (``DictReader`` + ``Decimal``
+ ``fromisoformat``, nothing else checked or written) and the core pass
(``RowProcessor``: every validation rule, duplicate detection, normalisation,
curated JSON serialisation and per day/currency aggregates, with the dedupe
table pre-sized from the file size as the validate step does;
``--gzip-output`` adds the zlib compression the transform step applies). The
parent prints MB/s for each, the core/baseline ratio (target >= 0.5) and the
child's peak RSS from ``getrusage(RUSAGE_CHILDREN)`` (target <= 256 MB for
1 GB). ``bench_ceiling.py`` measures how high that ratio can go at best.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
import zlib
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "handlers" / "layer" / "python")]

from txn_pipeline.core import RowProcessor  # noqa: E402

from tools import datagen  # noqa: E402

SEED, BAD_RATIO = 1, 0.005


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


class CountingSink:
    def __init__(self, gzip_output: bool) -> None:
        self.chars = 0
        self.compressed = 0
        self.gzip_output = gzip_output
        self.z: dict[str, zlib._Compress] = {}

    def write(self, day: str, text: str) -> None:
        self.chars += len(text)
        if self.gzip_output:
            z = self.z.get(day) or self.z.setdefault(day, zlib.compressobj(1, zlib.DEFLATED, 31))
            self.compressed += len(z.compress(text.encode()))


def child(path: str, gzip_output: bool) -> None:
    size = os.path.getsize(path)

    def open_text():
        return open(path, encoding="utf-8", errors="surrogateescape", newline="")

    t0 = time.perf_counter()
    records = 0
    with open_text() as f:
        for _ in csv.reader(f):
            records += 1
    t_csv = time.perf_counter() - t0

    # the other reference point: a naive loop that parses two fields and checks nothing else
    t0 = time.perf_counter()
    naive_bad = 0
    with open_text() as f:
        for rec in csv.DictReader(f):
            try:
                Decimal(rec["amount"])
                datetime.fromisoformat(rec["timestamp"])
            except (InvalidOperation, ValueError, TypeError):
                naive_bad += 1
    t_naive = time.perf_counter() - t0

    rejected = []
    sink = CountingSink(gzip_output)
    t0 = time.perf_counter()
    with open_text() as f:
        proc = RowProcessor(on_reject=rejected.append, sink=sink, size_hint=size)  # as validate gets it
        counts = proc.process_csv(f)
    t_core = time.perf_counter() - t0
    print(json.dumps({
        "bytes": size, "records": records, "t_csv": t_csv, "t_core": t_core, "t_naive": t_naive,
        "rows_read": counts.rows_read, "accepted": counts.accepted, "rejected": counts.rejected,
        "curated_chars": sink.chars, "dedupe_bytes": proc.dedupe.memory_bytes(),
    }))  # fmt: skip


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=datagen.parse_size, default=datagen.parse_size("1GB"))
    p.add_argument("--path", type=Path)
    p.add_argument("--gzip-output", action="store_true")
    p.add_argument("--child", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        child(a.child, a.gzip_output)
        return 0
    path = a.path or Path(f"/tmp/txn_bench_{a.size // 10**6}MB_s{SEED}.csv")
    ensure_file(path, a.size)
    cmd = [sys.executable, __file__, "--child", str(path)] + (["--gzip-output"] if a.gzip_output else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    mb = r["bytes"] / 1e6
    csv_rate, core_rate = mb / r["t_csv"], mb / r["t_core"]
    ratio = core_rate / csv_rate
    print(f"file                 {path} ({mb:.0f} MB, {r['rows_read']} rows, {r['rejected']} rejected)")
    print(f"bare csv.reader      {csv_rate:7.1f} MB/s  ({r['t_csv']:.1f} s)")
    print(f"naive DictReader     {mb / r['t_naive']:7.1f} MB/s  ({r['t_naive']:.1f} s; + Decimal + fromisoformat only)")
    label = "core (+gzip output)" if a.gzip_output else "validate+transform "
    print(f"{label}  {core_rate:7.1f} MB/s  ({r['t_core']:.1f} s)")
    print(f"ratio                {ratio:7.2f}      (target >= 0.5)  {'OK' if ratio >= 0.5 else 'BELOW TARGET'}")
    print(f"peak RSS             {rss_mb:7.0f} MB    (target <= 256) {'OK' if rss_mb <= 256 else 'ABOVE TARGET'}")
    print(f"  dedupe table       {r['dedupe_bytes'] / 2**20:7.0f} MiB")
    print(f"load average         {os.getloadavg()[0]:7.2f}      ({os.cpu_count()} CPUs, shared)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
