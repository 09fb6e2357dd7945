"""``python -m emulator.demo [--keep]``: the synthesized stack deployed to MiniStack and a file run through it.

    1. start MiniStack on 127.0.0.1:<free port> (``.venv-emulator``; ``make emulator-env``), over HTTPS
       with IAM evaluation (``--no-iam``: plain HTTP, no IAM)
    2. copy cdktf.out/stacks/<stack> + write the endpoint override; terraform init (offline) + apply
    3. terraform plan -detailed-exitcode: must be empty
    4. generate a transaction file with bad rows (tools/datagen.py), upload it under raw/
    5. follow the execution the EventBridge trigger starts (or start it explicitly, and say so)
    6. print per-step status, counts, curated/quarantine keys, the job record, the SNS alert
    7. query the loaded days with Athena (the stack's workgroup and Glue table over the curated Parquet):
       totals per day and currency, which must equal the job's own totals
    8. terraform destroy (state must be empty) and stop the emulator -- unless --keep

Exit status 0 only when every check passed. Run ``make synth`` first (``make local-deploy`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ops.pipeline import (
    AlertInbox,
    Exports,
    Pipeline,
    QueryResult,
    RunResult,
    athena_query,
    daily_totals_sql,
    jsonable,
    progress_printer,
    totals_match,
)

from . import ministack as emu
from .local import DriftError, deployed, run_workdir

REPO_ROOT = Path(__file__).resolve().parent.parent


def generate(path: Path, *, rows: int, bad_ratio: float, seed: int, start_day: int = 1) -> dict[str, int]:
    """Run tools/datagen.py; returns its ``{"rows": .., "bad": ..}`` report."""
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "datagen.py"), "--rows", str(rows), "--bad-ratio", str(bad_ratio),
         "--seed", str(seed), "--start-day", str(start_day), "-o", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report: dict[str, int] = json.loads(result.stderr.strip().splitlines()[-1])
    return report


def _section(title: str) -> None:
    print(f"\n== {title}")


def print_run(result: RunResult, generated: dict[str, int] | None = None) -> None:
    _section(f"execution {result.status} in {result.seconds:.1f}s (started by {result.triggered_by})")
    print(f"  object     s3://.../{result.key} (version {result.version_id})")
    print(f"  job_id     {result.job_id}")
    print(f"  execution  {result.execution_arn}")
    print("  steps:")
    for step in result.steps:
        seconds = f"{step.seconds:5.2f}s" if step.seconds is not None else "     -"
        error = f"  last error: {step.error}" if step.error else ""
        print(f"    {step.name:<10} {step.status:<10} attempts={step.attempts} {seconds}{error}")
    out = result.output or {}
    if generated is not None:
        print(f"  generated  rows={generated.get('rows')} bad={generated.get('bad')}")
    print(
        f"  counts     rows_read={out.get('rows_read')} accepted={out.get('accepted')} "
        f"rejected={out.get('rejected')} aggregates_written={out.get('aggregates_written')}"
    )
    print(f"  curated    {len(result.curated_keys)} object(s)")
    for key in result.curated_keys:
        print(f"    {key}")
    print(f"  quarantine {len(result.quarantine_keys)} object(s)")
    for key in result.quarantine_keys:
        print(f"    {key}")
    if result.error:
        print(f"  error      {result.error['error']}: {result.error['cause'][:300]}")
    _section("DynamoDB job record (pk JOB#<job_id>, sk JOB)")
    record = jsonable(result.job_item)
    print(json.dumps(record, indent=2, sort_keys=True, default=str) if record else "  (none)")
    _section(f"SNS alerts: {len(result.alerts)}")
    for alert in result.alerts:
        print(f"  subject: {alert.get('Subject')}")
        print("  " + json.dumps(json.loads(alert.get("Message") or "{}"), indent=2).replace("\n", "\n  "))


def print_query(exports: Exports, query: QueryResult, matches: bool) -> None:
    _section(
        f"Athena: totals of the loaded days (workgroup {exports.athena_workgroup}, "
        f"{exports.glue_database}.{exports.curated_table}) -- {query.state} in {query.seconds:.1f}s"
    )
    print("  " + query.query)
    if query.state != "SUCCEEDED":
        print(f"  {query.reason}")
        return
    widths = [max(len(c), *(len(r[i]) for r in query.rows)) for i, c in enumerate(query.columns)]
    for line in (query.columns, *query.rows):
        cells = zip(line, widths, strict=True)
        print("  " + "  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(cells)))
    print(f"  results  {query.output_location}")
    print(f"  equal to the job's per-day totals (curated manifest): {'yes' if matches else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the stack deployed and the emulator running")
    parser.add_argument("--outdir", type=Path, default=Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out")))
    parser.add_argument("--environment", default=os.environ.get("ENVIRONMENT_SUFFIX", "dev"))
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-2"))
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new directory under .gen/local-deploy")
    parser.add_argument(
        "--no-iam",
        dest="iam",
        action="store_false",
        help="plain HTTP without IAM evaluation (default: HTTPS + AUTH=true, the roles' policies must suffice)",
    )
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--bad-ratio", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    stack = args.outdir / "stacks" / f"pipeline-{args.environment}"
    if not (stack / "cdk.tf.json").is_file():
        print(f"error: {stack}/cdk.tf.json not found: run `make synth` first", file=sys.stderr)
        return 2
    workdir = args.workdir or run_workdir("local-deploy")
    ok = True
    server = emu.start(region=args.region, workdir=workdir / "emulator", secure=args.iam)
    try:
        healthy = emu.wait_healthy(server)
        print(f"emulator   MiniStack on {server.endpoint} (pid {server.process.pid}), healthy after {healthy:.1f}s")  # type: ignore[union-attr]
        print(f"           log {server.log_path}")
        if args.iam:
            print(f"           HTTPS (certificate {server.ca_bundle}) and IAM enforcement (AUTH=true)")
        with deployed(server, stack, workdir / "terraform", keep=args.keep) as deployment:
            t = deployment.timings
            print(f"terraform  init {t['init']:.1f}s, apply {t['apply']:.1f}s ({deployment.resources} resources), "
                  f"plan {t['plan']:.1f}s: no changes")  # fmt: skip
            if deployment.layer is not None:
                print(f"layer      dependencies built for the emulator's interpreter: {deployment.layer.describe()}, "
                      f"duckdb {', '.join(deployment.layer.wheel_tags.get('duckdb', ['?']))}")  # fmt: skip
            exports = Exports.read(server, args.environment)
            pipeline = Pipeline(server, exports)
            inbox = AlertInbox(server, exports.alert_topic_arn)
            try:
                data = workdir / "transactions.csv"
                generated = generate(data, rows=args.rows, bad_ratio=args.bad_ratio, seed=args.seed)
                key = f"raw/demo/{time.strftime('%Y%m%dT%H%M%S')}-transactions.csv"
                print(f"upload     {data.stat().st_size} bytes ({generated['rows']} rows, {generated['bad']} bad) "
                      f"to s3://{exports.bucket}/{key}")  # fmt: skip
                result = pipeline.run(key, data.read_bytes(), inbox=inbox, progress=progress_printer())
                print_run(result, generated)
                out = result.output or {}
                expected_ok = result.status == "SUCCEEDED" and out.get("rejected") == generated["bad"]
                if not expected_ok:
                    print(f"\nFAIL: expected SUCCEEDED with rejected={generated['bad']}")
                    ok = False
                else:
                    manifest = pipeline.manifest(result)
                    days = sorted({a["day"] for a in manifest["aggregates"]})
                    query = athena_query(server, exports, daily_totals_sql(exports, days))
                    matches = query.state == "SUCCEEDED" and totals_match(query, manifest["aggregates"])
                    print_query(exports, query, matches)
                    if not matches:
                        print("\nFAIL: the Athena totals differ from the job's")
                        ok = False
            finally:
                inbox.close()
        if not args.keep:
            left = deployment.managed_resources()
            print(f"\nterraform  destroy {deployment.timings['destroy']:.1f}s, resources left in state: {len(left)}")
            ok = ok and not left
    except DriftError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        ok = False
    finally:
        if args.keep:
            print(f"\n--keep: MiniStack stays up on {server.endpoint} (process group {server.process.pid}).")  # type: ignore[union-attr]
            print(f"  explore:  AWS_ENDPOINT_URL={server.endpoint} AWS_ACCESS_KEY_ID=test "
                  f"AWS_SECRET_ACCESS_KEY=test AWS_REGION={args.region} aws s3 ls")  # fmt: skip
            print(f"  terraform state: {workdir / 'terraform' / stack.name}")
            print(f"  destroy:  terraform -chdir={workdir / 'terraform' / stack.name} destroy -auto-approve")
            print(f"  stop:     kill -TERM -{server.process.pid}")  # type: ignore[union-attr]
        else:
            emu.stop(server)
    print(f"\ntotal wall time {time.perf_counter() - started:.1f}s -- {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
