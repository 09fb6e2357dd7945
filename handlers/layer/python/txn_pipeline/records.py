"""Records the engine's CSV reader does not take: parsed here, checked by the same SQL rules.

Two sources: CSV records DuckDB's reader rejected (wrong field count, bad quoting, invalid
UTF-8...; found by their byte position in the spooled file) and every line of a JSON Lines file.
Each becomes one :class:`Record`: the six field values as text, the errors already known from
parsing (``pre``: field -> reason, ``"*"`` for the whole record), the extra columns, and the raw
form the quarantine keeps. :func:`write_staging` writes them as a CSV the engine reads back; the
rules themselves run only in SQL (:mod:`txn_pipeline.rules`).

CSV records are parsed with Python's ``csv`` module, so a record DuckDB calls malformed gets the
same fields and reasons as a record that was always parsed this way. Invalid UTF-8 bytes arrive
as lone surrogates (``surrogateescape``): the field is flagged ``not valid UTF-8`` and written to
the staging file with U+FFFD; the raw value keeps them as ``\\udcXX`` JSON escapes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from .models import REQUIRED_FIELDS
from .reader import BLANK_MARK

NOT_UTF8 = "not valid UTF-8"
STAGING_COLUMNS: tuple[str, ...] = (
    "row",
    *REQUIRED_FIELDS,
    *(f"p_{f}" for f in (*REQUIRED_FIELDS, "extra", "record")),
    "extra",
    "raw",
)


@dataclass(slots=True)
class Record:
    row: int
    values: dict[str, str | None] = field(default_factory=dict)
    pre: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] | None = None
    raw: dict[str, str] | str = ""


class Number(str):
    """A JSON number's literal text (``json.loads(parse_float=Number, parse_int=Number)``)."""


def json_text(value: Any) -> str:
    """A parsed JSON value written back, numbers exactly as they were in the file."""
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(json_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _clean(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_surrogates(text) else text


def from_values(row: int, values: Mapping[str, Any], raw: dict[str, str]) -> Record:
    """A record from a field -> value mapping (a CSV record's columns or a JSON object)."""
    rec = Record(row, raw=raw)
    for name in REQUIRED_FIELDS:
        value = values.get(name)
        if value is None or value == "":
            rec.values[name] = None
        elif not isinstance(value, str):
            rec.values[name] = None
            rec.pre[name] = "must be a string"
        elif _has_surrogates(value):
            rec.values[name] = _clean(value)
            rec.pre[name] = NOT_UTF8
        else:
            rec.values[name] = value
    extra = {k: v if isinstance(v, str) else json_text(v) for k, v in values.items() if k not in REQUIRED_FIELDS}
    if extra:
        if any(_has_surrogates(k) or _has_surrogates(v) for k, v in extra.items()):
            rec.pre["extra"] = NOT_UTF8
        rec.extra = {_clean(k): _clean(v) for k, v in extra.items()}
    return rec


def structural(row: int, reason: str, raw: str) -> Record:
    return Record(row, pre={"*": reason}, raw=raw)


def csv_record(row: int, line: str, more: Iterator[str], columns: Sequence[str]) -> Record:
    """Parse the CSV record starting with ``line`` (a quoted field may continue on ``more``)."""
    try:
        fields = next(csv.reader(chain((line,), more)))
    except csv.Error as exc:
        return structural(row, f"malformed CSV: {exc}", line.rstrip("\r\n"))
    if len(fields) != len(columns):
        raw = line.rstrip("\r\n") if '"' not in line else ",".join(fields)
        return structural(row, f"expected {len(columns)} fields, got {len(fields)}", raw)
    values = dict(zip(columns, fields, strict=True))
    return from_values(row, values, values)


def csv_rejects(
    path: Path, columns: Sequence[str], lines: Iterable[tuple[int, int]]
) -> Iterator[tuple[int, Record | None]]:
    """The records the reader rejected, from ``(line, byte position)`` pairs in line order (the
    reader's numbers: the header is line 1, a blank line counts). Yields ``(line, record)``, the
    record None for a blank line (marked by the spool; not a row).

    The reader's 1-based position points at the record's first byte, or in a CRLF file at the LF
    before it: line breaks in front are skipped (a record never starts with one, blank lines are
    marked)."""
    blanks = 0
    with path.open("rb") as raw:
        for line_no, position in lines:
            raw.seek(position - 1)
            text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
            try:
                line = text.readline()
                while line in ("\n", "\r", "\r\n"):
                    line = text.readline()
                if line.rstrip("\r\n") == BLANK_MARK:
                    blanks += 1
                    yield line_no, None
                    continue
                yield line_no, csv_record(line_no - 1 - blanks, line, iter(text.readline, ""), columns)
            finally:
                text.detach()


def csv_records(lines: Iterable[str], columns: Sequence[str]) -> Iterator[Record]:
    """Every record of a CSV text (header already read), blank and marked lines skipped."""
    it = iter(lines)
    row = 0
    for line in it:
        if line in ("\n", "\r\n", "\r") or line.rstrip("\r\n") == BLANK_MARK:
            continue
        row += 1
        yield csv_record(row, line, it, columns)


def jsonl_records(lines: Iterable[str]) -> Iterator[Record]:
    """One record per non-blank line; numbers keep their literal text (never floats)."""
    row = 0
    for line in lines:
        if not line.strip():
            continue
        row += 1
        try:
            obj = json.loads(line, parse_float=Number, parse_int=Number)
        except ValueError as exc:
            yield structural(row, f"not valid JSON: {getattr(exc, 'msg', exc)}", line.rstrip("\r\n"))
            continue
        if not isinstance(obj, dict):
            yield structural(row, "not a JSON object", line.rstrip("\r\n"))
            continue
        raw = {k: v if isinstance(v, str) else json_text(v) for k, v in obj.items()}
        yield from_values(row, obj, raw)


def write_staging(records: Iterable[Record], out: BinaryIO) -> int:
    """Write ``records`` as the staging CSV (:data:`STAGING_COLUMNS`); returns how many."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(STAGING_COLUMNS)
    n = 0
    for rec in records:
        n += 1
        pre = rec.pre
        writer.writerow([
            rec.row,
            *(rec.values.get(f) for f in REQUIRED_FIELDS),
            *(pre.get(f) for f in (*REQUIRED_FIELDS, "extra", "*")),
            json.dumps(rec.extra, ensure_ascii=False) if rec.extra else None,
            json.dumps(rec.raw, ensure_ascii=True),
        ])  # fmt: skip
    text.flush()
    text.detach()
    return n
