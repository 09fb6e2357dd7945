"""Evaluate synthesized documents without cdktf: ``python -m aspects.cli cdktf.out [more paths]``.

Accepts ``cdk.tf.json`` files or directories (searched for ``stacks/*/cdk.tf.json`` and
``cdk.tf.json``). Prints one line per finding and exits 1 when any error-level finding is left:
this is what CI runs on output synthesized with ``CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from aspects.document import evaluate_document
from aspects.policy import GovernancePolicy


def documents(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob("**/cdk.tf.json"))
        else:
            yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="cdk.tf.json files or cdktf.out directories")
    parser.add_argument("--min-pitr-recovery-days", type=int, default=None)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (suppression expiry)")
    args = parser.parse_args(argv)
    policy = GovernancePolicy(min_pitr_recovery_days=args.min_pitr_recovery_days)
    found = list(documents(args.paths))
    if not found:
        print("no cdk.tf.json found", file=sys.stderr)
        return 2
    errors = 0
    for path in found:
        report = evaluate_document(json.loads(path.read_text()), policy, today=args.today)
        errors += len(report.errors)
        print(
            f"{path}: {len(report.errors)} errors, {len(report.warnings)} warnings, {len(report.suppressed)} suppressed"
        )
        for finding in report.findings:
            print(f"  {finding.level.upper()} {finding.format()}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
