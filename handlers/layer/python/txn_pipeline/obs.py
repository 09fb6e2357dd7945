"""Structured JSON logging and CloudWatch metrics (Embedded Metric Format).

Why not AWS Lambda Powertools: the layer is zipped at synth straight from the
repository files with no dependency-vendoring step, so it can only contain our
own pure-Python code (boto3 is in the Lambda runtime). The two features we
need -- one JSON object per log line with job id and step, and EMF metric
lines that CloudWatch turns into metrics without any API call -- fit in this
module.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any, TextIO

_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}


class Logger:
    """``log.info("message", rows=3)`` prints one JSON object:
    ``{"level": "INFO", "message": ..., "service": ..., "job_id": ..., "step": ..., "rows": 3}``."""

    def __init__(self, service: str, level: str = "INFO", stream: TextIO | None = None) -> None:
        self.service = service
        self.level = _LEVELS.get(level.upper(), 20)
        self.stream = stream
        self.context: dict[str, Any] = {}

    def bind(self, **fields: Any) -> None:
        self.context.update({k: v for k, v in fields.items() if v is not None})

    def clear(self) -> None:
        self.context.clear()

    def _emit(self, level: str, message: str, fields: Mapping[str, Any], exc: BaseException | None) -> None:
        if _LEVELS[level] < self.level:
            return
        rec: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
            "level": level,
            "service": self.service,
            "message": message,
            **self.context,
            **fields,
        }
        if exc is not None:
            rec["error_type"] = type(exc).__name__
            rec["error"] = str(exc)
            rec["stack"] = "".join(traceback.format_exception(exc))[-4000:]
        print(json.dumps(rec, default=str, ensure_ascii=False), file=self.stream or sys.stdout, flush=True)

    def debug(self, message: str, **fields: Any) -> None:
        self._emit("DEBUG", message, fields, None)

    def info(self, message: str, **fields: Any) -> None:
        self._emit("INFO", message, fields, None)

    def warning(self, message: str, **fields: Any) -> None:
        self._emit("WARNING", message, fields, None)

    def error(self, message: str, exc: BaseException | None = None, **fields: Any) -> None:
        self._emit("ERROR", message, fields, exc)


class Metrics:
    """Collects values during one invocation and prints one EMF line in ``flush``."""

    def __init__(self, namespace: str, service: str, stream: TextIO | None = None) -> None:
        self.namespace = namespace
        self.service = service
        self.stream = stream
        self.dimensions: dict[str, str] = {"service": service}
        self._values: dict[str, tuple[float, str]] = {}
        self.properties: dict[str, Any] = {}

    def add(self, name: str, value: float, unit: str = "Count") -> None:
        old = self._values.get(name)
        self._values[name] = ((old[0] if old else 0) + value, unit)

    def flush(self) -> dict[str, Any] | None:
        if not self._values:
            return None
        doc: dict[str, Any] = {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self.namespace,
                        "Dimensions": [sorted(self.dimensions)],
                        "Metrics": [{"Name": k, "Unit": u} for k, (_, u) in sorted(self._values.items())],
                    }
                ],
            },
            **self.dimensions,
            **self.properties,
            **{k: v for k, (v, _) in self._values.items()},
        }
        print(json.dumps(doc, default=str), file=self.stream or sys.stdout, flush=True)
        self._values.clear()
        self.properties.clear()
        return doc


class Progress:
    """Progress of one long pass over an object, logged as ``"progress"`` lines.

    Called with the bytes read so far (the reader's tap calls it on every read); logs at most once
    every ``every_s`` seconds, so a small object that finishes first logs nothing. A line carries the
    bytes read, the object size, percent, MiB/s, the estimated seconds left, plus ``fields()`` (for
    example the rows read and rejected so far).
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

    def __call__(self, bytes_read: int) -> None:
        now = self.clock()
        if now < self.due:
            return
        self.due = now + self.every_s
        elapsed = now - self.started
        rate = bytes_read / elapsed if elapsed > 0 else 0.0
        rec: dict[str, Any] = {"bytes_read": bytes_read, "elapsed_s": round(elapsed, 1)}
        if self.total:
            rec["total_bytes"] = self.total
            rec["percent"] = round(100.0 * bytes_read / self.total, 1)
        rec["mib_per_s"] = round(rate / 2**20, 1)
        if self.total and rate > 0:
            rec["eta_s"] = round(max(self.total - bytes_read, 0) / rate)
        if self.fields is not None:
            rec.update(self.fields())
        self.lines += 1
        self.log.info("progress", **rec)
