"""App entry point: the only place that reads the environment.

    ENVIRONMENT_SUFFIX   name suffix of every resource (default: dev)
    AWS_REGION           target region (default: us-east-2)
    ALERT_EMAIL          optional e-mail subscription on the alert topic
    COST_CENTER, OWNER   FinOps tag values
    TF_STATE_BUCKET      when set, S3 backend (with TF_STATE_KEY, TF_STATE_REGION) and native locking
    CDKTF_OUTDIR         output directory (default: cdktf.out)
    FANOUT_THRESHOLD_BYTES, FANOUT_RANGE_BYTES, FANOUT_PARTITION_BYTES, FANOUT_MAX_CONCURRENCY
                         the large-object path (defaults in stack.config.FanOutSettings; the emulator runs
                         use small ones so that a file of a few hundred KiB fans out)

Run ``python -m stack.app`` (what ``cdktf.json`` runs); it prints a resource summary.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline_stack import PipelineStack

from .config import DEFAULT_REGION, DEFAULT_SUFFIX, ConfigError, FanOutSettings, PipelineConfig, StateBackend

_FANOUT_ENV = {
    "FANOUT_THRESHOLD_BYTES": "threshold_bytes",
    "FANOUT_RANGE_BYTES": "range_bytes",
    "FANOUT_PARTITION_BYTES": "partition_bytes",
    "FANOUT_MAX_CONCURRENCY": "max_concurrency",
}


def fanout_from_env(env: Mapping[str, str]) -> FanOutSettings:
    values: dict[str, int] = {}
    bad = []
    for var, name in _FANOUT_ENV.items():
        if env.get(var):
            try:
                values[name] = int(env[var])
            except ValueError:
                bad.append(f"{var}={env[var]!r} is not an integer")
    if bad:
        raise ConfigError("invalid pipeline configuration:\n  - " + "\n  - ".join(bad))
    return FanOutSettings(**values)


def config_from_env(env: Mapping[str, str]) -> PipelineConfig:
    suffix = env.get("ENVIRONMENT_SUFFIX", DEFAULT_SUFFIX)
    backend = None
    if env.get("TF_STATE_BUCKET"):
        backend = StateBackend(
            bucket=env["TF_STATE_BUCKET"],
            key=env.get("TF_STATE_KEY", f"pipeline/{suffix}/terraform.tfstate"),
            region=env.get("TF_STATE_REGION", env.get("AWS_REGION", DEFAULT_REGION)),
        )
    defaults = PipelineConfig()
    return PipelineConfig(
        environment_suffix=suffix,
        region=env.get("AWS_REGION", DEFAULT_REGION),
        alert_email=env.get("ALERT_EMAIL") or None,
        cost_center=env.get("COST_CENTER") or defaults.cost_center,
        owner=env.get("OWNER") or defaults.owner,
        backend=backend,
        fanout=fanout_from_env(env),
    )


def synth(
    config: PipelineConfig, outdir: Path, customize: Callable[[PipelineStack], None] | None = None
) -> tuple[Path, str]:
    """Synthesize the stack (fails on governance violations); returns its ``cdk.tf.json`` and a
    summary (governance, the dependency layer's size and build). ``customize`` may change the stack
    before synth (examples, tests)."""
    from tfcdk import App

    from .pipeline_stack import PipelineStack, stack_id

    app = App(outdir=str(outdir))
    # Lambda code is staged inside the output directory, so concurrent synths never share files.
    stack = PipelineStack(app, stack_id(config), config=config, staging_dir=outdir / ".staging")
    if customize is not None:
        customize(stack)
    app.synth()
    report = stack.governance.report
    summary = "governance: not evaluated"
    if report is not None:
        summary = (
            f"governance: {len(report.errors)} violations, {len(report.warnings)} warnings, "
            f"{len(report.suppressed)} suppressed findings"
        )
        for finding in report.warnings:
            summary += "\n  warning: " + finding.format()
    summary += f"\ndependency layer {stack.dependency_layer.built.describe()}"
    return outdir / "stacks" / stack_id(config) / "cdk.tf.json", summary


def summarize(document: Mapping[str, object]) -> str:
    resources = document.get("resource", {})
    data = document.get("data", {})
    assert isinstance(resources, dict) and isinstance(data, dict)
    counts = Counter({rtype: len(items) for rtype, items in resources.items()})
    lines = [
        f"{sum(counts.values())} resources of {len(counts)} types, {sum(len(v) for v in data.values())} data sources"
    ]
    lines += [f"  {n:3d}  {rtype}" for rtype, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines)


def main(customize: Callable[[PipelineStack], None] | None = None) -> int:
    started = time.perf_counter()
    try:
        config = config_from_env(os.environ)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    outdir = Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
    try:
        path, governance = synth(config, outdir, customize)
    except Exception as error:  # jsii wraps the synth errors in JavaScriptError/RuntimeError
        from aspects.synth import synth_failure

        return synth_failure(error)
    document = json.loads(path.read_text())
    print(
        f"synthesized {path} in {time.perf_counter() - started:.1f}s (env={config.environment_suffix}, "
        f"region={config.region})"
    )
    print(governance)
    print(summarize(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
