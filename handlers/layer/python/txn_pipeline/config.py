"""Runtime settings, read from the environment the stack sets on each function."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .core import DEFAULT_CHUNK_ROWS
from .errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Settings:
    table_name: str
    data_bucket: str
    alert_topic_arn: str
    environment_suffix: str
    service_name: str
    log_level: str = "INFO"
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    job_ttl_days: int = 90
    metrics_namespace: str = "TxnPipeline"
    #: memory the duplicate-id table may use (None: unbounded, e.g. outside Lambda)
    dedupe_max_bytes: int | None = None
    #: seconds between "progress" log lines of validate/transform on a long object
    progress_every_s: float = 15.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        missing = [k for k in ("TABLE_NAME", "DATA_BUCKET") if not e.get(k)]
        if missing:
            raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
        try:
            chunk_rows = int(e.get("CHUNK_ROWS") or DEFAULT_CHUNK_ROWS)
            ttl = int(e.get("JOB_TTL_DAYS") or 90)
            progress_every_s = float(e.get("PROGRESS_EVERY_S") or 15.0)
        except ValueError as exc:
            raise ConfigurationError(f"bad numeric setting: {exc}") from exc
        if chunk_rows < 1:
            raise ConfigurationError("CHUNK_ROWS must be >= 1")
        if not progress_every_s >= 0:
            raise ConfigurationError("PROGRESS_EVERY_S must be >= 0")
        dedupe_max_bytes = _dedupe_budget(e)
        return cls(
            table_name=e["TABLE_NAME"],
            data_bucket=e["DATA_BUCKET"],
            alert_topic_arn=e.get("ALERT_TOPIC_ARN", ""),
            environment_suffix=e.get("ENVIRONMENT_SUFFIX", ""),
            service_name=e.get("SERVICE_NAME", "txn-pipeline"),
            log_level=(e.get("LOG_LEVEL") or "INFO").upper(),
            chunk_rows=chunk_rows,
            job_ttl_days=ttl,
            dedupe_max_bytes=dedupe_max_bytes,
            progress_every_s=progress_every_s,
        )


def _dedupe_budget(e: Mapping[str, str]) -> int | None:
    """``DEDUPE_MEMORY_MB`` (MiB, may be fractional), else half of the memory Lambda gives the function
    (``AWS_LAMBDA_FUNCTION_MEMORY_SIZE``, which the runtime sets), else None (no limit)."""
    raw, var = e.get("DEDUPE_MEMORY_MB"), "DEDUPE_MEMORY_MB"
    factor = 1.0
    if not raw:
        raw, var, factor = e.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0.5
    if not raw:
        return None
    try:
        mib = float(raw) * factor
    except ValueError as exc:
        raise ConfigurationError(f"{var} must be a number of MiB, got {raw!r}") from exc
    if not mib > 0:
        raise ConfigurationError(f"{var} must be > 0, got {raw!r}")
    return int(mib * 2**20)
