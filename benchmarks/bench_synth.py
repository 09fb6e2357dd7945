"""Synth wall time of the full pipeline stack: lazy provider loader vs the eager import.

Each run is a fresh ``python -m stack.app`` process (what a developer or CI pays), so the
numbers include interpreter start, the jsii/node kernel, aspects and writing cdktf.out.
Target: the full stack synthesizes in <= 6 s wall on the 2-core dev machine.

    .venv/bin/python benchmarks/bench_synth.py [--runs 5] [--eager-runs 2] [--record]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks import record  # noqa: E402

TARGET_SECONDS = 6.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def synth_once(*, eager: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the synth process and its node kernel)."""
    with tempfile.TemporaryDirectory() as outdir:
        env = {**os.environ, "CDKTF_OUTDIR": outdir, "TFCDK_EAGER_PROVIDER_IMPORT": "1" if eager else "0"}
        cpu_before = _children_cpu()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "stack.app"], cwd=REPO_ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
        return time.perf_counter() - started, _children_cpu() - cpu_before


def describe(label: str, runs: list[tuple[float, float]]) -> str:
    walls = [w for w, _ in runs]
    return (
        f"{label}: wall median {statistics.median(walls):6.2f} s (min {min(walls):6.2f}); "
        f"CPU median {statistics.median(c for _, c in runs):6.2f} s; runs: " + ", ".join(f"{w:.2f}" for w in walls)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--eager-runs", type=int, default=2)
    record.add_option(parser, "bench-synth")
    args = parser.parse_args()
    return record.run(args.record, lambda: measure(args))


def measure(args: argparse.Namespace) -> int:
    print(f"load average (1 min) at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    synth_once(eager=False)  # warm the OS file cache
    fast = [synth_once(eager=False) for _ in range(args.runs)]
    eager = [synth_once(eager=True) for _ in range(args.eager_runs)] if args.eager_runs else []
    fast_median = statistics.median(w for w, _ in fast)
    print(describe("lazy loader ", fast))
    if eager:
        print(describe("eager import", eager))
        print(f"speed-up    : {statistics.median(w for w, _ in eager) / fast_median:4.1f}x (wall medians)")
    print(f"load average (1 min) at end: {os.getloadavg()[0]:.2f}")
    verdict = "meets" if fast_median <= TARGET_SECONDS else "MISSES"
    print(f"target      : <= {TARGET_SECONDS:.0f} s wall -> {verdict} the target")
    return 0 if fast_median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
