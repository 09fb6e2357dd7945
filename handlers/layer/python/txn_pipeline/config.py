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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        missing = [k for k in ("TABLE_NAME", "DATA_BUCKET") if not e.get(k)]
        if missing:
            raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
        try:
            chunk_rows = int(e.get("CHUNK_ROWS") or DEFAULT_CHUNK_ROWS)
            ttl = int(e.get("JOB_TTL_DAYS") or 90)
        except ValueError as exc:
            raise ConfigurationError(f"bad numeric setting: {exc}") from exc
        if chunk_rows < 1:
            raise ConfigurationError("CHUNK_ROWS must be >= 1")
        return cls(
            table_name=e["TABLE_NAME"],
            data_bucket=e["DATA_BUCKET"],
            alert_topic_arn=e.get("ALERT_TOPIC_ARN", ""),
            environment_suffix=e.get("ENVIRONMENT_SUFFIX", ""),
            service_name=e.get("SERVICE_NAME", "txn-pipeline"),
            log_level=(e.get("LOG_LEVEL") or "INFO").upper(),
            chunk_rows=chunk_rows,
            job_ttl_days=ttl,
        )
