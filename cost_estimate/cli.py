"""``cost-estimate``: monthly cost of synthesized stacks for a usage profile, offline.

    cost-estimate CDKTF_OUT [more ...] [--usage usage.yml] [--month N] [--compare CDKTF_OUT ...]
                  [--format table|json|markdown] [--output FILE] [--prices SNAPSHOT.json] [--strict]

Prices come from the dated price snapshot packaged with the tool (``cost_estimate/data``); usage from
``--usage`` (default: the transaction pipeline's profile, ``cost_estimate/profiles/default.yml``).
``--compare`` estimates other synthesized stacks with the same profile and prices and shows the
difference per service and in total (this estimate minus the other).

Exit codes: 0 estimated; 1 ``--strict`` and some resource or line item is not priced; 2 bad input
(no stack, unreadable or invalid usage file or price snapshot).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cost_estimate import prices, profile
from cost_estimate.estimate import estimate_paths
from cost_estimate.model import Comparison
from cost_estimate.render import FORMATS, render
from tag_audit.static import InputError

EXIT_OK, EXIT_NOT_PRICED, EXIT_INPUT = 0, 1, 2


def _month(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 240:
        raise argparse.ArgumentTypeError("a month between 1 and 240")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cost-estimate", description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="+", type=Path, metavar="CDKTF_OUT", help="cdktf.out, stacks/<name> or cdk.tf.json")
    p.add_argument("--usage", type=Path, metavar="FILE", help="usage profile YAML (default: the pipeline's profile)")
    p.add_argument("--month", type=_month, metavar="N", help="estimate month N after go-live (overrides the profile)")
    p.add_argument("--compare", nargs="+", type=Path, metavar="CDKTF_OUT", help="baseline stacks to compare with")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    p.add_argument("--prices", type=Path, metavar="FILE", help="price snapshot JSON (default: the packaged one)")
    p.add_argument("--strict", action="store_true", help="exit 1 when anything is not priced")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        usage = profile.load(args.usage, {"month": args.month} if args.month else None)
        book = prices.load(args.prices, region=usage.region)
        label = str(args.usage or profile.DEFAULT_PROFILE.relative_to(Path(profile.__file__).parents[1]))
        estimate = estimate_paths(args.paths, usage, book, profile_path=label)
        comparison = None
        if args.compare:
            comparison = Comparison(estimate, estimate_paths(args.compare, usage, book, profile_path=label))
    except (InputError, profile.ProfileError, prices.PriceError, ValueError) as error:
        print(f"cost-estimate: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    text = render(estimate, args.format, comparison)
    if args.output:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(text)
        except OSError as error:
            print(f"cost-estimate: error: cannot write {args.output}: {error}", file=sys.stderr)
            return EXIT_INPUT
        print(f"cost-estimate: wrote {args.output} ({estimate.total:,.2f} USD a month)")
    else:
        sys.stdout.write(text)
    return EXIT_NOT_PRICED if args.strict and estimate.not_priced else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
