"""Handler wiring shared by the four Lambda functions.

``run`` builds the dependencies (lazily created boto3 clients, settings from
the environment), binds the log context, calls the step, and converts any
exception into the error taxonomy so Lambda reports ``errorType`` as
``TransientError`` (retried by the state machine) or a permanent name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from . import aws
from .config import Settings
from .errors import classify
from .jobstore import JobStore
from .obs import Logger, Metrics
from .steps import Deps

Step = Callable[[Mapping[str, Any], Deps], dict[str, Any]]


def make_logger(default_service: str) -> Logger:
    return Logger(os.environ.get("SERVICE_NAME") or default_service, os.environ.get("LOG_LEVEL") or "INFO")


def make_metrics(default_service: str) -> Metrics:
    m = Metrics("TxnPipeline", os.environ.get("SERVICE_NAME") or default_service)
    if os.environ.get("ENVIRONMENT_SUFFIX"):
        m.dimensions["environment"] = os.environ["ENVIRONMENT_SUFFIX"]
    return m


def build_deps(log: Logger, metrics: Metrics) -> Deps:
    settings = Settings.from_env()
    store = JobStore(aws.client("dynamodb"), settings.table_name, ttl_days=settings.job_ttl_days)
    return Deps(s3=aws.client("s3"), store=store, settings=settings, log=log, metrics=metrics)


def run(
    step_name: str, step: Step, event: Mapping[str, Any], context: Any, *, log: Logger, metrics: Metrics
) -> dict[str, Any]:
    log.clear()
    log.bind(step=step_name, request_id=getattr(context, "aws_request_id", None), job_id=event.get("job_id"))
    try:
        deps = build_deps(log, metrics)
        result = step(event, deps)
        log.info("step succeeded", status=result.get("status"))
        return result
    except Exception as exc:
        err = classify(exc)
        metrics.add("TransientErrors" if err.retryable else "PermanentErrors", 1)
        log.error("step failed", exc=exc, error_class=type(err).__name__, retryable=err.retryable)
        if err is exc:
            raise
        raise err from exc
    finally:
        metrics.flush()
