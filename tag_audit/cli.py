"""``tag-audit``: FinOps tag coverage of synthesized stacks and of a live account.

    tag-audit static cdktf.out [more ...] [--format table|json|csv|markdown] [--output FILE]
                     [--min-coverage N] [--tag-policy POLICY.json]
    tag-audit live --region us-east-2 [--profile P] [--endpoint-url URL] [--compare cdktf.out ...]
                   [same options]

Exit codes: 0 pass; 1 coverage below ``--min-coverage`` or (live with ``--compare``) drift found;
2 bad input (no stack, unreadable file or tag policy); 3 the AWS account could not be read
(access denied, throttled after retries, no credentials, endpoint unreachable).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from aspects.policy import PolicyError as GovernancePolicyError
from aspects.policy import load_policy
from tag_audit import static
from tag_audit.model import DEFAULT_GROUP_KEYS, AuditReport
from tag_audit.policy import PolicyError, TagRequirements
from tag_audit.render import FORMATS, render

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_AWS = 0, 1, 2, 3


def _keys(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    if not keys:
        raise argparse.ArgumentTypeError("at least one key")
    return keys


def _percent(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("a percentage between 0 and 100")
    return value


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    common.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    common.add_argument(
        "--min-coverage", type=_percent, metavar="N", help="exit 1 when overall coverage is below N percent"
    )
    common.add_argument(
        "--tag-policy",
        type=Path,
        metavar="FILE",
        help="AWS Organizations tag policy JSON: its keys are required, its tag_value lists the allowed values "
        "(default: the governance catalog, aspects.policy)",
    )
    common.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="governance policy file (governance.toml): its [tags] required keys are required "
        "(default: the governance catalog's defaults)",
    )
    common.add_argument(
        "--group-by",
        type=_keys,
        default=DEFAULT_GROUP_KEYS,
        metavar="KEYS",
        help=f"comma-separated keys to count resources by (default: {','.join(DEFAULT_GROUP_KEYS)})",
    )
    top = argparse.ArgumentParser(prog="tag-audit", description="FinOps tag coverage audit.")
    commands = top.add_subparsers(dest="command", required=True)
    s = commands.add_parser("static", parents=[common], help="audit synthesized stacks (cdktf.out)")
    s.add_argument("paths", nargs="+", type=Path, metavar="CDKTF_OUT", help="cdktf.out, stacks/<name> or cdk.tf.json")
    live = commands.add_parser("live", parents=[common], help="audit a live account (Resource Groups Tagging API)")
    live.add_argument("--region", required=True, help="AWS region to audit")
    live.add_argument("--profile", help="AWS profile (default: the environment's credentials)")
    live.add_argument("--endpoint-url", help="API endpoint (a local emulator); AWS_ENDPOINT_URL works too")
    live.add_argument(
        "--services",
        type=_keys,
        default=(),
        metavar="LIST",
        help="comma-separated ARN services to list and compare (ResourceTypeFilters), e.g. s3,lambda; "
        "default: all. Resources of other services are listed as not verifiable",
    )
    live.add_argument(
        "--compare",
        nargs="+",
        type=Path,
        metavar="CDKTF_OUT",
        help="synthesized stacks to compare deployed tags with (drift)",
    )
    return top


def requirements_of(args: argparse.Namespace) -> TagRequirements:
    if args.tag_policy and args.policy:
        raise PolicyError("--tag-policy and --policy both name the required keys: give one")
    if args.tag_policy:
        return TagRequirements.from_tag_policy(args.tag_policy)
    if args.policy:
        try:
            policy = load_policy(args.policy)
        except GovernancePolicyError as error:
            raise PolicyError(str(error)) from error
        return TagRequirements.from_catalog(policy, f"governance policy file {args.policy}")
    return TagRequirements.from_catalog()


def run(args: argparse.Namespace) -> AuditReport:
    requirements = requirements_of(args)
    options = {"group_keys": args.group_by, "min_coverage": args.min_coverage}
    if args.command == "static":
        return static.audit(static.load_stacks(args.paths), requirements, **options)
    from tag_audit import drift, live

    stacks = static.load_stacks(args.compare) if args.compare else None
    client = live.make_client(region=args.region, profile=args.profile, endpoint_url=args.endpoint_url)
    mappings = list(live.get_resources(client, resource_types=args.services))
    report = live.audit(mappings, args.region, requirements, **options)
    if stacks is not None:
        report.drift, report.unverifiable = drift.compare(stacks, mappings, services=set(args.services))
        report.compared = tuple(s.name for s in stacks)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from tag_audit.live import LiveError

    try:
        report = run(args)
    except (static.InputError, PolicyError) as error:
        print(f"tag-audit: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except LiveError as error:
        print(f"tag-audit: error: {error}", file=sys.stderr)
        return EXIT_AWS
    text = render(report, args.format)
    if args.output:
        try:
            args.output.write_text(text)
        except OSError as error:
            print(f"tag-audit: error: cannot write {args.output}: {error}", file=sys.stderr)
            return EXIT_INPUT
        overall = report.overall
        print(f"tag-audit: wrote {args.output} (coverage {overall.text()}, {'PASS' if report.passed else 'FAIL'})")
    else:
        sys.stdout.write(text)
    return EXIT_OK if report.passed else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
