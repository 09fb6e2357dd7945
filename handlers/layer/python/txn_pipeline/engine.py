"""The validate/transform engine: DuckDB over a spooled file, in bounded memory.

One pass of DuckDB's CSV reader checks every record with the rules of :mod:`rules` (SQL) into
the table ``bulk``. Records that reader rejects (wrong field count, bad quoting, invalid UTF-8)
and every JSON Lines record are parsed in Python (:mod:`records`) and checked by the same SQL
into ``side``. Then: duplicate transaction ids (the first valid occurrence wins), the rejects in
row order with row number, field and reason, the curated rows as typed Parquet (one file per UTC
day), and the per-day and currency totals of what was written. ``accepted + rejected == rows read`` is asserted.

Memory: DuckDB's ``memory_limit`` (derived from the function's memory, :mod:`config`) bounds
the engine; what does not fit spills to ``temp_directory`` on the function's ephemeral storage,
itself capped, so a full disk is a named error. Row numbers: ``bulk`` keeps the reader's order
(``rowid``) and the reader numbers the records it rejects; together they give every row its
number (blank lines are marked by :func:`reader.spool`, so they are counted exactly). Only the
rows that need a number (rejects, duplicates) get one: the curated data carries none.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from . import records as rec
from . import rules
from .currencies import MINOR_UNITS
from .errors import FileTooLargeError, InvalidFileError
from .models import DUPLICATE_REASON, REQUIRED_FIELDS, Counts
from .reader import BLANK_MARK, parse_header

AMOUNT_TYPE = "DECIMAL(22,4)"  # 18 integer digits (the rule's limit) and the largest minor units (4)
#: the curated Parquet schema (the Glue table declares the same columns: stack/constructs/analytics.py)
CURATED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("transaction_id", "VARCHAR"),
    ("amount", AMOUNT_TYPE),
    ("currency", "VARCHAR"),
    ("timestamp", "TIMESTAMP WITH TIME ZONE"),
    ("merchant", "VARCHAR"),
    ("status", "VARCHAR"),
    ("extra", "MAP(VARCHAR, VARCHAR)"),
)
PARQUET_OPTIONS = "FORMAT PARQUET, COMPRESSION zstd, COMPRESSION_LEVEL 1"
_SHORT = {"transaction_id": "tid", "amount": "amt", "currency": "cur", "timestamp": "ts", "merchant": "mer",
          "status": "st"}  # fmt: skip
_TABLE = (  # the columns of ``bulk`` and ``side`` (``side`` adds ``row`` and a JSON ``raw``)
    f"tid VARCHAR, ok BOOLEAN, amount {AMOUNT_TYPE}, currency currency_code, instant TIMESTAMPTZ, merchant VARCHAR, "
    "status status_code, extra MAP(VARCHAR, VARCHAR), errors STRUCT(field VARCHAR, reason VARCHAR)[]"
)


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of the machine the engine may use."""

    threads: int = 1
    memory_mb: int | None = None  # DuckDB memory_limit (None: DuckDB's default, 80% of RAM)
    temp_dir: Path | None = None  # spill directory (on the function's ephemeral storage)
    max_temp_mb: int | None = None  # spill cap, so a full disk is a named error, not a crash


@dataclass(frozen=True, slots=True)
class Rejected:
    row: int
    errors: tuple[tuple[str, str], ...]  # (field, reason), the first is the primary one
    raw: dict[str, str] | str

    def to_json_obj(self) -> dict[str, object]:
        field_, reason = self.errors[0]
        return {
            "row": self.row,
            "field": field_,
            "reason": reason,
            "errors": [{"field": f, "reason": r} for f, r in self.errors],
            "raw": self.raw,
        }


@dataclass(slots=True)
class Result:
    counts: Counts
    #: (day, currency) -> (count, exact total with the currency's minor units)
    aggregates: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    #: day -> local Parquet files (transform only)
    curated: dict[str, list[Path]] = field(default_factory=dict)


RejectSink = Callable[[Rejected], None]
ProgressReport = Callable[[str, float], None]


def connect(limits: Limits) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"threads": limits.threads})
    settings: dict[str, str] = {
        "TimeZone": "'UTC'",
        "preserve_insertion_order": "true",  # rowid is the reader's order: row numbers, first occurrence
        "enable_progress_bar": "true",  # makes query_progress() report; nothing is printed
        "enable_progress_bar_print": "false",
    }
    if limits.memory_mb is not None:
        settings["memory_limit"] = f"'{limits.memory_mb}MB'"
    if limits.temp_dir is not None:
        limits.temp_dir.mkdir(parents=True, exist_ok=True)
        settings["temp_directory"] = rules.sql_string(str(limits.temp_dir))
    if limits.max_temp_mb is not None:
        settings["max_temp_directory_size"] = f"'{limits.max_temp_mb}MB'"
    for name, value in settings.items():
        con.execute(f"SET {name} = {value}")
    for statement in rules.type_definitions():
        con.execute(statement)
    return con


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _checks(source: str, extras: Sequence[str], *, pre: bool) -> str:
    """Every rule over ``source`` (columns tid, amt, cur, ts, mer, st; the extra columns as x0, x1...;
    with ``pre`` the staging file's p_* reasons and JSON ``extra``): one reason column per field
    (``e_tid``...), ``ok``, and the curated values of the valid rows."""
    reasons = {
        "transaction_id": rules.transaction_id("tid"),
        "amount": rules.amount("amt", "mu"),
        "currency": rules.currency("cur", "cc"),
        "timestamp": rules.timestamp("ts", "tsc", "tp"),
        "merchant": rules.merchant("mt", "mp"),
        "status": rules.status("st", "sc"),
    }
    ok = " AND ".join(f"e_{_SHORT[f]} IS NULL" for f in REQUIRED_FIELDS)
    if pre:  # a reason known from parsing (not valid UTF-8, must be a string) comes first
        reasons = {f: f"coalesce(p_{f}, {sql})" for f, sql in reasons.items()}
        ok = f"p_record IS NULL AND p_extra IS NULL AND {ok}"
        extra = "CAST(CAST(extra AS JSON) AS MAP(VARCHAR, VARCHAR))"
    elif extras:
        keys = ", ".join(map(rules.sql_string, extras))
        extra = f"map([{keys}], [{', '.join(f'x{i}' for i in range(len(extras)))}])"
    else:
        extra = "CAST(NULL AS MAP(VARCHAR, VARCHAR))"
    derived = [
        f"{rules.currency_code('cur')} AS cc",
        f"{rules.status_code('st')} AS sc",
        f"{rules.plain_merchant('mer')} AS mp",
        f"{rules.canonical_timestamp('ts')} AS tsc",
    ]
    derived2 = [f"{rules.minor_units('cc')} AS mu", f"{rules.timestamp_parts('ts', 'tsc')} AS tp",
                f"{rules.trimmed('mer', 'mp')} AS mt"]  # fmt: skip
    return f"""
    WITH d AS (SELECT *, {", ".join(derived)} FROM {source}),
    d2 AS (SELECT *, {", ".join(derived2)} FROM d),
    e AS (SELECT *, {", ".join(f"{sql} AS e_{_SHORT[f]}" for f, sql in reasons.items())} FROM d2)
    SELECT *, {ok} AS ok,
      CASE WHEN ok THEN CAST(amt AS {AMOUNT_TYPE}) END AS amount,
      CASE WHEN ok THEN {rules.utc_timestamp("tsc", "tp")} END AS instant,
      CASE WHEN ok THEN {extra} END AS extra_map
    FROM e"""


def _errors(*, pre: bool) -> str:
    """The (field, reason) structs of a checked row that failed, in field order."""
    items = [f"{{'field': {rules.sql_string(f)}, 'reason': e_{_SHORT[f]}}}" for f in REQUIRED_FIELDS]
    if pre:
        items.append("{'field': 'extra', 'reason': p_extra}")
    errors = f"list_filter([{', '.join(items)}], lambda x: x.reason IS NOT NULL)"
    if pre:
        errors = f"CASE WHEN p_record IS NOT NULL THEN [{{'field': '*', 'reason': p_record}}] ELSE {errors} END"
    return f"CASE WHEN NOT ok THEN {errors} END"


def _kept(columns: str) -> str:
    return f"{columns}, cc AS currency, instant, mt AS merchant, sc AS status, extra_map AS extra"


class Progress:
    """Calls ``report(phase, percent)`` from a background thread every ``every_s`` seconds while a
    query runs (DuckDB's own estimate of how far it is)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, report: ProgressReport | None, every_s: float) -> None:
        self.con, self.report, self.every_s = con, report, every_s

    @contextlib.contextmanager
    def watching(self, phase: str) -> Iterator[None]:
        report = self.report
        if report is None or self.every_s <= 0:
            yield
            return
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(self.every_s):
                with contextlib.suppress(duckdb.Error):
                    percent = float(self.con.query_progress())
                    if percent >= 0:
                        report(phase, percent)

        thread = threading.Thread(target=poll, name="engine-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


class Engine:
    """One file through the rules: ``load_csv`` or ``load_jsonl``, then ``dedupe``, then the results."""

    def __init__(
        self, limits: Limits | None = None, *, progress: ProgressReport | None = None, progress_every_s: float = 15.0
    ) -> None:
        self.limits = limits or Limits()
        self.con = connect(self.limits)
        self.progress = Progress(self.con, progress, progress_every_s)
        self.timings: dict[str, float] = {}
        self.columns: list[str] = list(REQUIRED_FIELDS)
        self.reader_error: str | None = None  # why DuckDB's reader gave up on a file, if it did

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            with self.progress.watching(name):
                yield
        except duckdb.OutOfMemoryException as exc:
            raise FileTooLargeError(
                f"the engine needed more than its {self.limits.memory_mb} MB of memory and "
                f"{self.limits.max_temp_mb} MB of spill space on ephemeral storage ({name}): {exc}"
            ) from exc
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started

    def _sql(self, name: str, query: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self._timed(name):
            return self.con.execute(query, dict(params or {})).fetchall()

    # -- loading -------------------------------------------------------------------

    def load_csv(self, path: Path) -> None:
        """Check every record of the spooled CSV ``path`` (header on its first line)."""
        with path.open("rb") as f:
            header = f.readline()
        if not header.strip():
            raise InvalidFileError("empty file")
        self.columns = columns = parse_header(header.decode("utf-8", "replace"))
        extras = [c for c in columns if c not in REQUIRED_FIELDS]
        names = {c: _SHORT.get(c) or f"x{extras.index(c)}" for c in columns}
        types = ", ".join(f"{rules.sql_string(names[c])}: 'VARCHAR'" for c in columns)
        newline = ", new_line = '\\r'" if header.endswith(b"\r") else ""
        reader = (
            f"read_csv({rules.sql_string(str(path))}, columns = {{{types}}}, header = true, auto_detect = false, "
            f"delim = ',', quote = '\"', escape = '\"', strict_mode = true, store_rejects = true{newline})"
        )
        try:
            self._sql(
                "load",
                f"""CREATE TABLE bulk AS SELECT {_kept("tid, ok, amount")}, {_errors(pre=False)} AS errors,
                      CASE WHEN NOT ok THEN [{", ".join(names[c] for c in columns)}] END AS raw
                    FROM ({_checks(reader, extras, pre=False)})""",
            )
        except duckdb.InvalidInputException as exc:
            # The strict reader gives up on some files (mixed line endings, a bare CR inside a field):
            # those go through Python's csv module record by record, checked by the same rules.
            self.reader_error = str(exc).splitlines()[0]
            self._load_all_in_python(path, columns)
            return
        rejected = self._sql(
            "reader rejects", "SELECT line, min(line_byte_position) FROM reject_errors GROUP BY line ORDER BY line"
        )
        lines: list[tuple[int, bool]] = []  # (line, blank) of every record the reader rejected

        def parsed() -> Iterator[rec.Record]:
            for line, record in rec.csv_rejects(path, columns, [(int(a), int(b)) for a, b in rejected]):
                lines.append((line, record is None))
                if record is not None:
                    yield record

        self._load_side(path, parsed())
        self._number(lines)

    def load_jsonl(self, path: Path) -> None:
        """Check every line of the spooled JSON Lines ``path``."""
        self._empty_bulk()
        with path.open(encoding="utf-8", errors="surrogateescape", newline="\n") as text:
            self._load_side(path, rec.jsonl_records(text))
        self._number([])

    def _load_all_in_python(self, path: Path, columns: Sequence[str]) -> None:
        self._empty_bulk()
        with path.open(encoding="utf-8", errors="surrogateescape", newline="") as text:
            text.readline()  # the header
            self._load_side(path, rec.csv_records(text, columns))
        self._number([])

    def release(self, path: Path) -> None:
        """Delete the loaded input and let the spill grow into the space it held."""
        freed = path.stat().st_size
        path.unlink()
        if self.limits.max_temp_mb is not None:
            cap = self.limits.max_temp_mb + freed // 2**20
            self.con.execute(f"SET max_temp_directory_size = '{cap}MB'")
            self.limits = replace(self.limits, max_temp_mb=cap)

    def _empty_bulk(self) -> None:
        self.con.execute("DROP TABLE IF EXISTS bulk")
        self.con.execute(f"CREATE TABLE bulk ({_TABLE}, raw VARCHAR[])")

    def _load_side(self, path: Path, records: Iterator[rec.Record]) -> None:
        """Check ``records`` (written to a staging CSV next to ``path``) into the table ``side``."""
        staging = path.with_name(path.name + ".staging.csv")
        with self._timed("python records"), staging.open("wb") as out:
            rec.write_staging(records, out)
        types = ", ".join(
            f"{rules.sql_string(c)}: '{'BIGINT' if c == 'row' else 'VARCHAR'}'" for c in rec.STAGING_COLUMNS
        )
        renamed = ", ".join(f"{_ident(c)} AS {_SHORT.get(c, c)}" for c in rec.STAGING_COLUMNS)
        source = (
            f"(SELECT {renamed} FROM read_csv({rules.sql_string(str(staging))}, columns = {{{types}}}, "
            "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true))"
        )
        self._sql(
            "python records",
            f"CREATE TABLE side AS SELECT row, {_kept('tid, ok, amount')}, {_errors(pre=True)} AS errors, raw "
            f"FROM ({_checks(source, [], pre=True)})",
        )
        staging.unlink()

    def _number(self, lines: Sequence[tuple[int, bool]]) -> None:
        """``rejected_lines(s, n)`` from the reader's rejected lines (in order): ``s`` records of ``bulk``
        come before one, ``n`` non-blank rejected records come up to it. Row ``rowid`` of ``bulk`` is
        then record ``rowid + 1 + n`` of the last line with ``s <= rowid``."""
        by_s: dict[int, int] = {}
        nonblank = 0
        for j, (line, blank) in enumerate(lines):
            nonblank += not blank
            by_s[line - 2 - j] = nonblank
        self.con.execute(
            "CREATE TABLE rejected_lines AS SELECT unnest($s::BIGINT[]) AS s, unnest($n::BIGINT[]) AS n",
            {"s": list(by_s), "n": list(by_s.values())},
        )

    # -- results -------------------------------------------------------------------

    @staticmethod
    def _numbered_bulk(where: str) -> str:
        """The (few) ``bulk`` rows matching ``where`` with their row number (1-based, blank lines excluded)."""
        return (
            f"(SELECT b.*, b.id + 1 + coalesce(r.n, 0) AS row FROM (SELECT *, rowid AS id FROM bulk WHERE {where}) b "
            "ASOF LEFT JOIN rejected_lines r ON b.id >= r.s)"
        )

    def dedupe(self) -> None:
        """``losers(src, id, row)``: the later valid occurrences of a transaction id (``src`` 'b' for
        ``bulk`` with its rowid, 's' for ``side`` with its row). Ids are grouped by hash first, so only
        the rows of repeated hashes are compared, exactly, by id."""
        self._sql(
            "duplicates",
            """CREATE TEMP TABLE repeated AS SELECT h FROM (
                 SELECT hash(tid) AS h FROM bulk WHERE ok UNION ALL SELECT hash(tid) FROM side WHERE ok
               ) GROUP BY h HAVING count(*) > 1""",
        )
        candidates = "ok AND hash(tid) IN (SELECT h FROM repeated)"
        self._sql(
            "duplicates",
            f"""CREATE TEMP TABLE losers AS SELECT src, id, row FROM (
                 SELECT 'b' AS src, id, row, tid FROM {self._numbered_bulk(candidates)}
                 UNION ALL SELECT 's', row, row, tid FROM side WHERE {candidates}
               ) QUALIFY row_number() OVER (PARTITION BY tid ORDER BY row) > 1""",
        )

    def skip_duplicates(self) -> None:
        """No duplicate check in this pass: a byte range of a larger file, whose ids the hash
        partitions check across every range (:func:`check_partition`)."""
        self.con.execute("CREATE TEMP TABLE losers (src VARCHAR, id BIGINT, row BIGINT)")

    def write_partitions(self, outdir: Path, *, range_index: int, partitions: int) -> dict[int, Path]:
        """Every valid row with its range and row number, as one Parquet file per hash partition of
        its transaction id (``outdir/part=<p>.parquet``, an empty file for a partition with no rows),
        in one scan of the table; returns partition -> file."""
        columns = "row, tid, amount, currency, instant, merchant, status, extra"
        source = f"(SELECT {columns} FROM {self._numbered_bulk('ok')} UNION ALL SELECT {columns} FROM side WHERE ok)"
        staged = outdir / "by_part"
        outdir.mkdir(parents=True, exist_ok=True)
        with self._timed("partitions"):
            self.con.execute(
                f"""COPY (SELECT CAST({int(range_index)} AS INTEGER) AS range, row, {_partition_columns("")},
                           CAST({partition_of("tid", partitions)} AS INTEGER) AS part FROM {source})
                    TO {rules.sql_string(str(staged))} ({PARQUET_OPTIONS}, PARTITION_BY (part), OVERWRITE)"""
            )
            out: dict[int, Path] = {}
            for p in range(partitions):
                files = sorted((staged / f"part={p}").glob("*.parquet"))
                target = outdir / f"part={p}.parquet"
                query = (
                    f"SELECT * FROM read_parquet([{', '.join(rules.sql_string(str(f)) for f in files)}])"
                    if files
                    else f"SELECT CAST(NULL AS INTEGER) AS range, CAST(NULL AS BIGINT) AS row, "
                    f"{_partition_columns('', empty=True)} WHERE false"
                )
                if len(files) == 1:
                    files[0].rename(target)
                else:
                    self.con.execute(f"COPY ({query}) TO {rules.sql_string(str(target))} ({PARQUET_OPTIONS})")
                out[p] = target
        return out

    @staticmethod
    def _accepted() -> str:
        return """(
          SELECT tid, amount, currency, instant, merchant, status, extra FROM bulk
            WHERE ok AND rowid NOT IN (SELECT id FROM losers WHERE src = 'b')
          UNION ALL
          SELECT tid, amount, currency, instant, merchant, status, extra FROM side
            WHERE ok AND row NOT IN (SELECT id FROM losers WHERE src = 's'))"""

    def counts(self) -> Counts:
        ((ok, bad),) = self._sql(
            "counts",
            "SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok) "
            "FROM (SELECT ok FROM bulk UNION ALL SELECT ok FROM side)",
        )
        ((dups,),) = self._sql("counts", "SELECT count(*) FROM losers")
        by_reason = self._sql(
            "counts",
            """SELECT reason, count(*) FROM (
                 SELECT errors[1].reason AS reason FROM bulk WHERE NOT ok
                 UNION ALL SELECT errors[1].reason FROM side WHERE NOT ok
                 UNION ALL SELECT $dup FROM losers) GROUP BY reason""",
            {"dup": DUPLICATE_REASON},
        )
        c = Counts(rows_read=ok + bad, accepted=ok - dups, rejected=bad + dups, by_reason=dict(by_reason))
        assert c.accepted + c.rejected == c.rows_read, "row accounting broken"
        return c

    def rejects(self, sink: RejectSink, batch: int = 10_000) -> int:
        """Every rejected row, in row order, to ``sink``; returns how many. A duplicate passed every
        rule: its record shows its values as they would have been curated."""

        def curated(t: str) -> str:
            return (
                f"[{t}.tid, CAST({t}.amount AS VARCHAR), CAST({t}.currency AS VARCHAR), "
                f"strftime({t}.instant, '%Y-%m-%dT%H:%M:%S.%fZ'), {t}.merchant, CAST({t}.status AS VARCHAR)]"
            )

        losers_of_bulk = "(SELECT *, rowid AS id FROM bulk WHERE rowid IN (SELECT id FROM losers WHERE src = 'b'))"
        query = f"""
          SELECT row, errors, raw, NULL AS raw_json, false AS dup FROM {self._numbered_bulk("NOT ok")}
          UNION ALL SELECT row, errors, NULL, raw, false FROM side WHERE NOT ok
          UNION ALL SELECT l.row, [{{'field': 'transaction_id', 'reason': $dup}}],
                           CASE WHEN l.src = 'b' THEN {curated("b")} ELSE {curated("s")} END, NULL, true
            FROM losers l LEFT JOIN {losers_of_bulk} b ON l.src = 'b' AND b.id = l.id
            LEFT JOIN side s ON l.src = 's' AND s.row = l.id
          ORDER BY row"""
        n = 0
        with self._timed("rejects"):
            cursor = self.con.execute(query, {"dup": DUPLICATE_REASON})
            while chunk := cursor.fetchmany(batch):
                for row, errors, values, raw_json, dup in chunk:
                    raw: dict[str, str] | str
                    if raw_json is not None:
                        raw = json.loads(raw_json)
                    else:
                        names = REQUIRED_FIELDS if dup else self.columns
                        raw = {name: _restore(v) for name, v in zip(names, values, strict=True)}
                    sink(Rejected(int(row), tuple((e["field"], e["reason"]) for e in errors), raw))
                    n += 1
        return n

    def write_curated(self, outdir: Path) -> dict[str, list[Path]]:
        """The accepted rows as Parquet, one directory per UTC day (``outdir/date=YYYY-MM-DD/``),
        written in one scan of the table; returns day -> files."""
        sources = ("tid", "amount", "currency", "instant", "merchant", "status", "extra")
        select = ", ".join(f"{src} AS {_ident(name)}" for (name, _), src in zip(CURATED_COLUMNS, sources, strict=True))
        with self._timed("parquet"):
            self.con.execute(
                f"""COPY (SELECT {select}, CAST(instant AS DATE) AS date FROM {self._accepted()})
                    TO {rules.sql_string(str(outdir))} ({PARQUET_OPTIONS}, PARTITION_BY (date), OVERWRITE)"""
            )
        files: dict[str, list[Path]] = {}
        for path in sorted(outdir.glob("date=*/*.parquet")):
            files.setdefault(path.parent.name.removeprefix("date="), []).append(path)
        return files

    def aggregates(self, files: Mapping[str, Sequence[Path]]) -> dict[tuple[str, str], tuple[int, str]]:
        """(day, currency) -> (count, exact total), read back from the curated ``files`` (two small
        columns instead of another scan of the table)."""
        paths = [str(p) for day in sorted(files) for p in files[day]]
        if not paths:
            return {}
        out: dict[tuple[str, str], tuple[int, str]] = {}
        for day, currency, count, total in self._sql(
            "aggregates",
            """SELECT CAST(date AS VARCHAR), currency, count(*), sum(amount)
               FROM read_parquet($paths, hive_partitioning = true, hive_types = {'date': DATE})
               GROUP BY ALL ORDER BY ALL""",
            {"paths": paths},
        ):
            exact = Decimal(total).quantize(Decimal(1).scaleb(-MINOR_UNITS[currency]))
            out[(day, currency)] = (int(count), f"{exact:f}")
        return out


def partition_of(column: str, partitions: int) -> str:
    """The hash partition (0..partitions-1) of a transaction id: the same SQL in every range's pass."""
    return f"hash({column}) % {int(partitions)}"


def _partition_columns(prefix: str, *, empty: bool = False) -> str:
    """The curated values as the range passes write them (``empty``: typed NULLs, for an empty file)."""
    if empty:
        return ", ".join(f"CAST(NULL AS {t}) AS {_ident(n)}" for n, t in CURATED_COLUMNS)
    sources = ("tid", "amount", "currency", "instant", "merchant", "status", "extra")
    return ", ".join(f"{prefix}{src} AS {_ident(n)}" for (n, _), src in zip(CURATED_COLUMNS, sources, strict=True))


_DUPLICATE_RAW = (
    "[transaction_id, CAST(amount AS VARCHAR), CAST(currency AS VARCHAR), "
    "strftime(\"timestamp\", '%Y-%m-%dT%H:%M:%S.%fZ'), merchant, CAST(status AS VARCHAR)]"
)


@dataclass(slots=True)
class PartitionResult:
    """One hash partition checked: its valid rows, the later occurrences of an id (rejected as
    duplicates, with range and row), the curated Parquet files by day and their totals."""

    valid: int
    duplicates: list[tuple[int, Rejected]]  # (range, rejection with the row number within its range)
    curated: dict[str, list[Path]]
    #: (day, currency) -> (count, exact sum as text, not rounded: partitions are added up later)
    aggregates: dict[tuple[str, str], tuple[int, str]]


def check_partition(files: Sequence[Path], outdir: Path, *, limits: Limits | None = None) -> PartitionResult:
    """Duplicates across every range of one hash partition, exactly: the first valid occurrence of an
    id in file order (range, then row) wins, as in one pass over the whole file; then the winners as
    curated Parquet by UTC day and the totals of what was written."""
    con = connect(limits or Limits())
    try:
        paths = [str(f) for f in files]
        con.execute("CREATE TABLE rows AS SELECT * FROM read_parquet($paths)", {"paths": paths})
        con.execute(
            """CREATE TEMP TABLE repeated AS SELECT hash(transaction_id) AS h FROM rows
               GROUP BY h HAVING count(*) > 1"""
        )
        con.execute(
            """CREATE TEMP TABLE losers AS SELECT range, row FROM rows
               WHERE hash(transaction_id) IN (SELECT h FROM repeated)
               QUALIFY row_number() OVER (PARTITION BY transaction_id ORDER BY range, row) > 1"""
        )
        ((valid,),) = con.execute("SELECT count(*) FROM rows").fetchall()
        duplicates = [
            (int(rng), Rejected(int(row), (("transaction_id", DUPLICATE_REASON),),
                                {n: _restore(v) for n, v in zip(REQUIRED_FIELDS, values, strict=True)}))
            for rng, row, values in con.execute(
                f"""SELECT r.range, r.row, {_DUPLICATE_RAW} FROM rows r SEMI JOIN losers l
                    ON r.range = l.range AND r.row = l.row ORDER BY r.range, r.row"""
            ).fetchall()
        ]  # fmt: skip
        names = ", ".join(_ident(n) for n, _ in CURATED_COLUMNS)
        con.execute(
            f"""COPY (SELECT {names}, CAST("timestamp" AS DATE) AS date FROM rows r
                      ANTI JOIN losers l ON r.range = l.range AND r.row = l.row)
                TO {rules.sql_string(str(outdir))} ({PARQUET_OPTIONS}, PARTITION_BY (date), OVERWRITE)"""
        )
        curated: dict[str, list[Path]] = {}
        for path in sorted(outdir.glob("date=*/*.parquet")):
            curated.setdefault(path.parent.name.removeprefix("date="), []).append(path)
        aggregates: dict[tuple[str, str], tuple[int, str]] = {}
        written = [str(p) for day in sorted(curated) for p in curated[day]]
        if written:
            for day, currency, count, total in con.execute(
                """SELECT CAST(date AS VARCHAR), currency, count(*), CAST(sum(amount) AS VARCHAR)
                   FROM read_parquet($paths, hive_partitioning = true, hive_types = {'date': DATE})
                   GROUP BY ALL ORDER BY ALL""",
                {"paths": written},
            ).fetchall():
                aggregates[(day, currency)] = (int(count), str(total))
        return PartitionResult(int(valid), duplicates, curated, aggregates)
    finally:
        con.close()


def _restore(value: str | None) -> str:
    """A raw value as it was in the file (empty for NULL, blank lines inside quotes unmarked)."""
    if value is None:
        return ""
    return value.replace("\n" + BLANK_MARK + "\n", "\n\n") if BLANK_MARK in value else value


def run(
    path: Path,
    fmt: str,
    *,
    limits: Limits | None = None,
    on_reject: RejectSink | None = None,
    curated_dir: Path | None = None,
    progress: ProgressReport | None = None,
    progress_every_s: float = 15.0,
    consume_input: bool = False,
) -> Result:
    """Check the spooled file ``path`` (``fmt`` ``csv`` or ``jsonl``): rejects to ``on_reject``,
    counts and, with ``curated_dir``, the totals and the curated Parquet files. ``consume_input``:
    delete ``path`` once loaded and give its space to the spill (a step's copy on ephemeral storage)."""
    with Engine(limits, progress=progress, progress_every_s=progress_every_s) as engine:
        if fmt == "csv":
            engine.load_csv(path)
        elif fmt == "jsonl":
            engine.load_jsonl(path)
        else:
            raise InvalidFileError(f"unsupported format {fmt!r}")
        if consume_input:
            engine.release(path)
        engine.dedupe()
        result = Result(engine.counts())
        if on_reject is not None:
            engine.rejects(on_reject)
        if curated_dir is not None:
            result.curated = engine.write_curated(curated_dir)
            result.aggregates = engine.aggregates(result.curated)
        return result
