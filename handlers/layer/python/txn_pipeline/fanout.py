"""Fan-out of one large object: the plan of byte ranges, the intermediate keys, the merge rules.

Pure functions and plain data; the steps that use them are in :mod:`txn_pipeline.fanout_steps`.

A file above the state machine's threshold is checked in newline-aligned byte ranges (one Lambda
invocation each, a Map state over the plan's list), then in hash partitions of the transaction id
(a second Map), then merged. Everything in between lives under ``work/<job_id>/`` with keys derived
from the job id, the range and the partition, so a retried invocation overwrites its own objects.

A CSV record may hold a line break inside a quoted field. A range boundary is always just after a
line break, and a boundary inside a quoted field would cut a record in two: the range ending there
holds an odd number of ``"`` characters (RFC 4180 quotes come in pairs, a doubled quote included),
so the range step rejects such a file with a :class:`~txn_pipeline.errors.PermanentError` naming the
range and the byte, rather than guess. A stray ``"`` inside an unquoted field (not RFC 4180) makes
the count odd too, so a large file with one is rejected the same way; below the threshold both are
read by the single-function path as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .currencies import MINOR_UNITS
from .errors import PermanentError

#: how far past a nominal split the planner looks for a line break before giving that split up
MAX_LINE_BYTES = 1 << 20
#: the planner reads this much at a time while it looks for a line break
SEARCH_WINDOW = 64 * 1024
#: one range per Map iteration, listed in the state input: at ~60 bytes each, 2,000 ranges use about
#: half of Step Functions' 256 KiB payload limit
MAX_RANGES = 2000
MAX_PARTITIONS = 256


@dataclass(frozen=True, slots=True)
class ByteRange:
    index: int
    start: int  # first byte
    end: int  # one past the last byte
    count: int  # ranges in the plan

    @property
    def last(self) -> bool:
        return self.index == self.count - 1

    def label(self) -> str:
        return f"range {self.index + 1} of {self.count} (bytes {self.start}-{self.end - 1})"

    def to_item(self) -> dict[str, int]:
        return {"index": self.index, "start": self.start, "end": self.end, "count": self.count}

    @classmethod
    def from_item(cls, item: dict[str, object]) -> ByteRange:
        try:
            rng = cls(*(int(item[k]) for k in ("index", "start", "end", "count")))  # type: ignore[call-overload]
        except (KeyError, TypeError, ValueError) as exc:
            raise PermanentError(f"bad range in the payload: {item!r}") from exc
        if not (0 <= rng.index < rng.count and 0 <= rng.start < rng.end):
            raise PermanentError(f"bad range in the payload: {item!r}")
        return rng


#: ``find(offset, limit)``: the position of the first b"\n" in [offset, offset + limit) of the object, or None
FindNewline = Callable[[int, int], int | None]


def split_points(size: int, *, start: int, range_bytes: int, find: FindNewline) -> list[int]:
    """Range starts (the first is ``start``): each just after the first line break at or after a nominal
    split ``range_bytes`` past the previous start. A split with no line break within
    :data:`MAX_LINE_BYTES` is given up (that range grows), so a file without line breaks is one range."""
    if range_bytes <= 0:
        raise ValueError("range_bytes must be positive")
    points = [start]
    nominal = start + range_bytes
    while nominal < size:
        newline = find(nominal, min(MAX_LINE_BYTES, size - nominal))
        if newline is None:
            nominal += range_bytes
            continue
        boundary = newline + 1
        if boundary >= size:
            break
        points.append(boundary)
        nominal = boundary + range_bytes
    return points


def plan_ranges(size: int, *, header_end: int, range_bytes: int, find: FindNewline) -> list[ByteRange]:
    """The newline-aligned ranges of an object of ``size`` bytes whose first ``header_end`` bytes are the
    CSV header (0 for JSON Lines): the header stays in range 1; the range step puts it in front of the others."""
    points = split_points(size, start=0, range_bytes=max(range_bytes, header_end), find=find)
    if len(points) > MAX_RANGES:
        raise PermanentError(
            f"{len(points)} ranges of {range_bytes:,} bytes exceed the {MAX_RANGES} the state input can list; "
            "raise the range size"
        )
    ends = [*points[1:], size]
    return [ByteRange(i, s, e, len(points)) for i, (s, e) in enumerate(zip(points, ends, strict=True))]


def partition_count(size: int, *, partition_bytes: int) -> int:
    """Hash partitions for the duplicate check: about ``partition_bytes`` of the file each."""
    return max(1, min(MAX_PARTITIONS, math.ceil(size / max(1, partition_bytes))))


# ------------------------------------------------------------------------------------ keys under work/

WORK_PREFIX = "work/"


def work_prefix(job_id: str) -> str:
    return f"{WORK_PREFIX}{job_id}/"


def range_rows_key(job_id: str, partition: int, index: int) -> str:
    return f"{work_prefix(job_id)}rows/part={partition}/range={index}.parquet"


def range_rejects_key(job_id: str, index: int) -> str:
    return f"{work_prefix(job_id)}rejects/range={index}.jsonl.gz"


def range_summary_key(job_id: str, index: int) -> str:
    return f"{work_prefix(job_id)}ranges/{index}.json"


def partition_duplicates_key(job_id: str, partition: int) -> str:
    return f"{work_prefix(job_id)}duplicates/part={partition}.jsonl.gz"


def partition_curated_key(job_id: str, partition: int, day: str, n: int = 0) -> str:
    return f"{work_prefix(job_id)}curated/date={day}/part={partition}{f'-{n}' if n else ''}.parquet"


def partition_summary_key(job_id: str, partition: int) -> str:
    return f"{work_prefix(job_id)}parts/{partition}.json"


def curated_object_name(job_id: str, partition: int, n: int = 0) -> str:
    """The name (before ``.parquet``) of a partition's curated object of one day: the job id and the
    partition, so a retry overwrites it and two jobs never collide."""
    return f"{job_id}-p{partition:03d}{f'-{n}' if n else ''}"


# ------------------------------------------------------------------------------------ merging


ROW_PREFIX = b'{"row": '


def row_of(line: bytes) -> int:
    """The row number of a quarantine line (as the quarantine writer serialises it: ``row`` first)."""
    if not line.startswith(ROW_PREFIX):
        raise ValueError(f"not a quarantine line: {line[:40]!r}")
    return int(line[len(ROW_PREFIX) : line.index(b",", len(ROW_PREFIX))])


def with_row(line: bytes, row: int) -> bytes:
    """The same quarantine line with another row number."""
    end = line.index(b",", len(ROW_PREFIX))
    return ROW_PREFIX + str(row).encode() + line[end:]


def merge_rejects(rejects: Iterable[bytes], duplicates: Iterable[bytes], offset: int) -> Iterator[bytes]:
    """One range's quarantine lines (rows within the range, in order) and its duplicates (in order),
    merged by row, with the row numbers made absolute (``offset``: the rows of the ranges before it)."""
    a, b = iter(rejects), iter(duplicates)
    x, y = next(a, None), next(b, None)
    while x is not None or y is not None:
        if y is None or (x is not None and row_of(x) < row_of(y)):
            assert x is not None
            yield with_row(x, row_of(x) + offset)
            x = next(a, None)
        else:
            yield with_row(y, row_of(y) + offset)
            y = next(b, None)


def add_aggregates(parts: Iterable[Iterable[tuple[str, str, int, str]]]) -> list[dict[str, object]]:
    """The partitions' (day, currency, count, exact sum) added up, each total with the currency's minor
    units: what one pass over the whole file writes in its manifest."""
    totals: dict[tuple[str, str], tuple[int, Decimal]] = {}
    for part in parts:
        for day, currency, count, total in part:
            n, s = totals.get((day, currency), (0, Decimal(0)))
            totals[(day, currency)] = (n + int(count), s + Decimal(total))
    out: list[dict[str, object]] = []
    for (day, currency), (count, amount) in sorted(totals.items()):
        exact = f"{amount.quantize(Decimal(1).scaleb(-MINOR_UNITS[currency])):f}"
        out.append({"day": day, "currency": currency, "count": count, "total": exact})
    return out
