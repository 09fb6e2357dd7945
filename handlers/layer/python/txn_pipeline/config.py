"""Runtime settings, read from the environment the stack (and Lambda) sets on each function."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigurationError

#: share of the function's memory the engine may use; the rest is the interpreter, boto3, DuckDB's
#: own untracked allocations and the rejects being written (measured: docs/handlers.md, "Memory")
ENGINE_MEMORY_SHARE = 0.6
ENGINE_MEMORY_FLOOR_MB = 64
#: ephemeral storage kept free while spooling and spilling (logs, the runtime's own files)
SPARE_DISK_MB = 64


@dataclass(frozen=True, slots=True)
class Settings:
    table_name: str
    data_bucket: str
    alert_topic_arn: str
    environment_suffix: str
    service_name: str
    log_level: str = "INFO"
    job_ttl_days: int = 90
    metrics_namespace: str = "TxnPipeline"
    #: the engine's memory limit (None: DuckDB's default, outside Lambda)
    engine_memory_mb: int | None = None
    #: the engine's threads (Lambda gives one vCPU per 1,769 MB of memory)
    engine_threads: int = 1
    #: where objects are spooled and the engine spills (the function's ephemeral storage)
    work_dir: Path = Path(tempfile.gettempdir())
    #: seconds between "progress" log lines of validate/transform on a long object
    progress_every_s: float = 15.0
    #: fan-out of a large object: bytes per range, and bytes of the file per hash partition
    fanout_range_bytes: int = 256 * 2**20
    fanout_partition_bytes: int = 2 * 2**30

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        missing = [k for k in ("TABLE_NAME", "DATA_BUCKET") if not e.get(k)]
        if missing:
            raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
        try:
            ttl = int(e.get("JOB_TTL_DAYS") or 90)
            progress_every_s = float(e.get("PROGRESS_EVERY_S") or 15.0)
            threads = int(e.get("ENGINE_THREADS") or os.cpu_count() or 1)
            range_bytes = int(e.get("FANOUT_RANGE_BYTES") or 256 * 2**20)
            partition_bytes = int(e.get("FANOUT_PARTITION_BYTES") or 2 * 2**30)
        except ValueError as exc:
            raise ConfigurationError(f"bad numeric setting: {exc}") from exc
        if not progress_every_s >= 0:
            raise ConfigurationError("PROGRESS_EVERY_S must be >= 0")
        if threads < 1:
            raise ConfigurationError("ENGINE_THREADS must be >= 1")
        if range_bytes < 1 or partition_bytes < 1:
            raise ConfigurationError("FANOUT_RANGE_BYTES and FANOUT_PARTITION_BYTES must be >= 1")
        return cls(
            table_name=e["TABLE_NAME"],
            data_bucket=e["DATA_BUCKET"],
            alert_topic_arn=e.get("ALERT_TOPIC_ARN", ""),
            environment_suffix=e.get("ENVIRONMENT_SUFFIX", ""),
            service_name=e.get("SERVICE_NAME", "txn-pipeline"),
            log_level=(e.get("LOG_LEVEL") or "INFO").upper(),
            job_ttl_days=ttl,
            engine_memory_mb=engine_memory_mb(e),
            engine_threads=threads,
            work_dir=Path(e.get("WORK_DIR") or tempfile.gettempdir()),
            progress_every_s=progress_every_s,
            fanout_range_bytes=range_bytes,
            fanout_partition_bytes=partition_bytes,
        )


def engine_memory_mb(e: Mapping[str, str]) -> int | None:
    """``ENGINE_MEMORY_MB``, else :data:`ENGINE_MEMORY_SHARE` of the memory Lambda gives the function
    (``AWS_LAMBDA_FUNCTION_MEMORY_SIZE``, set by the runtime), else None (no limit of ours)."""
    raw, var, share = e.get("ENGINE_MEMORY_MB"), "ENGINE_MEMORY_MB", 1.0
    if not raw:
        raw, var, share = (
            e.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            ENGINE_MEMORY_SHARE,
        )
    if not raw:
        return None
    try:
        mb = float(raw) * share
    except ValueError as exc:
        raise ConfigurationError(f"{var} must be a number of MB, got {raw!r}") from exc
    if not mb > 0:
        raise ConfigurationError(f"{var} must be > 0, got {raw!r}")
    return max(ENGINE_MEMORY_FLOOR_MB, int(mb))
