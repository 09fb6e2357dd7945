"""Unit: the seeded generator is deterministic and reports what it injected."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys

from tests.handlers.conftest import REPO, run_engine
from tools import datagen


def gen(**kw) -> tuple[bytes, dict]:
    buf = io.BytesIO()
    stats = datagen.generate(buf, **kw)
    return buf.getvalue(), stats


def test_same_seed_same_bytes_and_different_seed_differs():
    assert gen(rows=300, seed=4, bad_ratio=0.2)[0] == gen(rows=300, seed=4, bad_ratio=0.2)[0]
    assert gen(rows=300, seed=4)[0] != gen(rows=300, seed=5)[0]


def test_bad_row_count_matches_validation(tmp_path):
    data, stats = gen(rows=2000, seed=9, bad_ratio=0.15)
    counts = run_engine(tmp_path, data).counts
    assert (counts.rows_read, counts.rejected) == (2000, stats["bad"])
    assert len(counts.by_reason) >= 12


def test_size_limit_and_cli_gzip(tmp_path):
    _, stats = gen(size=50_000, seed=1)
    assert 50_000 <= stats["bytes"] < 50_400
    out = tmp_path / "x.jsonl.gz"
    subprocess.run([sys.executable, str(REPO / "tools" / "datagen.py"), "--rows", "10", "--format", "jsonl",
                    "--gzip", "-o", str(out)], check=True, capture_output=True)  # fmt: skip
    assert len(gzip.decompress(out.read_bytes()).splitlines()) == 10
    assert datagen.parse_size("1GB") == 10**9 and datagen.parse_size("512KiB") == 512 * 1024
