"""Evaluate the specification on any synthesized stack: ``python -m tests.invariants <cdk.tf.json>...``.

The environment suffix is read from the stack name (``pipeline-<suffix>``); the expected region is
``$AWS_REGION`` or us-east-2, as for the app. Exit status 1 when any invariant fails.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .engine import Context, evaluate_all, report
from .spec import DEFAULT_REGION, INVARIANTS


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        document = json.loads(Path(path).read_text())
        stack = str(document.get("//", {}).get("metadata", {}).get("stackName", ""))
        suffix = stack.removeprefix("pipeline-")
        ctx = Context(document=document, suffix=suffix, region=os.environ.get("AWS_REGION", DEFAULT_REGION))
        failures = [f for found in evaluate_all(INVARIANTS, ctx).values() for f in found]
        print(f"{path}: {len(INVARIANTS)} invariants, {len(failures)} failure(s)")
        if failures:
            failed = True
            print(report(failures))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
