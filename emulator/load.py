"""``python -m emulator.load [--files 50]``: many files dropped at once on one MiniStack deployment, every job checked.

    1. synthesize the stack with the emulator-scale large-object path (``emulator.fanout_settings``), start
       MiniStack (HTTPS + IAM), terraform apply, check the plan is empty
    2. generate the mix (seeded): clean files, files with bad rows, garbage, one large file that fans out,
       and one object whose "Object Created" event is delivered twice
    3. upload them all at once (a thread pool), note each upload's time
    4. follow every execution the trigger starts (an object with none after ``--trigger-timeout`` is started
       explicitly, and counted) until all are terminal or ``--timeout`` passes
    5. check every property, print the figures: jobs per minute, rows per second, p50/p95/max latency from
       upload to LOADED; destroy the stack and stop the emulator

Exit status 0 only when every check holds. Bounded: ``--files`` (default 50, at least 8) and ``--timeout``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ops.pipeline import AlertInbox, Exports, Pipeline, entered_states, job_id_for, object_created_event
from stack.steps import FANOUT
from tools.datagen import generate

from . import ministack as emu
from .fanout_settings import EMULATOR_FANOUT
from .local import DriftError, deployed, run_workdir

REPO_ROOT = Path(__file__).resolve().parent.parent
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
LARGE_ROWS = 3400  # ~320 KB: over the emulator's fan-out threshold, ~14 ranges


@dataclass
class LoadFile:
    kind: str  # clean, bad-rows, garbage, large, twice
    key: str
    body: bytes
    rows: int | None = None  # generated rows (None: not a transaction file)
    bad: int | None = None
    uploaded_at: float = 0.0  # epoch seconds, when the upload returned
    version_id: str = ""
    job_id: str = ""


@dataclass
class JobOutcome:
    file: LoadFile
    executions: list[dict[str, Any]] = field(default_factory=list)
    item: dict[str, Any] | None = None
    started_explicitly: int = 0


def make_mix(count: int, seed: int) -> list[LoadFile]:
    """``count`` files: one large (fans out), one delivered twice, ``count // 16`` garbage, the rest half
    clean and half with bad rows (200-900 rows each, seeded)."""
    if count < 8:
        raise SystemExit("--files must be at least 8 (the mix needs every kind)")
    rng = random.Random(seed)
    stamp = time.strftime("%H%M%S")
    files: list[LoadFile] = []

    def csv_file(kind: str, rows: int, bad_ratio: float, n: int) -> LoadFile:
        out = io.BytesIO()
        report = generate(out, rows=rows, bad_ratio=bad_ratio, seed=seed * 1000 + n, days=3, start_day=1 + n % 25)
        return LoadFile(kind, f"raw/load/{stamp}-{n:03d}-{kind}.csv", out.getvalue(), report["rows"], report["bad"])

    files.append(csv_file("large", LARGE_ROWS, 0.03, 0))
    files.append(csv_file("twice", 500, 0.04, 1))
    garbage = max(1, count // 16)
    for n in range(2, 2 + garbage):
        body = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 16
        files.append(LoadFile("garbage", f"raw/load/{stamp}-{n:03d}-garbage.bin", body))
    for n in range(2 + garbage, count):
        clean = n % 2 == 0
        files.append(csv_file("clean" if clean else "bad-rows", rng.randrange(200, 900), 0.0 if clean else 0.05, n))
    return files


def _synth(outdir: Path, environment: str) -> Path:
    env = {**os.environ, "CDKTF_OUTDIR": str(outdir), "ENVIRONMENT_SUFFIX": environment, **EMULATOR_FANOUT}
    done = subprocess.run([sys.executable, "-m", "stack.app"], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"synth failed:\n{done.stdout}\n{done.stderr}")
    return outdir / "stacks" / f"pipeline-{environment}"


class Follower:
    """Maps the state machine's executions to jobs (by their input) and polls them until terminal."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.sfn = pipeline.sfn
        self.job_of: dict[str, str] = {}  # execution arn -> job id
        self.status: dict[str, dict[str, Any]] = {}

    def discover(self) -> None:
        pages = self.sfn.get_paginator("list_executions").paginate(
            stateMachineArn=self.pipeline.exports.state_machine_arn
        )
        for page in pages:
            for execution in page["executions"]:
                arn = execution["executionArn"]
                if arn in self.job_of:
                    continue
                described = self.sfn.describe_execution(executionArn=arn)
                detail = json.loads(described.get("input") or "{}").get("detail", {})
                self.job_of[arn] = job_id_for(
                    detail.get("bucket", {}).get("name", ""),
                    detail.get("object", {}).get("key", ""),
                    detail.get("object", {}).get("version-id"),
                )
                self.status[arn] = dict(described)

    def poll(self) -> None:
        for arn, described in self.status.items():
            if described["status"] not in TERMINAL:
                self.status[arn] = dict(self.sfn.describe_execution(executionArn=arn))

    def executions(self, job_id: str) -> list[dict[str, Any]]:
        return [self.status[arn] for arn, job in self.job_of.items() if job == job_id]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _curated_rows(pipeline: Pipeline, keys: list[str], workdir: Path) -> list[tuple[str, str]]:
    """(job id, transaction id) of every curated row of ``keys``."""
    import duckdb

    out: list[tuple[str, str]] = []
    for n, key in enumerate(keys):
        path = workdir / f"curated-{n}.parquet"
        path.write_bytes(pipeline.s3.get_object(Bucket=pipeline.exports.bucket, Key=key)["Body"].read())
        job = key.rsplit("/", 1)[1][:64]
        out += [
            (job, tid) for (tid,) in duckdb.execute(f"SELECT transaction_id FROM read_parquet('{path}')").fetchall()
        ]
        path.unlink()
    return out


def run_load(pipeline: Pipeline, files: list[LoadFile], *, timeout: float, trigger_timeout: float,
             workdir: Path) -> tuple[list[str], list[str]]:  # fmt: skip
    """Drop ``files`` at once, follow every job, check; returns (figure lines, failed checks)."""
    inbox = AlertInbox(pipeline.emulator, pipeline.exports.alert_topic_arn, name="load-alert-inbox")
    try:
        inbox.drain(wait_seconds=0)
        return _run(pipeline, files, inbox, timeout=timeout, trigger_timeout=trigger_timeout, workdir=workdir)
    finally:
        inbox.close()


def _run(pipeline: Pipeline, files: list[LoadFile], inbox: AlertInbox, *, timeout: float, trigger_timeout: float,
         workdir: Path) -> tuple[list[str], list[str]]:  # fmt: skip
    bucket = pipeline.exports.bucket

    def upload(f: LoadFile) -> None:
        version_id, _, _ = pipeline.upload(f.key, f.body)
        f.uploaded_at = time.time()
        f.version_id, f.job_id = version_id, job_id_for(bucket, f.key, version_id)

    started = time.time()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(upload, files))
    uploaded = time.time()
    megabytes = sum(len(f.body) for f in files) / 1e6
    print(f"uploaded   {len(files)} objects, {megabytes:.2f} MB in {uploaded - started:.1f}s", flush=True)
    twice = next(f for f in files if f.kind == "twice")
    head = pipeline.s3.head_object(Bucket=bucket, Key=twice.key, VersionId=twice.version_id)
    event = object_created_event(bucket, twice.key, twice.version_id, head["ContentLength"], head["ETag"].strip('"'))
    pipeline.start(event, twice.job_id)  # the same event delivered a second time
    follower = Follower(pipeline)
    outcomes = {f.job_id: JobOutcome(f) for f in files}
    deadline = started + timeout
    explicit: set[str] = set()
    last_line = 0.0
    while True:
        follower.discover()
        follower.poll()
        now = time.time()
        for job_id, outcome in outcomes.items():
            if (
                not follower.executions(job_id)
                and now - outcome.file.uploaded_at > trigger_timeout
                and job_id not in explicit
            ):
                f = outcome.file
                pipeline.start(object_created_event(bucket, f.key, f.version_id, len(f.body), ""), job_id)
                explicit.add(job_id)
                outcome.started_explicitly += 1
        states = Counter(e["status"] for e in follower.status.values())
        waiting = [j for j in outcomes if not follower.executions(j)]
        running = states.get("RUNNING", 0)
        if now - last_line > 10:
            print(
                f"  {now - started:6.1f}s  executions {dict(states)}, objects without one: {len(waiting)}", flush=True
            )
            last_line = now
        if not waiting and running == 0 and len(follower.status) >= len(files) + 1:
            break
        if now > deadline:
            break
        time.sleep(1.0)
    finished = time.time()
    alerts = inbox.drain(wait_seconds=3)
    for job_id, outcome in outcomes.items():
        outcome.executions = follower.executions(job_id)
        outcome.item = pipeline.job_item(job_id)
    return _check(pipeline, outcomes, alerts, started=started, finished=finished, workdir=workdir)


def _check(pipeline: Pipeline, outcomes: dict[str, JobOutcome], alerts: list[dict[str, Any]], *, started: float,
           finished: float, workdir: Path) -> tuple[list[str], list[str]]:  # fmt: skip
    failures: list[str] = []

    def expect(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)

    alerts_by_job = Counter(json.loads(a["Message"]).get("job_id") for a in alerts)
    latencies: list[float] = []
    rows = 0
    accepted = 0
    for job_id, o in outcomes.items():
        f, item = o.file, o.item or {}
        statuses = [e["status"] for e in o.executions]
        expect(bool(statuses) and all(s in TERMINAL for s in statuses), f"{f.kind} {f.key}: executions {statuses}")
        expect(item.get("status") in ("LOADED", "FAILED"), f"{f.kind} {f.key}: job is {item.get('status')}")
        if f.kind == "twice":
            expect(len(statuses) == 2 and set(statuses) == {"SUCCEEDED"}, f"twice: executions {statuses}")
        if f.kind == "garbage":
            expect(item.get("status") == "FAILED", f"garbage {f.key}: {item.get('status')}")
            expect(alerts_by_job.get(job_id) == 1, f"garbage {f.key}: {alerts_by_job.get(job_id, 0)} alerts, want 1")
            continue
        expect(item.get("status") == "LOADED", f"{f.kind} {f.key}: {item.get('status')} {item.get('error')}")
        expect(alerts_by_job.get(job_id, 0) == 0, f"{f.kind} {f.key}: {alerts_by_job.get(job_id)} alerts")
        if item.get("status") != "LOADED":
            continue
        read, acc, rej = int(item["rows_read"]), int(item["accepted"]), int(item["rejected"])
        expect(acc + rej == read, f"{f.key}: accepted {acc} + rejected {rej} != rows read {read}")
        expect((read, rej) == (f.rows, f.bad), f"{f.key}: read/rejected {(read, rej)}, generated {(f.rows, f.bad)}")
        if f.kind == "large":
            visited = entered_states(pipeline.history(o.executions[0]["executionArn"]))
            expect({s.map_state or s.state for s in FANOUT} <= set(visited), f"large: visited {visited}")
            expect(int(item.get("ranges") or 0) >= 8, f"large: {item.get('ranges')} ranges, want >= 8")
        rows += read
        accepted += acc
        loaded_at = datetime.fromisoformat(str(item["updated_at"]).replace("Z", "+00:00")).timestamp()
        latencies.append(loaded_at - f.uploaded_at)
    extra = set(alerts_by_job) - set(outcomes)
    expect(not extra, f"alerts for unknown jobs: {sorted(extra)}")
    # no row twice in curated output, and every accepted row is there
    pages = pipeline.s3.get_paginator("list_objects_v2").paginate(Bucket=pipeline.exports.bucket, Prefix="curated/")
    keys = [o["Key"] for page in pages for o in page.get("Contents", []) if o["Key"].endswith(".parquet")]
    curated = _curated_rows(pipeline, [k for k in keys if any(j in k for j in outcomes)], workdir)
    twice_rows = [r for r, n in Counter(curated).items() if n > 1]
    expect(not twice_rows, f"{len(twice_rows)} rows appear twice in curated output, e.g. {twice_rows[:3]}")
    expect(len(curated) == accepted, f"{len(curated)} curated rows, {accepted} accepted")
    left = pipeline.s3.list_objects_v2(Bucket=pipeline.exports.bucket, Prefix="work/").get("Contents", [])
    expect(not left, f"{len(left)} objects left under work/, e.g. {[o['Key'] for o in left[:3]]}")
    wall = finished - started
    jobs = len(outcomes)
    explicit = sum(o.started_explicitly for o in outcomes.values())
    lines = [
        f"jobs            {jobs} ({Counter(o.file.kind for o in outcomes.values())}), "
        f"{sum(1 for o in outcomes.values() if (o.item or {}).get('status') == 'LOADED')} LOADED, "
        f"{sum(1 for o in outcomes.values() if (o.item or {}).get('status') == 'FAILED')} FAILED; "
        f"{sum(len(o.executions) for o in outcomes.values())} executions ({explicit} started explicitly)",
        f"wall time       {wall:.1f} s from the first upload to the last terminal execution",
        f"throughput      {jobs / wall * 60:.1f} jobs/min, {rows / wall:,.0f} rows/s ({rows:,} rows read)",
    ]
    if latencies:
        lines.append(
            f"upload->LOADED  p50 {statistics.median(latencies):.1f} s, p95 {_percentile(latencies, 0.95):.1f} s, "
            f"max {max(latencies):.1f} s ({len(latencies)} jobs)"
        )
    failed_jobs = [j for j, o in outcomes.items() if (o.item or {}).get("status") == "FAILED"]
    once = all(alerts_by_job.get(j) == 1 for j in failed_jobs)
    lines.append(f"alerts          {len(alerts)} for {len(failed_jobs)} FAILED jobs (exactly one each: {once})")
    lines.append(
        f"curated rows    {len(curated):,} in {len(keys)} objects, none twice; work/ holds {len(left)} objects"
    )
    return lines, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=1500.0, help="seconds for every job to reach a terminal state")
    parser.add_argument("--trigger-timeout", type=float, default=60.0)
    parser.add_argument("--environment", default="load")
    parser.add_argument("--region", default="us-east-2")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    workdir = run_workdir("load")
    stack = _synth(workdir / "cdktf.out", args.environment)
    files = make_mix(args.files, args.seed)
    print(f"mix        {len(files)} files: {dict(Counter(f.kind for f in files))}; "
          f"fan-out settings {EMULATOR_FANOUT}", flush=True)  # fmt: skip
    server = emu.start(region=args.region, workdir=workdir / "emulator", secure=True)
    ok = False
    try:
        emu.wait_healthy(server)
        print(f"emulator   MiniStack on {server.endpoint}, HTTPS + IAM; log {server.log_path}", flush=True)
        with deployed(server, stack, workdir / "terraform") as deployment:
            t = deployment.timings
            print(f"terraform  apply {t['apply']:.1f}s ({deployment.resources} resources), plan {t['plan']:.1f}s: "
                  "no changes", flush=True)  # fmt: skip
            pipeline = Pipeline(server, Exports.read(server, args.environment))
            load_avg = os.getloadavg()[0]
            lines, failures = run_load(pipeline, files, timeout=args.timeout, trigger_timeout=args.trigger_timeout,
                                       workdir=workdir)  # fmt: skip
            print(f"\nload average    {load_avg:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
                  f"({os.cpu_count()} CPUs, shared)")  # fmt: skip
            print("\n".join(lines))
            for failure in failures:
                print(f"FAIL: {failure}")
            ok = not failures
    except DriftError as error:
        print(f"FAIL: {error}")
    finally:
        emu.stop(server)
    print(f"\ntotal {time.perf_counter() - began:.0f}s -- {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
