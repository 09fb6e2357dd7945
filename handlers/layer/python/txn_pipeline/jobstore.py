"""Job records and aggregates in DynamoDB (single table, ``pk``/``sk``).

Job item ``pk=JOB#<job_id>, sk=JOB``: status walks INGESTED -> VALIDATED ->
TRANSFORMED -> LOADED through conditional updates. Asking for a transition the
job has already made (or passed) is success; anything else is an
:class:`IllegalTransitionError`. FAILED is written only by the state machine.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from .errors import IllegalTransitionError, JobNotFoundError, TransientError
from .models import JOB_SK, ORDER, Status, job_pk

_ser = TypeSerializer()
_de = TypeDeserializer()


def to_item(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _ser.serialize(v) for k, v in obj.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: _de.deserialize(v) for k, v in item.items()}
    for k, v in out.items():  # numbers come back as Decimal; counts are ints
        if isinstance(v, Decimal) and v == v.to_integral_value():
            out[k] = int(v)
    return out


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class JobStore:
    def __init__(
        self,
        client: Any,
        table: str,
        *,
        ttl_days: int = 90,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client, self.table = client, table
        self.ttl_days = ttl_days
        self.clock = clock
        self.sleep = sleep

    # -- job item -------------------------------------------------------------

    def get(self, job_id: str) -> dict[str, Any] | None:
        resp = self.client.get_item(
            TableName=self.table, Key=to_item({"pk": job_pk(job_id), "sk": JOB_SK}), ConsistentRead=True
        )
        return from_item(resp["Item"]) if "Item" in resp else None

    def require(self, job_id: str) -> dict[str, Any]:
        job = self.get(job_id)
        if job is None:
            raise JobNotFoundError(f"job {job_id} is not registered")
        return job

    def register(self, job_id: str, fields: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """Create the job as INGESTED; returns ``(item, created)``. A second
        registration of the same job id (duplicate event) returns the stored item."""
        now = utc_now()
        item = {
            **fields,
            "pk": job_pk(job_id),
            "sk": JOB_SK,
            "job_id": job_id,
            "status": Status.INGESTED.value,
            "created_at": now,
            "updated_at": now,
            "expires_at": int(self.clock()) + self.ttl_days * 86400,
        }
        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(item),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return self.require(job_id), False
        return item, True

    def transition(self, job_id: str, src: Status, dst: Status, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Move ``src -> dst`` and set ``fields`` atomically; idempotent for repeats."""
        if ORDER.index(dst) != ORDER.index(src) + 1:
            raise IllegalTransitionError(f"{src.value} -> {dst.value} is not a transition")
        values = {**fields, "status": dst.value, "updated_at": utc_now()}
        names = {f"#f{i}": k for i, k in enumerate(values)}
        sets = ", ".join(f"#f{i} = :v{i}" for i in range(len(values)))
        expr_values = {f":v{i}": _ser.serialize(v) for i, v in enumerate(values.values())}
        expr_values[":src"] = _ser.serialize(src.value)
        names["#st"] = "status"
        try:
            resp = self.client.update_item(
                TableName=self.table,
                Key=to_item({"pk": job_pk(job_id), "sk": JOB_SK}),
                UpdateExpression=f"SET {sets}",
                ConditionExpression="#st = :src",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=expr_values,
                ReturnValues="ALL_NEW",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            current = self.require(job_id)
            status = str(current.get("status"))
            if status == Status.FAILED.value:
                raise IllegalTransitionError(f"job {job_id} is FAILED; cannot move to {dst.value}") from None
            if status in {s.value for s in ORDER} and ORDER.index(Status(status)) >= ORDER.index(dst):
                return current  # already made: a retry or a duplicate event
            raise IllegalTransitionError(f"job {job_id} is {status}; cannot move {src.value} -> {dst.value}") from None
        return from_item(resp["Attributes"])

    # -- aggregates ---------------------------------------------------------------

    def put_items(self, items: Sequence[Mapping[str, Any]], *, max_attempts: int = 8) -> int:
        """BatchWriteItem in groups of 25, retrying UnprocessedItems with
        exponential backoff and full jitter. PutItem semantics: a retry overwrites."""
        written = 0
        for start in range(0, len(items), 25):
            pending = [{"PutRequest": {"Item": to_item(i)}} for i in items[start : start + 25]]
            attempt = 0
            while pending:
                resp = self.client.batch_write_item(RequestItems={self.table: pending})
                left = resp.get("UnprocessedItems", {}).get(self.table, [])
                written += len(pending) - len(left)
                pending = left
                if pending:
                    attempt += 1
                    if attempt >= max_attempts:
                        raise TransientError(f"{len(pending)} items still unprocessed after {attempt} attempts")
                    self.sleep(random.uniform(0, min(5.0, 0.05 * 2**attempt)))
        return written
