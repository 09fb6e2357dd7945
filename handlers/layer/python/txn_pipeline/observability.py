"""Logs, metrics and traces with AWS Lambda Powertools, and progress lines on long passes.

- :func:`logger`: one JSON object per line, with the step and the job id appended by the runtime.
- :func:`metrics`: CloudWatch metrics as Embedded Metric Format lines (no API call), dimensions
  ``service`` and ``environment``; flushed once per invocation.
- :func:`tracer`: X-Ray subsegments per step where tracing is on (the stack enables active
  tracing); Powertools turns itself off outside Lambda and when ``POWERTOOLS_TRACE_DISABLED`` is set.
- :class:`Progress`: a ``"progress"`` line at most every few seconds while an object streams or the
  engine runs, so a multi-GB pass is visible in CloudWatch Logs while it runs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "TxnPipeline"

__all__ = ["NAMESPACE", "Logger", "MetricUnit", "Metrics", "Progress", "Tracer", "logger", "metrics", "tracer"]


def _service(default: str) -> str:
    return os.environ.get("SERVICE_NAME") or default


def logger(default_service: str) -> Logger:
    return Logger(service=_service(default_service), level=(os.environ.get("LOG_LEVEL") or "INFO").upper())


def metrics(default_service: str) -> Metrics:
    m = Metrics(namespace=NAMESPACE, service=_service(default_service))
    if os.environ.get("ENVIRONMENT_SUFFIX"):
        m.set_default_dimensions(environment=os.environ["ENVIRONMENT_SUFFIX"])
    return m


def tracer(default_service: str) -> Tracer:
    return Tracer(service=_service(default_service))


class Progress:
    """Progress of one long pass, logged as ``"progress"`` lines.

    :meth:`bytes` is called with the bytes read so far (the reader's tap calls it on every read),
    :meth:`percent` with the engine's own estimate while a query runs. Either logs at most once
    every ``every_s`` seconds, so a small object that finishes first logs nothing. A line carries the
    phase, elapsed seconds, and for bytes the object size, percent, MiB/s and the estimated seconds
    left, plus ``fields()``.
    """

    def __init__(
        self,
        log: Logger,
        total_bytes: int | None,
        *,
        every_s: float = 15.0,
        fields: Callable[[], Mapping[str, Any]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log = log
        self.total = total_bytes or None
        self.every_s = every_s
        self.fields = fields
        self.clock = clock
        self.started = clock()
        self.due = self.started + every_s
        self.lines = 0

    def _due(self) -> float | None:
        now = self.clock()
        if now < self.due:
            return None
        self.due = now + self.every_s
        return now - self.started

    def bytes(self, bytes_read: int) -> None:
        elapsed = self._due()
        if elapsed is None:
            return
        rate = bytes_read / elapsed if elapsed > 0 else 0.0
        rec: dict[str, Any] = {"phase": "download", "bytes_read": bytes_read, "elapsed_s": round(elapsed, 1)}
        if self.total:
            rec["total_bytes"] = self.total
            rec["percent"] = round(100.0 * bytes_read / self.total, 1)
        rec["mib_per_s"] = round(rate / 2**20, 1)
        if self.total and rate > 0:
            rec["eta_s"] = round(max(self.total - bytes_read, 0) / rate)
        self._emit(rec)

    def percent(self, phase: str, percent: float) -> None:
        elapsed = self._due()
        if elapsed is None:
            return
        self._emit({"phase": phase, "percent": round(percent, 1), "elapsed_s": round(elapsed, 1)})

    def _emit(self, rec: dict[str, Any]) -> None:
        if self.fields is not None:
            rec.update(self.fields())
        self.lines += 1
        self.log.info("progress", **rec)
