"""Synth wall time of the full pipeline stack: lazy provider loader vs the eager import.

Each run is a fresh ``python -m stack.app`` process (what a developer or CI pays), so the
numbers include interpreter start, the jsii/node kernel, aspects and writing cdktf.out.
Target (issue 2): the full stack synthesizes in <= 6 s wall on the 2-core dev machine.

    .venv/bin/python benchmarks/bench_synth.py [--runs 5] [--eager-runs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 6.0


def synth_once(*, eager: bool) -> float:
    with tempfile.TemporaryDirectory() as outdir:
        env = {**os.environ, "CDKTF_OUTDIR": outdir, "TFCDK_EAGER_PROVIDER_IMPORT": "1" if eager else "0"}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "stack.app"], cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--eager-runs", type=int, default=2)
    args = parser.parse_args()
    synth_once(eager=False)  # warm the OS file cache and asset staging
    fast = [synth_once(eager=False) for _ in range(args.runs)]
    eager = [synth_once(eager=True) for _ in range(args.eager_runs)] if args.eager_runs else []
    fast_median = statistics.median(fast)
    print(
        f"lazy loader : median {fast_median:5.2f} s  min {min(fast):5.2f} s  ({args.runs} runs: "
        + ", ".join(f"{t:.2f}" for t in fast)
        + ")"
    )
    if eager:
        eager_median = statistics.median(eager)
        print(f"eager import: median {eager_median:5.2f} s  min {min(eager):5.2f} s  ({args.eager_runs} runs)")
        print(f"speed-up    : {eager_median / fast_median:4.1f}x")
    verdict = "meets" if fast_median <= TARGET_SECONDS else "MISSES"
    print(f"target      : <= {TARGET_SECONDS:.0f} s wall -> {verdict} the target")
    return 0 if fast_median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
