"""Evaluate Terraform JSON documents without cdktf: ``python -m aspects.cli cdktf.out [more paths]``.

Accepts ``*.tf.json`` files or directories (searched for ``**/*.tf.json``), in any Terraform JSON syntax.
The policy is ``--policy FILE`` (or ``$GOVERNANCE_POLICY``) when given, else the one ``govern()``
recorded in each document, else ``./governance.toml``, else the built-in defaults. Prints one line per
finding and exits 1 when any error-level finding is left, 2 when an input or the policy cannot be read
(the message names the file and the JSON path or policy field): this is what CI runs on output
synthesized with ``CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

from aspects.document import evaluate_document
from aspects.policy import PolicyError, explicit_policy, resolve_policy
from aspects.tfjson import DocumentError, load_document


def documents(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.glob("**/*.tf.json") if ".terraform" not in p.parts)
        else:
            yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aspects.cli", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="*.tf.json files or directories (e.g. cdktf.out)")
    parser.add_argument("--policy", type=Path, default=None, help="governance policy file (TOML); see docs")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (suppression expiry)")
    args = parser.parse_args(argv)
    try:
        explicit = explicit_policy(args.policy)
    except PolicyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"error: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    found = list(documents(args.paths))
    if not found:
        print(f"error: no *.tf.json under {', '.join(map(str, args.paths))}", file=sys.stderr)
        return 2
    errors = 0
    for path in found:
        try:
            document = load_document(path)
            policy, source = resolve_policy(document.meta, explicit, source=str(path))
        except (DocumentError, PolicyError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        report = evaluate_document(document, policy, today=args.today)
        errors += len(report.errors)
        print(
            f"{path}: {len(report.errors)} errors, {len(report.warnings)} warnings, {len(report.suppressed)} "
            f"suppressed (policy: {source})"
        )
        for finding in report.findings:
            print(f"  {finding.level.upper()} {finding.format()}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
