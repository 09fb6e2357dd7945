"""Wall time of the policy gate (checkov: CKV_FIN_* + built-in checks) on the full pipeline stack.

The stack is synthesized once (not timed); then, alternating so both see the same machine load:
``checkov --version`` (bare start-up: imports, no scan) and the whole gate
``python -m policies.gate <outdir>`` (the gate's own process, checkov start-up, parse, all checks,
four report formats). Target: the gate in <= 8 s wall on the 2-core dev machine.

    .venv/bin/python benchmarks/bench_policy.py [--runs 5] [--outdir DIR] [--record]
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
sys.path.insert(0, str(REPO_ROOT))

from benchmarks import record  # noqa: E402
from policies.gate import OFFLINE_ENV  # noqa: E402

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"

TARGET_SECONDS = 8.0


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=REPO_ROOT, env={**os.environ, **OFFLINE_ENV}, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {completed.returncode}:\n{completed.stdout}\n{completed.stderr}")
    return elapsed


def line(label: str, times: list[float]) -> str:
    runs = ", ".join(f"{t:.2f}" for t in times)
    median = statistics.median(times)
    return f"{label:<16}: median {median:5.2f} s  min {min(times):5.2f} s  ({len(times)} runs: {runs})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--outdir", type=Path, help="an existing cdktf.out (default: synthesize into a temp dir)")
    record.add_option(parser, "bench-policy")
    args = parser.parse_args()
    return record.run(args.record, lambda: measure(args))


def measure(args: argparse.Namespace) -> int:
    if not CHECKOV.exists():
        raise SystemExit(f"{CHECKOV} missing: run `make checkov-env`")
    with tempfile.TemporaryDirectory() as tmp:
        outdir = args.outdir or Path(tmp) / "cdktf.out"
        if args.outdir is None:
            subprocess.run(
                [sys.executable, "-m", "stack.app"],
                cwd=REPO_ROOT,
                env={**os.environ, "CDKTF_OUTDIR": str(outdir)},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        gate = [sys.executable, "-m", "policies.gate", str(outdir), "--reports", str(Path(tmp) / "reports"),
                "--checkov", str(CHECKOV), "--skip-config", "stack/checkov-skips.yaml"]  # fmt: skip
        version = [str(CHECKOV), "--version"]
        timed(version)  # warm the OS file cache (and write any missing bytecode)
        startup, whole = [], []
        for _ in range(args.runs):
            startup.append(timed(version))
            whole.append(timed(gate))
    median = statistics.median(whole)
    print(line("checkov start-up", startup))
    print(line("policy gate", whole))
    print(f"scan + reports  : median {median - statistics.median(startup):5.2f} s (gate minus bare start-up)")
    verdict = "meets" if median <= TARGET_SECONDS else "MISSES"
    print(f"target          : <= {TARGET_SECONDS:.0f} s wall -> {verdict} the target (load: {os.getloadavg()[0]:.2f})")
    return 0 if median <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
