"""Typed configuration of the pipeline stack.

Only the app entry point (:mod:`stack.app`) reads the process environment and
builds a :class:`PipelineConfig`; constructs receive plain typed values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from aspects.policy import CLOUDWATCH_RETENTION_DAYS

from .steps import NAMES, STEPS, FunctionSettings

DEFAULT_REGION = "us-east-2"
DEFAULT_SUFFIX = "dev"
PROJECT = "financial-data-pipeline"

_SUFFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,14}[a-z0-9]$")
_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Log retention values CloudWatch Logs accepts (days): the governance policy's list.
ALLOWED_RETENTION_DAYS = CLOUDWATCH_RETENTION_DAYS


class ConfigError(ValueError):
    """Raised with every problem found in a configuration, not just the first."""


#: the functions' default sizing, from the table of steps (:mod:`stack.steps`)
DEFAULT_FUNCTIONS: Mapping[str, FunctionSettings] = {step.name: step.settings for step in STEPS}

#: Inline Map states run at most 40 iterations at once
MAP_MAX_CONCURRENCY = 40


@dataclass(frozen=True, kw_only=True)
class FanOutSettings:
    """Large objects: uncompressed CSV or JSON Lines over ``threshold_bytes`` are checked in newline-aligned
    byte ranges of about ``range_bytes`` (a Map state, ``max_concurrency`` at once), their ids in hash
    partitions of about ``partition_bytes`` of the file each (a second Map), then merged. The capacity model
    behind these defaults is in docs/handlers.md."""

    threshold_bytes: int = 2**30
    range_bytes: int = 256 * 2**20
    partition_bytes: int = 2 * 2**30
    max_concurrency: int = 10

    def problems(self) -> list[str]:
        out = []
        for name in ("threshold_bytes", "range_bytes", "partition_bytes"):
            if getattr(self, name) < 1024:
                out.append(f"fanout.{name}={getattr(self, name)} is below 1024 bytes")
        if self.range_bytes > 4 * 2**30:
            out.append(f"fanout.range_bytes={self.range_bytes}: a range must fit one function (at most 4 GiB)")
        if not 1 <= self.max_concurrency <= MAP_MAX_CONCURRENCY:
            out.append(f"fanout.max_concurrency={self.max_concurrency} outside 1..{MAP_MAX_CONCURRENCY}")
        return out


@dataclass(frozen=True, kw_only=True)
class StateBackend:
    """Remote state in S3 with native S3 locking (``use_lockfile``, Terraform >= 1.10)."""

    bucket: str
    key: str
    region: str


@dataclass(frozen=True, kw_only=True)
class PipelineConfig:
    environment_suffix: str = DEFAULT_SUFFIX
    region: str = DEFAULT_REGION
    cost_center: str = "FIN-DATA-001"
    owner: str = "platform-team"
    project: str = PROJECT
    alert_email: str | None = None
    log_retention_days: int = 30
    vpc_cidr: str = "10.0.0.0/16"
    private_subnet_cidrs: tuple[str, str, str] = ("10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20")
    availability_zones: tuple[str, str, str] | None = None
    functions: Mapping[str, FunctionSettings] = field(default_factory=lambda: dict(DEFAULT_FUNCTIONS))
    fanout: FanOutSettings = field(default_factory=FanOutSettings)
    backend: StateBackend | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not _SUFFIX_RE.match(self.environment_suffix):
            problems.append(
                f"environment_suffix={self.environment_suffix!r}: use 3-16 lower-case letters, digits or '-'"
                " (it becomes part of bucket and function names)"
            )
        if not _REGION_RE.match(self.region):
            problems.append(f"region={self.region!r} is not an AWS region name such as 'us-east-2'")
        if self.alert_email is not None and not _EMAIL_RE.match(self.alert_email):
            problems.append(f"alert_email={self.alert_email!r} is not an e-mail address")
        if self.log_retention_days not in ALLOWED_RETENTION_DAYS:
            problems.append(
                f"log_retention_days={self.log_retention_days} is not one CloudWatch accepts:"
                f" {sorted(ALLOWED_RETENTION_DAYS)}"
            )
        if self.availability_zones is not None and len(set(self.availability_zones)) != 3:
            problems.append(f"availability_zones={self.availability_zones!r}: need three distinct zones")
        missing = sorted(set(NAMES) - set(self.functions))
        if missing:
            problems.append(f"functions: settings missing for {missing}")
        for step, settings in sorted(self.functions.items()):
            if not 512 <= settings.ephemeral_storage_mb <= 10240:
                problems.append(
                    f"functions[{step!r}].ephemeral_storage_mb={settings.ephemeral_storage_mb} outside 512..10240"
                )
        problems += self.fanout.problems()
        for tag, value in self.required_tags.items():
            if not value.strip():
                problems.append(f"tag {tag} is empty")
        if problems:
            raise ConfigError("invalid pipeline configuration:\n  - " + "\n  - ".join(problems))

    @property
    def zones(self) -> tuple[str, str, str]:
        return self.availability_zones or (f"{self.region}a", f"{self.region}b", f"{self.region}c")

    @property
    def required_tags(self) -> dict[str, str]:
        """The FinOps tags every taggable resource carries (via provider default_tags)."""
        return {
            "CostCenter": self.cost_center,
            "Environment": self.environment_suffix,
            "Owner": self.owner,
            "Project": self.project,
            "ManagedBy": "cdktf",
        }

    def name(self, resource_type: str, purpose: str) -> str:
        """``<resource-type>-<purpose>-<suffix>``, the naming rule for everything but the raw bucket."""
        return f"{resource_type}-{purpose}-{self.environment_suffix}"

    @property
    def bucket_name(self) -> str:
        # Kept from the first release for backward compatibility (consumers read this bucket).
        return f"{PROJECT}-{self.environment_suffix}"
