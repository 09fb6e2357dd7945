"""The pipeline's steps: one table that configuration, roles, the workflow, alarms and the harnesses read.

Pure data, no cdktf: the stack, the state machine definition, the operations driver and the tests
import the same rows. A row's ``name`` is the function's directory under ``handlers/functions``, its
``SERVICE_NAME``, the ``<name>`` in ``lambda-<name>-<suffix>`` and the ``failed_step`` of a job; its
``state`` is the state that invokes it in the state machine (a Task, or the item of a Map).

IAM needs are written over named resources (:data:`RESOURCES`) the stack turns into ARNs; every function
also gets the baseline of :class:`stack.constructs.pipeline_function.PipelineFunction` and the data key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, kw_only=True)
class FunctionSettings:
    """Per-function sizing. ``reserved_concurrency=None`` means unreserved (documented in README).
    ``ephemeral_storage_mb``: the function's /tmp (512..10240), where validate and transform spool
    the object and the engine spills."""

    memory_mb: int
    timeout_seconds: int
    reserved_concurrency: int | None
    ephemeral_storage_mb: int = 512


#: what an IAM need can name: objects under a prefix of the data bucket, or the job table
RESOURCES = ("raw", "quarantine", "curated", "work", "table")
Resource = Literal["raw", "quarantine", "curated", "work", "table"]


@dataclass(frozen=True, kw_only=True)
class Access:
    """One statement of a step's role: ``actions`` on the named ``resources``."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[Resource, ...]


@dataclass(frozen=True, kw_only=True)
class Step:
    name: str
    state: str
    path: Literal["single", "fanout"]
    settings: FunctionSettings
    access: tuple[Access, ...]
    #: the Map state that runs this step once per item (its ``state`` is then the Map's inner Task)
    map_state: str | None = None
    #: AWS/Lambda metrics alarmed on (Sum >= 1 in 5 minutes)
    alarms: tuple[str, ...] = ("Errors", "Throttles")
    #: the function reads the fan-out settings (FANOUT_RANGE_BYTES, FANOUT_PARTITION_BYTES)
    reads_fanout_settings: bool = False


_READ_RAW = Access(sid="ReadRawObjects", actions=("s3:GetObject", "s3:GetObjectVersion"), resources=("raw",))
_UPDATE_JOB = Access(sid="UpdateJob", actions=("dynamodb:GetItem", "dynamodb:UpdateItem"), resources=("table",))
_READ_JOB = Access(sid="ReadJob", actions=("dynamodb:GetItem",), resources=("table",))
_PUT = ("s3:AbortMultipartUpload", "s3:PutObject")
# validate and transform spool whole files (up to GBs) to /tmp and run the engine in bounded memory:
# 3,538 MB is two vCPUs, measured faster and cheaper per GB than one (the cost and latency table in
# docs/handlers.md); 10 GiB of /tmp holds a 4 GB file with the engine's spill.
_ENGINE_PASS = FunctionSettings(
    memory_mb=3538, timeout_seconds=900, reserved_concurrency=10, ephemeral_storage_mb=10240
)

#: every step, in the order of the functions in the stack (single path first, then the large-object path)
STEPS: tuple[Step, ...] = (
    Step(
        # reads object metadata and registers the job
        name="ingest",
        state="Ingest",
        path="single",
        settings=FunctionSettings(memory_mb=256, timeout_seconds=60, reserved_concurrency=10),
        access=(
            _READ_RAW,
            Access(
                sid="RegisterJob",
                actions=("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                resources=("table",),
            ),
        ),
    ),
    Step(
        name="validate",
        state="Validate",
        path="single",
        settings=_ENGINE_PASS,
        access=(_READ_RAW, Access(sid="WriteQuarantine", actions=_PUT, resources=("quarantine",)), _UPDATE_JOB),
    ),
    Step(
        name="transform",
        state="Transform",
        path="single",
        settings=_ENGINE_PASS,
        access=(_READ_RAW, Access(sid="WriteCurated", actions=_PUT, resources=("curated",)), _UPDATE_JOB),
    ),
    Step(
        # writes one summary plus per-day aggregates
        name="load",
        state="Load",
        path="single",
        settings=FunctionSettings(memory_mb=512, timeout_seconds=300, reserved_concurrency=10),
        access=(
            Access(sid="ReadCurated", actions=("s3:GetObject",), resources=("curated",)),
            Access(
                sid="WriteSummaries",
                actions=("dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                resources=("table",),
            ),
        ),
    ),
    # A large object: plan reads a few KiB around each split; range runs the engine over one 256 MiB range
    # (spooled, plus the engine's spill: 2.5x the range); partition checks one hash partition's ids (about
    # 2 GiB of the file) and writes its curated Parquet; merge streams the rejects and copies objects.
    # range and partition reserve three Maps' worth (MaxConcurrency 10) so three large files run at full width.
    # Their intermediates live under work/ (deleted by merge, expired otherwise).
    Step(
        name="plan",
        state="Plan",
        path="fanout",
        settings=FunctionSettings(memory_mb=512, timeout_seconds=120, reserved_concurrency=10),
        access=(_READ_RAW, _READ_JOB),
        reads_fanout_settings=True,
    ),
    Step(
        name="range",
        state="Range",
        map_state="CheckRanges",
        path="fanout",
        settings=FunctionSettings(
            memory_mb=3538, timeout_seconds=900, reserved_concurrency=30, ephemeral_storage_mb=2048
        ),
        access=(_READ_RAW, Access(sid="WriteWork", actions=_PUT, resources=("work",)), _READ_JOB),
    ),
    Step(
        name="partition",
        state="Partition",
        map_state="CheckPartitions",
        path="fanout",
        settings=FunctionSettings(
            memory_mb=3538, timeout_seconds=900, reserved_concurrency=30, ephemeral_storage_mb=10240
        ),
        access=(
            Access(sid="ReadWork", actions=("s3:GetObject",), resources=("work",)),
            Access(sid="WriteWork", actions=_PUT, resources=("work",)),
            _READ_JOB,
        ),
    ),
    Step(
        name="merge",
        state="Merge",
        path="fanout",
        settings=FunctionSettings(memory_mb=1024, timeout_seconds=900, reserved_concurrency=10),
        access=(
            Access(sid="ReadAndDeleteWork", actions=("s3:DeleteObject", "s3:GetObject"), resources=("work",)),
            Access(sid="WriteQuarantineAndCurated", actions=_PUT, resources=("quarantine", "curated")),
            _UPDATE_JOB,
        ),
    ),
)

#: the steps every object takes, in order, and those of a large object's path (between ingest and load)
SINGLE_PATH: tuple[Step, ...] = tuple(s for s in STEPS if s.path == "single")
FANOUT: tuple[Step, ...] = tuple(s for s in STEPS if s.path == "fanout")
NAMES: tuple[str, ...] = tuple(s.name for s in STEPS)
BY_NAME: Mapping[str, Step] = {s.name: s for s in STEPS}
BY_STATE: Mapping[str, Step] = {s.state: s for s in STEPS}
