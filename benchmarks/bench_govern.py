"""Benchmark: overhead of ``govern(stack)`` on a full synth of a ~60-resource stack.

Usage::

    .venv/bin/python benchmarks/bench_govern.py [--repetitions 15] [--cold 5] [--resources-per-kind 8] [--record]

Two measurements of the same compliant stack (provider ``default_tags`` carry the FinOps tags, as in
the pipeline stack; ``--tag-resources`` leaves ManagedBy out so the aspect must tag every resource):

* warm, in one process: build + ``app.synth()`` with and without ``govern``, interleaved, after a
  warm-up (jsii kernel, provider modules); medians;
* cold, end to end: ``python bench_govern.py --app plain|governed <outdir>`` in a fresh process, what
  ``cdktf synth`` runs; medians of wall time.

Target: overhead <= 10 %. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aspects import GovernancePolicy, govern
from benchmarks import record
from tfcdk import App, TerraformStack
from tfcdk.aws import load

TAGS = {"CostCenter": "cc-42", "Environment": "bench", "Owner": "platform", "Project": "bench", "ManagedBy": "cdktf"}
DEFAULT_TAGS = dict(TAGS)
AwsProvider = load("provider").AwsProvider
S3Bucket = load("s3_bucket").S3Bucket
LogGroup = load("cloudwatch_log_group").CloudwatchLogGroup
LambdaFunction = load("lambda_function").LambdaFunction
DynamodbTable = load("dynamodb_table").DynamodbTable
IamRole = load("iam_role").IamRole
IamRolePolicy = load("iam_role_policy").IamRolePolicy
SqsQueue = load("sqs_queue").SqsQueue


def build(app: App, per_kind: int, governed: bool) -> TerraformStack:
    """A compliant stack with 8 resources per ``per_kind`` step (8 x 8 = 64 by default)."""
    stack = TerraformStack(app, "bench")
    AwsProvider(stack, "aws", region="eu-west-1", default_tags=[{"tags": DEFAULT_TAGS}])
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
            ],
        }
    )
    for i in range(per_kind):
        bucket = S3Bucket(stack, f"bucket{i}", bucket=f"bench-{i}", force_destroy=True)
        logs = LogGroup(stack, f"logs{i}", name=f"/aws/lambda/fn{i}", retention_in_days=30)
        role = IamRole(stack, f"role{i}", assume_role_policy=trust)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"{bucket.arn}/*"}
            ],
        }
        IamRolePolicy(stack, f"policy{i}", role=role.name, policy=json.dumps(policy))
        LambdaFunction(
            stack,
            f"fn{i}",
            function_name=f"fn{i}",
            role=role.arn,
            runtime="python3.12",
            handler="app.handler",
            filename="fn.zip",
            architectures=["arm64"],
            logging_config={"log_format": "JSON", "log_group": logs.name},
            environment={"variables": {"BUCKET": bucket.bucket}},
        )
        DynamodbTable(
            stack,
            f"table{i}",
            name=f"t{i}",
            hash_key="pk",
            billing_mode="PAY_PER_REQUEST",
            attribute=[{"name": "pk", "type": "S"}],
            point_in_time_recovery={"enabled": True},
        )
        SqsQueue(stack, f"queue{i}", name=f"q{i}", message_retention_seconds=86400)
        SqsQueue(stack, f"dlq{i}", name=f"dlq{i}")
    if governed:
        govern(stack, GovernancePolicy.with_tags(**TAGS))
    return stack


def run_once(per_kind: int, governed: bool) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="bench-govern.") as outdir:
        started = time.perf_counter()
        app = App(outdir=outdir)
        build(app, per_kind, governed)
        app.synth()
        elapsed = time.perf_counter() - started
        document = json.loads(Path(outdir, "stacks", "bench", "cdk.tf.json").read_text())
    return elapsed, sum(len(v) for v in document["resource"].values())


def cold_once(governed: bool, tag_resources: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-govern-cold.") as outdir:
        command = [sys.executable, __file__, "--app", "governed" if governed else "plain", outdir]
        if tag_resources:
            command.append("--tag-resources")
        started = time.perf_counter()
        subprocess.run(command, check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        return time.perf_counter() - started


def report(label: str, times: dict[bool, list[float]], unit: float, unit_name: str) -> None:
    plain, governed = statistics.median(times[False]), statistics.median(times[True])
    print(
        f"{label}: without govern median {plain * unit:8.1f} {unit_name} (min {min(times[False]) * unit:.1f}); "
        f"with govern median {governed * unit:8.1f} {unit_name} (min {min(times[True]) * unit:.1f}); "
        f"overhead {(governed - plain) / plain:+.1%} (ratio {governed / plain:.3f})"
    )


def pipeline_once(governed: bool) -> float:
    """Build + synth the real pipeline stack in this process; ``govern`` replaced by a no-op when not governed."""
    import stack.pipeline_stack as pipeline
    from stack.config import PipelineConfig

    class _Ungoverned:
        report = None

    pipeline.govern = govern if governed else (lambda *args, **kwargs: _Ungoverned())
    with tempfile.TemporaryDirectory(prefix="bench-govern-pipeline.") as outdir:
        started = time.perf_counter()
        app = App(outdir=outdir)
        config = PipelineConfig()
        pipeline.PipelineStack(app, pipeline.stack_id(config), config=config, staging_dir=Path(outdir) / "assets")
        app.synth()
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=15, help="warm in-process runs per variant")
    parser.add_argument("--cold", type=int, default=5, help="cold end-to-end runs per variant (0: skip)")
    parser.add_argument("--resources-per-kind", type=int, default=8)
    parser.add_argument("--tag-resources", action="store_true", help="default_tags lack ManagedBy")
    parser.add_argument("--pipeline", type=int, default=9, help="warm runs of the real pipeline stack (0: skip)")
    parser.add_argument("--app", choices=("plain", "governed"), help=argparse.SUPPRESS)
    parser.add_argument("outdir", nargs="?", help=argparse.SUPPRESS)
    record.add_option(parser, "bench-govern")
    args = parser.parse_args(argv)
    if args.tag_resources:
        DEFAULT_TAGS.pop("ManagedBy")
    if args.app:  # one cold synth, run by cold_once in a fresh interpreter
        app = App(outdir=args.outdir)
        build(app, args.resources_per_kind, args.app == "governed")
        app.synth()
        return 0
    return record.run(args.record, lambda: measure(args))


def measure(args: argparse.Namespace) -> int:
    for governed in (False, True):  # warm-up: jsii kernel, provider modules, caches
        run_once(args.resources_per_kind, governed)
    times: dict[bool, list[float]] = {False: [], True: []}
    count = 0
    for repetition in range(args.repetitions):
        order = (False, True) if repetition % 2 == 0 else (True, False)  # interleave against drift
        for governed in order:
            elapsed, count = run_once(args.resources_per_kind, governed)
            times[governed].append(elapsed)
    print(f"stack: {count} resources; aspect must tag resources: {args.tag_resources}")
    report(f"warm build+synth, {args.repetitions} runs each", times, 1000, "ms")
    if args.pipeline:
        pipeline_once(False), pipeline_once(True)  # warm-up: provider modules, asset staging
        real: dict[bool, list[float]] = {False: [], True: []}
        for repetition in range(args.pipeline):
            for governed in (False, True) if repetition % 2 == 0 else (True, False):
                real[governed].append(pipeline_once(governed))
        report(f"pipeline stack (stack/, warm build+synth), {args.pipeline} runs each", real, 1000, "ms")
    if args.cold:
        cold: dict[bool, list[float]] = {False: [], True: []}
        for repetition in range(args.cold):
            for governed in (False, True) if repetition % 2 == 0 else (True, False):
                cold[governed].append(cold_once(governed, args.tag_resources))
        report(f"cold python app (end to end), {args.cold} runs each", cold, 1, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
