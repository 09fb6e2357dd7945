"""Plain data shapes shared by the steps: job ids, statuses, object keys, counts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

REQUIRED_FIELDS: tuple[str, ...] = ("transaction_id", "amount", "currency", "timestamp", "merchant", "status")
#: the reason of a later valid occurrence of a transaction id (the first one is curated)
DUPLICATE_REASON = "duplicate transaction_id within file"
ALLOWED_STATUSES: frozenset[str] = frozenset({"pending", "completed", "failed", "refunded", "reversed"})


def job_id_for(bucket: str, key: str, version_id: str | None) -> str:
    """The one stable job id; identical to the state machine's
    ``States.Hash(States.Format('{}/{}#{}', bucket, key, version_id), 'SHA-256')``.
    Unversioned objects use the literal string ``"null"`` as version id."""
    vid = "null" if version_id is None or version_id == "" else version_id
    return hashlib.sha256(f"{bucket}/{key}#{vid}".encode()).hexdigest()


class Status(StrEnum):
    INGESTED = "INGESTED"
    VALIDATED = "VALIDATED"
    TRANSFORMED = "TRANSFORMED"
    LOADED = "LOADED"
    FAILED = "FAILED"


#: the only forward path; FAILED is written by the state machine itself
ORDER: tuple[Status, ...] = (Status.INGESTED, Status.VALIDATED, Status.TRANSFORMED, Status.LOADED)


def job_pk(job_id: str) -> str:
    return f"JOB#{job_id}"


JOB_SK = "JOB"
SUMMARY_SK = "SUMMARY"


def day_pk(day: str) -> str:
    return f"DAY#{day}"


def day_sk(job_id: str, currency: str) -> str:
    return f"JOB#{job_id}#{currency}"


def quarantine_key(job_id: str) -> str:
    return f"quarantine/{job_id}/rejected.jsonl.gz"


def curated_key(day: str, job_id: str) -> str:
    """One Parquet object per job and UTC day: a retry overwrites it."""
    return f"curated/date={day}/{job_id}.parquet"


def manifest_key(job_id: str) -> str:
    # leading underscore: Hive/Athena/Spark ignore it when listing curated partitions
    return f"curated/_manifests/{job_id}.json"


@dataclass(slots=True)
class Counts:
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
