"""The usage profile: the workload an estimate prices, read from YAML and validated.

The profile describes the workload (files a day, their size, what each function does per file, what
lands in S3 and DynamoDB), never the infrastructure: memory sizes, architectures, lifecycle rules,
retention, capacity modes, NAT gateways and endpoints are read from the synthesized stack. So one
profile prices any design of the same workload (``--compare``). ``profiles/default.yml`` is this
pipeline's workload, each number with where it comes from.

Validation reports every problem at once, each naming its field (``functions.validate.cpu_seconds_per_gb:
Input should be greater than or equal to 0``); unknown fields are errors, so a typo is never ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_PROFILE = Path(__file__).with_name("profiles") / "default.yml"
HOURS_PER_MONTH = 730.0  # AWS's month for hourly prices
DAYS_PER_MONTH = HOURS_PER_MONTH / 24


class ProfileError(ValueError):
    """A usage file that cannot be read or does not validate (every problem, each naming its field)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Workload(_Model):
    files_per_day: float = Field(gt=0)
    file_size_gb: float = Field(gt=0)
    rows_per_gb: float = Field(ge=0)
    failed_fraction: float = Field(ge=0, le=1)


class Parallel(_Model):
    """A measured speedup: the pass with ``threads`` threads, each on its own vCPU, ran ``speedup``
    times faster than with one thread on one vCPU."""

    threads: int = Field(ge=2)
    speedup: float = Field(ge=1)

    @model_validator(mode="after")
    def _at_most_linear(self) -> Parallel:
        if self.speedup > self.threads:
            raise ValueError(
                f"speedup {self.speedup:g} is more than linear at {self.threads} threads "
                f"(at most {self.threads}: time with one thread / time with {self.threads})"
            )
        return self


class FunctionUsage(_Model):
    """What one function does per file. Duration = fixed_seconds + cpu_seconds_per_gb x file size x
    CPU factor: ``cpu_seconds_per_gb`` is one thread on one full vCPU; the factor slows the pass below one
    vCPU and, with ``parallel``, speeds its parallel share up on the vCPUs the memory gives
    (``formulas.cpu_factor``). Without ``parallel`` the pass is single-threaded."""

    match: str = Field(min_length=1)  # glob on function_name
    invocations_per_file: float = Field(default=1, ge=0)
    fixed_seconds: float = Field(default=0, ge=0)
    cpu_seconds_per_gb: float = Field(default=0, ge=0)
    parallel: Parallel | None = None
    waits_for: tuple[str, ...] = ()  # billed while these functions run (a synchronous orchestrator)
    log_bytes_per_invocation: float = Field(default=0, ge=0)
    custom_metrics: int = Field(default=0, ge=0)
    starts_trace: bool = False


class LambdaSettings(_Model):
    memory_mb_per_vcpu: float = Field(default=1769, gt=0)


class StateMachineUsage(_Model):
    match: str = "*"
    executions_per_file: float = Field(default=1, ge=0)
    transitions_per_execution: float | Literal["auto"] = "auto"
    retries_per_execution: float = Field(default=0, ge=0)
    log_bytes_per_transition: float = Field(default=0, ge=0)


class ObjectStream(_Model):
    """Objects one file puts under a prefix of a bucket."""

    prefix: str
    size_ratio: float = Field(ge=0)  # bytes stored / bytes of the raw file
    objects_per_file: float = Field(gt=0)
    part_mb: float = Field(default=8, gt=0)  # multipart part size of the writer; larger objects are multipart


class BucketUsage(_Model):
    match: str = Field(min_length=1)  # glob on the bucket name
    streams: tuple[ObjectStream, ...] = Field(min_length=1)
    tier2_requests_per_file: float = Field(default=0, ge=0)  # GET/HEAD
    extra_tier1_requests_per_file: float = Field(default=0, ge=0)  # LIST and the like
    function_traffic_gb_per_file: float = Field(default=0, ge=0)  # read + written by functions (NAT routing)


class TableUsage(_Model):
    match: str = Field(min_length=1)
    write_units_per_file: float = Field(ge=0)
    read_units_per_file: float = Field(ge=0)
    expiring_bytes_per_file: float = Field(default=0, ge=0)
    expiring_after_days: float = Field(default=0, ge=0)
    kept_bytes_per_file: float = Field(default=0, ge=0)


class Logs(_Model):
    flow_log_bytes_per_day: float = Field(default=0, ge=0)
    stored_fraction: float = Field(default=1, gt=0, le=1)  # stored (compressed) bytes / ingested bytes


class Kms(_Model):
    requests_per_file: float = Field(default=0, ge=0)
    requests_per_month: float = Field(default=0, ge=0)  # periodic, independent of files (caches expiring)


class Network(_Model):
    nat_other_gb_per_file: float = Field(default=0, ge=0)  # AWS API traffic other than S3/DynamoDB
    interface_endpoint_gb_per_month: float = Field(default=0, ge=0)


class Messaging(_Model):
    sns_publishes_per_month: float = Field(default=0, ge=0)
    sqs_requests_per_month: float = Field(default=0, ge=0)
    custom_events_per_month: float = Field(default=0, ge=0)


class XRay(_Model):
    sampled_fraction: float = Field(default=1, ge=0, le=1)


class Glue(_Model):
    partitions_per_table_per_day: float = Field(default=0, ge=0)
    requests_per_month: float = Field(default=0, ge=0)


class Athena(_Model):
    queries_per_month: float = Field(default=0, ge=0)
    tb_scanned_per_month: float = Field(default=0, ge=0)


class Profile(_Model):
    name: str
    region: str
    month: int = Field(ge=1, le=240)  # the month after go-live whose bill is estimated
    workload: Workload
    functions: Mapping[str, FunctionUsage] = Field(default_factory=dict)
    lambda_: LambdaSettings = Field(default_factory=LambdaSettings, alias="lambda")
    state_machines: StateMachineUsage = Field(default_factory=StateMachineUsage)
    buckets: Mapping[str, BucketUsage] = Field(default_factory=dict)
    tables: Mapping[str, TableUsage] = Field(default_factory=dict)
    logs: Logs = Field(default_factory=Logs)
    kms: Kms = Field(default_factory=Kms)
    network: Network = Field(default_factory=Network)
    messaging: Messaging = Field(default_factory=Messaging)
    xray: XRay = Field(default_factory=XRay)
    glue: Glue = Field(default_factory=Glue)
    athena: Athena = Field(default_factory=Athena)

    @model_validator(mode="after")
    def _waits_for_known_functions(self) -> Profile:
        problems = [
            f"functions.{name}.waits_for: unknown function {other!r} (known: {', '.join(sorted(self.functions))})"
            for name, usage in self.functions.items()
            for other in usage.waits_for
            if other not in self.functions or other == name
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def files_per_month(self) -> float:
        return self.workload.files_per_day * DAYS_PER_MONTH

    def function_for(self, function_name: str) -> tuple[str, FunctionUsage] | None:
        """The profile entry whose ``match`` glob matches a function name (first in file order)."""
        return _first_match(self.functions, function_name)

    def bucket_for(self, bucket_name: str) -> tuple[str, BucketUsage] | None:
        return _first_match(self.buckets, bucket_name)

    def table_for(self, table_name: str) -> tuple[str, TableUsage] | None:
        return _first_match(self.tables, table_name)


def _first_match(entries: Mapping[str, Any], name: str) -> Any:
    for key, entry in entries.items():
        if fnmatchcase(name, entry.match):
            return key, entry
    return None


def from_mapping(data: Any, source: str = "<profile>") -> Profile:
    if not isinstance(data, Mapping):
        raise ProfileError(f"{source}: a usage profile is a YAML mapping, got {type(data).__name__}")
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        problems = [f"{_field(e['loc'])}: {e['msg']}" for e in error.errors()]
        raise ProfileError(f"{source}: invalid usage profile:\n  - " + "\n  - ".join(problems)) from None


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load(path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Profile:
    """Read a YAML usage file (default: the pipeline's profile); ``overrides`` replace top-level keys."""
    path = path or DEFAULT_PROFILE
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as error:
        raise ProfileError(f"{path}: cannot read the usage file: {error.strerror or error}") from error
    except yaml.YAMLError as error:
        raise ProfileError(f"{path}: not valid YAML: {error}") from error
    if isinstance(data, Mapping) and overrides:
        data = {**data, **overrides}
    return from_mapping(data, str(path))
