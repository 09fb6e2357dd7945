"""How fast could a pure-Python validate+transform be at best? (issue 6's 0.5x target)

    .venv/bin/python benchmarks/bench_ceiling.py                  # the 1 GB file bench_handlers.py uses
    .venv/bin/python benchmarks/bench_ceiling.py --path other.csv

Times, in one process over the same file, the bare ``csv.reader`` pass (the
baseline) and two *skeletons*: the parts of the work no implementation can
skip, each in the cheapest C-level form we know, and nothing else (no output,
no aggregates, no odd rows, no quarantine):

* regex skeleton: read + decode 1 MiB blocks, split them with the core's
  validating fast-path regex (CSV splitting and every syntactic rule in one C
  pass), fingerprint the ids with C-level ``map`` s, one probe + insert per row
  into a duplicate table sized for the file (``array('Q')``, load <= 0.7);
* csv skeleton: ``csv.reader`` itself as the splitter (no validation at all)
  + the same fingerprints and probe.

A skeleton's ratio to the baseline is an upper bound for any implementation
built from those parts: the real core must also validate odd rows, serialise
JSON, route by day and sum amounts.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "handlers" / "layer" / "python")]

from txn_pipeline.core import CHUNK_CHARS, Deduper, fast_pattern  # noqa: E402

DEFAULT = Path("/tmp/txn_bench_1000MB_s1.csv")  # written by bench_handlers.py


class Table:
    """The probe every row needs: one read (+ one write when new) in a table sized for the file."""

    def __init__(self, rows: int) -> None:
        bits = max(10, int(rows / Deduper.MAX_LOAD).bit_length())
        self.t = array("Q", bytes(8 << bits))
        self.shift = 64 - bits
        self.dupes = 0

    def add_all(self, ids: Iterable[str]) -> None:
        t, shift, mask = self.t, self.shift, len(self.t) - 1
        fps = map(hash, map(int.from_bytes, map(str.encode, ids)))
        for fp in fps:
            i = ((fp * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> shift
            v = t[i]
            while v and v != fp:
                i = (i + 1) & mask
                v = t[i]
            if v:
                self.dupes += 1
            else:
                t[i] = fp


def blocks(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.readline()
        while block := f.read(CHUNK_CHARS):
            yield block if block[-1] == "\n" else block + f.readline()


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn()
    return time.perf_counter() - t0, n


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--path", type=Path, default=DEFAULT)
    a = p.parse_args()
    if not a.path.exists():
        raise SystemExit(f"{a.path} does not exist: run benchmarks/bench_handlers.py first (it writes it)")
    size = a.path.stat().st_size

    def bare_csv() -> int:
        with open(a.path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            return sum(1 for _ in csv.reader(f))

    t_csv, records = timed(bare_csv)
    with open(a.path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        columns = next(csv.reader(f))
    split = fast_pattern(columns, multiline=True).split
    width = fast_pattern(columns).groups + 1

    def regex_skeleton() -> int:
        table, n = Table(records), 0
        for block in blocks(a.path):
            ids = split(block)[1::width]
            n += len(ids)
            table.add_all(ids)
        return n

    def csv_skeleton() -> int:
        table = Table(records)
        with open(a.path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            rows = csv.reader(f)
            next(rows)
            n = 0
            while chunk := [r[0] for r in islice(rows, 10_000)]:
                n += len(chunk)
                table.add_all(chunk)
        return n

    t_rx, fast_rows = timed(regex_skeleton)
    t_cs, _ = timed(csv_skeleton)
    mb = size / 1e6
    print(f"file                 {a.path} ({mb:.0f} MB, {records - 1} records, {fast_rows} on the fast path)")
    print(f"bare csv.reader      {mb / t_csv:7.1f} MB/s  {t_csv / records * 1e6:5.2f} us/row")
    for name, t in (("regex skeleton", t_rx), ("csv skeleton", t_cs)):
        print(f"{name:20s} {mb / t:7.1f} MB/s  {t / records * 1e6:5.2f} us/row  ratio {t_csv / t:4.2f} (upper bound)")
    print(f"load average         {os.getloadavg()[0]:7.2f}      ({os.cpu_count()} CPUs, shared)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
