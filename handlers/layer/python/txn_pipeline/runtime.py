"""Handler wiring shared by the four Lambda functions.

``run`` builds the dependencies (lazily created boto3 clients, settings from the environment),
appends the step and job id to every log line, traces the step, calls it, flushes the metrics,
and converts any exception into the error taxonomy so Lambda reports ``errorType`` as
``TransientError`` (retried by the state machine) or a permanent name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from . import aws
from .config import Settings
from .errors import classify
from .jobstore import JobStore
from .observability import Logger, Metrics, MetricUnit, Tracer
from .steps import Deps

Step = Callable[[Mapping[str, Any], Deps], dict[str, Any]]


def build_deps(log: Logger, metrics: Metrics) -> Deps:
    settings = Settings.from_env()
    store = JobStore(aws.client("dynamodb"), settings.table_name, ttl_days=settings.job_ttl_days)
    return Deps(s3=aws.client("s3"), store=store, settings=settings, log=log, metrics=metrics)


def run(
    step_name: str,
    step: Step,
    event: Mapping[str, Any],
    context: Any,
    *,
    log: Logger,
    metrics: Metrics,
    tracer: Tracer,
) -> dict[str, Any]:
    log.clear_state()
    log.append_keys(step=step_name, request_id=getattr(context, "aws_request_id", None), job_id=event.get("job_id"))
    started = time.perf_counter()
    try:
        with tracer.provider.in_subsegment(f"## {step_name}") as subsegment:
            if event.get("job_id"):
                subsegment.put_annotation("job_id", str(event["job_id"]))
            deps = build_deps(log, metrics)
            result = step(event, deps)
        log.info("step succeeded", status=result.get("status"))
        return result
    except Exception as exc:
        err = classify(exc)
        metrics.add_metric(
            name="TransientErrors" if err.retryable else "PermanentErrors", unit=MetricUnit.Count, value=1
        )
        log.exception("step failed", error_class=type(err).__name__, retryable=err.retryable)
        if err is exc:
            raise
        raise err from exc
    finally:
        metrics.add_metric(
            name="StepDuration", unit=MetricUnit.Milliseconds, value=round((time.perf_counter() - started) * 1000)
        )
        metrics.flush_metrics()
