"""The row processor: validation + normalisation over a stream of lines.

Used by both ``validate`` (``emit=False``: counts and rejections only) and
``transform`` (``emit=True``: curated JSON lines and per day/currency totals).
Both passes run the same deterministic code over the same object version, so
they always agree on which rows are accepted.

Speed: most rows of a healthy feed have one shape (unquoted fields, canonical
2-decimal amount, ``...Z`` timestamp, trimmed merchant). For those a single
precompiled regex over the raw line does CSV splitting *and* every syntactic
check at C speed, and the normalised output is the input text itself. Anything
the fast regex does not match goes through the general path (``csv`` module +
the rule functions in :mod:`rules` + :mod:`normalise`), which is the reference
semantics; a property test asserts both paths produce identical results.

Memory: lines are pulled from a text stream, accepted output is buffered up
to ``chunk_rows`` rows and then handed to the sink. The only state that grows
with the file is the duplicate-id table (8 bytes per distinct id slot, see
:class:`Deduper`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, localcontext
from itertools import chain, repeat
from operator import mul, rshift
from typing import Protocol, TextIO

from .currencies import MINOR_UNITS, TWO_DECIMALS
from .errors import FileTooLargeError, InvalidFileError
from .models import REQUIRED_FIELDS, Aggregate, Counts, FieldError, Rejection
from .normalise import (
    _CTX,
    normalise_amount,
    normalise_currency,
    normalise_merchant,
)
from .rules import (
    check_amount,
    check_currency,
    check_encoding,
    check_merchant,
    check_status,
    check_transaction_id,
    parse_timestamp,
)

DEFAULT_CHUNK_ROWS = 20_000
CHUNK_CHARS = 1 << 20  # characters of text per block handed to the fast regex
FAST_PATH = True  # tests turn it off to compare against the general (reference) path
DUPLICATE_REASON = "duplicate transaction_id within file"
RESERVE_MARGIN = 1.1  # rows estimated from the first block may undercount a file whose rows get shorter


class CuratedSink(Protocol):
    def write(self, day: str, text: str) -> None: ...


RejectSink = Callable[[Rejection], None]


# --------------------------------------------------------------------------- duplicates


_MIX = 0x9E3779B97F4A7C15  # 2**64 / golden ratio, odd


class Deduper:
    """Exact-by-fingerprint set of transaction ids with compact memory.

    A Python ``set`` of 10M strings needs > 1 GB; here each id is reduced to a
    deterministic 61-bit fingerprint (the id's UTF-8 bytes read as one integer,
    reduced mod the Mersenne prime 2**61-1 by ``hash(int)``; ids of up to 7
    bytes are therefore exact) stored in open-addressing tables
    (``array('Q')``, 8 bytes per slot, load factor <= 0.7, placed by a
    multiplicative hash; 256 shards grown one at a time). Two different ids
    collide with probability ~n^2/2^62 (about 2e-5 for a 10M-row file); the
    effect would be one row quarantined as a duplicate, visibly, never lost.
    Deterministic across processes, so validate and transform agree.
    """

    SHARDS = 256
    MAX_LOAD = 0.7
    MAX_PROBE = 4096  # safety valve only: a probe this long means a pathological shard

    def __init__(self, initial_slots_per_shard: int = 4096, *, max_bytes: int | None = None) -> None:
        """``max_bytes``: the memory the tables may grow to (None: unbounded); a file that needs more
        fails with :class:`FileTooLargeError` instead of the function running out of memory."""
        self.max_bytes = max_bytes
        size = max(16, 1 << (initial_slots_per_shard - 1).bit_length())
        while max_bytes is not None and size > 16 and self.SHARDS * size * 8 > max_bytes:
            size //= 2  # start within the budget
        self._tables = [array("Q", bytes(8 * size)) for _ in range(self.SHARDS)]
        self.size = size
        self.mask = size - 1
        self.count = 0

    @staticmethod
    def fingerprint(tid: str) -> int:
        # hash() of an int is deterministic (value mod 2**61-1), unlike hash() of a str
        return hash(int.from_bytes(tid.encode("utf-8", "surrogatepass"))) or 1  # 0 marks an empty slot

    def add(self, tid: str) -> bool:
        """Record ``tid``; return True if it was new, False if already seen."""
        new = self.add_fp(self.fingerprint(tid))
        self.maybe_grow()
        return new

    @staticmethod
    def slot_hash(fp: int) -> int:
        """Well-mixed bits for placement (the fingerprint itself is a poor hash of
        structured ids): bits 61.. of a multiplicative hash; the low 8 pick the
        shard, the next ones the slot."""
        return (fp * _MIX) >> 61

    def add_fp(self, fp: int, h: int | None = None) -> bool:
        """Insert a fingerprint (linear probing); False if present. Grows the
        tables when a probe sequence gets long (a crowded shard), so probing
        always terminates."""
        if h is None:
            h = (fp * _MIX) >> 61
        while True:
            table = self._tables[h & 0xFF]
            mask = self.mask
            i = (h >> 8) & mask
            for _ in range(self.MAX_PROBE):
                v = table[i]
                if v == 0:
                    table[i] = fp
                    self.count += 1
                    return True
                if v == fp:
                    return False
                i = (i + 1) & mask
            self._grow()

    def reserve(self, ids: int, *, max_bytes: int = 128 << 20) -> None:
        """Size the tables for ``ids`` distinct ids up front (at most ``max_bytes``),
        so a large file does not pay for repeated rehashing as it grows: the
        rehash is a Python loop over every stored id (4 rounds, ~11M re-inserts,
        for a 10M-row file). Beyond ``max_bytes`` the tables still grow on demand."""
        if self.max_bytes is not None:
            max_bytes = min(max_bytes, self.max_bytes)
        needed, cap = ids / self.MAX_LOAD, max_bytes // 8
        while self.SHARDS * self.size < needed and self.SHARDS * self.size * 2 <= cap:
            self._grow()

    def maybe_grow(self) -> None:
        """Double every shard once the average load passes MAX_LOAD (one shard
        at a time, so the transient extra memory is 1/256 of the table)."""
        while self.count > self.MAX_LOAD * self.SHARDS * self.size:
            self._grow()

    def _grow(self) -> None:
        size = self.size * 2
        if self.max_bytes is not None and self.SHARDS * size * 8 > self.max_bytes:
            stored = sum(len(t) - t.count(0) for t in self._tables)  # ``count`` lags within a block
            raise FileTooLargeError(
                f"the file has at least {stored:,} distinct transaction_ids: checking them for duplicates "
                f"needs {_mib(self.SHARDS * size * 8)}, over this function's budget of {_mib(self.max_bytes)} "
                "(DEDUPE_MEMORY_MB, default half the function's memory); split the file or raise the "
                "function's memory"
            )
        mask = size - 1
        for s, old in enumerate(self._tables):
            new = array("Q", bytes(8 * size))
            for fp in old:
                if fp:
                    i = ((fp * _MIX) >> 69) & mask
                    while new[i]:
                        i = (i + 1) & mask
                    new[i] = fp
            self._tables[s] = new
        self.size, self.mask = size, mask

    def memory_bytes(self) -> int:
        return self.SHARDS * self.size * 8


def _mib(n: int) -> str:
    mib = n / 2**20
    return f"{mib:.0f} MiB" if mib >= 10 else f"{mib:.3g} MiB"


# --------------------------------------------------------------------------- general path


def validate_record(values: Mapping[str, object]) -> tuple[tuple[str, ...] | None, list[FieldError]]:
    """Apply every rule to one record (field name -> raw value).

    Returns ``(normalised, [])`` with ``normalised = (transaction_id, amount,
    currency, timestamp_utc, merchant, status, day)`` or ``(None, errors)``.
    Duplicate detection is not part of this function (it needs file state).
    """
    errors: list[FieldError] = []
    text: dict[str, str] = {}
    for name in REQUIRED_FIELDS:
        v = values.get(name)
        if v is None:
            v = ""
        if not isinstance(v, str):
            errors.append(FieldError(name, "must be a string"))
            continue
        bad = check_encoding(v)
        if bad:
            errors.append(FieldError(name, bad))
            continue
        text[name] = v

    def run(name: str, reason: str | None) -> None:
        if reason:
            errors.append(FieldError(name, reason))
            del text[name]

    if "transaction_id" in text:
        run("transaction_id", check_transaction_id(text["transaction_id"]))
    minor = None
    if "currency" in text:
        run("currency", check_currency(text["currency"]))
        if "currency" in text:
            minor = MINOR_UNITS[text["currency"].upper()]
    if "amount" in text:
        run("amount", check_amount(text["amount"], minor))
    ts = day = ""
    if "timestamp" in text:
        reason, ts, day = parse_timestamp(text["timestamp"])
        run("timestamp", reason)
    if "merchant" in text:
        run("merchant", check_merchant(text["merchant"]))
    if "status" in text:
        run("status", check_status(text["status"]))
    if errors:
        order = {n: i for i, n in enumerate(REQUIRED_FIELDS)}
        errors.sort(key=lambda e: order.get(e.field, 99))
        return None, errors
    assert minor is not None
    return (
        text["transaction_id"],
        normalise_amount(text["amount"], minor),
        normalise_currency(text["currency"]),
        ts,
        normalise_merchant(text["merchant"]),
        text["status"],
        day,
    ), []


# Characters json.dumps(ensure_ascii=False) leaves raw but that Unicode-aware line splitters
# (str.splitlines, JavaScript) treat as line breaks: escaped so one JSON Lines record stays one line.
# The fast-path regexes exclude them, so rows holding them are serialised here.
_LINE_BREAKERS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def jsonl_dumps(obj: object) -> str:
    """Compact UTF-8 JSON for one JSON Lines record (no raw line-breaking characters)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKERS)


def curated_line(norm: tuple[str, ...], row: int, extra: Mapping[str, object] | None) -> str:
    """The reference serialisation of an accepted row (one JSON object per line)."""
    obj: dict[str, object] = dict(zip(REQUIRED_FIELDS, norm[:6], strict=True))
    obj["row"] = row
    if extra is not None:
        obj["extra"] = dict(extra)
    return jsonl_dumps(obj) + "\n"


# --------------------------------------------------------------------------- fast path

# Never copied verbatim into a curated line: JSON specials, controls, surrogates and Unicode line breaks.
_UNSAFE = r'"\\\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff'
_JSON_SAFE = rf"[^,{_UNSAFE}]"
_MERCHANT_EDGE = rf"[^\s,{_UNSAFE}]"
_D31 = "(?:0[1-9]|[12][0-9]|3[01])"
_D30 = "(?:0[1-9]|[12][0-9]|30)"
_D28 = "(?:0[1-9]|1[0-9]|2[0-8])"  # 29 February goes through the general path
_DAY = rf"[0-9]{{4}}-(?:(?:0[13578]|1[02])-{_D31}|(?:0[469]|11)-{_D30}|02-{_D28})"


def _alternation(codes: frozenset[str]) -> str:
    by_first: dict[str, list[str]] = {}
    for c in sorted(codes):
        by_first.setdefault(c[0], []).append(c[1:])
    return "(?:" + "|".join(f"{k}(?:{'|'.join(v)})" for k, v in by_first.items()) + ")"


_FAST_FIELDS = {
    "transaction_id": r"(?P<tid>[A-Za-z0-9_.:\-]{1,128})",
    # canonical 2-decimal amount, no leading zeros, not negative zero
    "amount": r"(?P<amt>(?!-0\.00(?:,|\r|\n|$))-?(?:0|[1-9][0-9]{0,17})\.[0-9]{2})",
    "currency": f"(?P<cur>{_alternation(TWO_DECIMALS)})",
    "timestamp": (
        rf"(?P<ts>(?P<day>{_DAY})"
        r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?Z)"
    ),
    "merchant": rf"(?P<mer>{_MERCHANT_EDGE}(?:{_JSON_SAFE}{{0,254}}{_MERCHANT_EDGE})?)",
    "status": r"(?P<st>pending|completed|failed|refunded|reversed)",
}
_FIELD_GROUP = {
    "transaction_id": "tid", "amount": "amt", "currency": "cur", "timestamp": "ts",
    "merchant": "mer", "status": "st",
}  # fmt: skip
_FAST_NAMES = ("tid", "amt", "cur", "ts", "day", "mer", "st")
_BLANK = frozenset({"", "\n", "\r", "\r\n"})


def fast_pattern(columns: list[str], *, multiline: bool = False, disabled: bool = False) -> re.Pattern[str]:
    """One regex for a whole CSV line in the common valid shape, in header order.

    ``multiline=True``: anchored at line starts and consuming the line end, for
    ``split`` over a block of lines; otherwise for ``fullmatch`` of one line."""
    parts = []
    for i, col in enumerate(columns):
        parts.append(_FAST_FIELDS.get(col) or f"(?P<x{i}>{_JSON_SAFE}*)")
    body = ",".join(parts)
    if disabled:  # same groups, never matches: everything takes the general path
        body = "(?!)" + body
    if multiline:
        return re.compile(f"^{body}(?:\\r\\n|\\n)", re.MULTILINE)
    return re.compile(body + r"(?:\r\n|\n|\r)?")


# == curated_line() for values json.dumps leaves unescaped (no ", \\ or control characters)
_CURATED_FMT = '{"transaction_id":"%s","amount":"%s","currency":"%s","timestamp":"%s","merchant":"%s","status":"%s","row":%d}\n'  # noqa: E501

# Valid rows in a less common shape (lower-case or 0/3/4-decimal currency, short amount, UTC
# offset, padded or quoted merchant). A line matching this is checked and normalised by
# ``RowProcessor._odd_line`` with plain string operations; whatever it cannot vouch for
# (and every bad row) still goes through the general path.
_ODD_FIELDS = {
    "transaction_id": r"(?P<tid>[A-Za-z0-9_.:\-]{1,128})",
    "amount": r"(?P<amt>-?[0-9]{1,18}(?:\.[0-9]{1,4})?)",
    "currency": r"(?P<cur>[A-Za-z]{3})",
    "timestamp": (
        rf"(?:(?P<ts>(?!0000){_DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{{1,9}})?Z)"
        r"|(?P<tso>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?[+-][0-9]{2}:?[0-9]{2}))"
    ),
    "merchant": rf'(?:"(?P<qmer>[^{_UNSAFE}]*)"|(?P<mer>[^,{_UNSAFE}]*))',
    "status": r"(?P<st>pending|completed|failed|refunded|reversed)",
}
_ODD_GROUPS = ("tid", "amt", "cur", "ts", "tso", "qmer", "mer", "st")


def odd_pattern(columns: list[str]) -> re.Pattern[str] | None:
    """``fullmatch`` pattern for one line of the odd-but-common shapes (header order);
    None when the file has extra columns (those always take the general path)."""
    if len(columns) != len(REQUIRED_FIELDS):
        return None
    body = ",".join(_ODD_FIELDS[c] for c in columns)
    return re.compile(body + r"(?:\r\n|\n|\r)?")


def fast_normalise_amount(value: str, minor_units: int) -> str:
    """``normalise_amount`` for ``-?[0-9]{1,18}(\\.[0-9]{1,4})?`` with at most
    ``minor_units`` fractional digits, by string operations."""
    neg = value[0] == "-"
    ip, _, fp = value.lstrip("-").partition(".")
    ip = ip.lstrip("0") or "0"
    out = f"{ip}.{fp.ljust(minor_units, '0')}" if minor_units else ip
    if neg and out.strip("0."):
        return "-" + out
    return out


def parse_header(line: str) -> list[str]:
    """Column names from the CSV header line (BOM and case/space tolerant)."""
    line = line.removeprefix("\ufeff")
    try:
        cols = next(csv.reader([line.rstrip("\r\n")]), [])
    except csv.Error as exc:
        raise InvalidFileError(f"unreadable CSV header: {exc}") from exc
    names = [c.strip().lower() for c in cols]
    missing = [f for f in REQUIRED_FIELDS if f not in names]
    if missing:
        raise InvalidFileError(f"CSV header is missing required columns: {', '.join(missing)}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes or "" in names:
        raise InvalidFileError(f"CSV header has duplicate or empty column names: {dupes or ['']}")
    return names


# --------------------------------------------------------------------------- processor


class RowProcessor:
    """Streams records, counts them, reports rejections and (optionally) emits curated lines."""

    def __init__(
        self,
        *,
        on_reject: RejectSink | None = None,
        sink: CuratedSink | None = None,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        deduper: Deduper | None = None,
        expected_rows: int | None = None,
        size_hint: int | None = None,
        dedupe_max_bytes: int | None = None,
    ) -> None:
        """``expected_rows`` (known exactly by transform, from validate's counts) or
        ``size_hint`` (the text's size in bytes, for validate on an uncompressed
        object: rows are estimated from the first block) pre-size the duplicate
        table; without them it grows as ids arrive. ``dedupe_max_bytes``: its memory budget (see
        :class:`Deduper`)."""
        self.on_reject = on_reject
        self.sink = sink
        self.emit = sink is not None
        self.chunk_rows = max(1, chunk_rows)
        self.dedupe = deduper or Deduper(max_bytes=dedupe_max_bytes)
        if expected_rows:
            self.dedupe.reserve(expected_rows)
        self.size_hint = None if expected_rows else size_hint
        self.counts = Counts()
        self.aggregates: dict[tuple[str, str], Aggregate] = {}
        self._bufs: defaultdict[str, list[str]] = defaultdict(list)
        self._amts: defaultdict[str, list[str]] = defaultdict(list)
        self._pending = 0
        self._odd: Callable[[str], re.Match[str] | None] | None = None

    # -- shared bookkeeping -------------------------------------------------

    def _reject(self, row: int, errors: list[FieldError], raw: dict[str, str] | str) -> None:
        c = self.counts
        c.rejected += 1
        reason = errors[0].reason
        c.by_reason[reason] = c.by_reason.get(reason, 0) + 1
        if self.on_reject is not None:
            self.on_reject(Rejection(row, tuple(errors), raw))

    def _accept_general(
        self, norm: tuple[str, ...], row: int, extra: Mapping[str, object] | None, raw: dict[str, str]
    ) -> None:
        """Accept a record that passed the rules (general path, incl. the duplicate check)."""
        if not self.dedupe.add(norm[0]):
            self._reject(row, [FieldError("transaction_id", DUPLICATE_REASON)], raw)
            return
        self.counts.accepted += 1
        if self.emit:
            day = norm[6]
            self._bufs[day].append(curated_line(norm, row, extra))
            self._amts[day + norm[2]].append(norm[1])
            self._pending += 1
            if self._pending >= self.chunk_rows:
                self.flush()

    def _odd_line(self, m: re.Match[str], row: int) -> bool:
        """Accept a line matched by :func:`odd_pattern` if every rule holds (the same
        checks and normalisation as the general path, by string operations). False:
        not vouched for (or a duplicate id), the caller runs the general path, which
        is then the one to reject it."""
        tid, amt, cur, ts, tso, qmer, mer, st = m.group(*_ODD_GROUPS)
        cur = cur.upper()
        minor = MINOR_UNITS.get(cur)
        if minor is None or len(amt.partition(".")[2]) > minor:
            return False
        if ts is None:
            reason, ts, day = parse_timestamp(tso)
            if reason:
                return False
        else:
            day = ts[:10]
        mer = (mer if qmer is None else qmer).strip()
        if not mer or len(mer) > 256:
            return False
        if not self.dedupe.add(tid):
            return False
        self.counts.accepted += 1
        if self.emit:
            amt = fast_normalise_amount(amt, minor)
            self._bufs[day].append(_CURATED_FMT % (tid, amt, cur, ts, mer, st, row))
            self._amts[day + cur].append(amt)
            self._pending += 1
            if self._pending >= self.chunk_rows:
                self.flush()
        return True

    def flush(self) -> None:
        """Hand buffered output to the sink and fold amounts into the aggregates."""
        if self._amts:
            for k, amounts in self._amts.items():
                key = (k[:10], k[10:])
                agg = self.aggregates.get(key)
                if agg is None:
                    agg = self.aggregates[key] = Aggregate()
                agg.count += len(amounts)
                # normalised amounts carry exactly the currency's minor units, so
                # summing them as integers of minor units is exact (and C-speed)
                minor = MINOR_UNITS[key[1]]
                units = sum(map(int, " ".join(amounts).replace(".", "").split()))
                with localcontext(_CTX):
                    agg.total = str(Decimal(agg.total) + Decimal(units).scaleb(-minor))
            self._amts.clear()
        if self._bufs:
            assert self.sink is not None
            for day in sorted(self._bufs):
                self.sink.write(day, "".join(self._bufs[day]))
            self._bufs.clear()
        self._pending = 0

    def finish(self) -> Counts:
        self.flush()
        c = self.counts
        assert c.accepted + c.rejected == c.rows_read, "row accounting broken"
        return c

    # -- CSV ------------------------------------------------------------------

    def process_csv(self, stream: TextIO) -> Counts:
        """``stream`` is a text stream opened with ``newline=''``; its first line is the header.

        The text is read in blocks of ``CHUNK_CHARS`` (completed to a line end);
        the fast regex splits a block into fast rows and the text between them,
        which goes line by line through the general path in file order.
        """
        header = stream.readline()
        if not header:
            raise InvalidFileError("empty file")
        columns = parse_header(header)
        ncols = len(columns)
        extras = [(i, c) for i, c in enumerate(columns) if c not in REQUIRED_FIELDS]
        pattern = fast_pattern(columns, multiline=True, disabled=not FAST_PATH)
        odd = odd_pattern(columns) if FAST_PATH else None
        self._odd = odd.fullmatch if odd is not None else None
        split = pattern.split
        names = sorted(pattern.groupindex, key=pattern.groupindex.__getitem__)
        group_pos = [names.index(n) for n in (*_FAST_NAMES, *(f"x{i}" for i, _ in extras))]
        canonical = group_pos == list(range(len(group_pos))) and not extras
        width = pattern.groups + 1
        extra_keys = [json.dumps(c, ensure_ascii=False).translate(_LINE_BREAKERS) for _, c in extras]
        dd = self.dedupe
        tables = dd._tables
        add_fp = dd.add_fp
        from_bytes, encode = int.from_bytes, str.encode
        tid_at = 1 + group_pos[0]
        emit = self.emit
        bufs = self._bufs
        amts = self._amts
        counts = self.counts
        chunk_rows = self.chunk_rows
        slow = self._slow_segment
        while True:
            block = stream.read(CHUNK_CHARS)
            if not block:
                break
            if block[-1] != "\n":
                block += stream.readline()
            if self.size_hint:  # first block: estimate the file's rows from its row length
                rows_per_char = block.count("\n") / len(block)
                self.dedupe.reserve(int(self.size_hint * rows_per_char * RESERVE_MARGIN))
                self.size_hint = None
            parts = split(block)
            last = len(parts) - 1
            if parts[0]:
                slow(parts[0], stream if last == 0 else None, columns, ncols, extras)
            # fingerprints of the whole block at C speed (see Deduper.fingerprint)
            fps = list(map(hash, map(from_bytes, map(encode, parts[tid_at::width]))))
            if 0 in fps:
                fps = [f or 1 for f in fps]
            hs = list(map(rshift, map(mul, fps, repeat(_MIX)), repeat(61)))
            mask = dd.mask
            if canonical and emit and last:
                # the common case, kept to the minimum per row: the accepted / pending / table
                # counts are derived at the end of the block, the segment after the last fast
                # row (which may continue on the stream) is processed after the loop
                tail = parts[last]
                parts[last] = ""
                n = counts.rows_read
                ndup = probed = 0
                it = iter(parts)
                next(it)
                rows = zip(zip(*[it] * width, strict=False), fps, hs, strict=True)
                for (tid, amt, cur, ts, day, mer, st, seg), fp, h in rows:
                    n += 1
                    # inline Deduper.add_fp for the common case (empty home slot)
                    table = tables[h & 0xFF]
                    i = (h >> 8) & mask
                    v = table[i]
                    if v != 0 and v != fp:  # occupied by another id: inline the next probe too
                        i = (i + 1) & mask
                        v = table[i]
                    if v == 0:
                        table[i] = fp
                    else:
                        new = v != fp and add_fp(fp, h)  # probes again from the home slot
                        mask = dd.mask  # add_fp may have grown the tables
                        if new:
                            probed += 1
                        else:
                            ndup += 1
                            errs = [FieldError("transaction_id", DUPLICATE_REASON)]
                            raw = self._raw_fast((tid, amt, cur, ts, day, mer, st), columns, names)
                            self._reject(n, errs, raw)
                            if seg:
                                counts.rows_read = n
                                slow(seg, None, columns, ncols, extras)
                                n = counts.rows_read
                            continue
                    bufs[day].append(
                        f'{{"transaction_id":"{tid}","amount":"{amt}","currency":"{cur}",'
                        f'"timestamp":"{ts}","merchant":"{mer}","status":"{st}","row":{n}}}\n'
                    )
                    amts[day + cur].append(amt)
                    if seg:
                        counts.rows_read = n
                        slow(seg, None, columns, ncols, extras)
                        n = counts.rows_read
                counts.rows_read = n
                fast = last // width - ndup
                counts.accepted += fast
                self._pending += fast
                dd.count += fast - probed
                dd.maybe_grow()
                if tail:
                    slow(tail, stream, columns, ncols, extras)
                if self._pending >= chunk_rows:
                    self.flush()
                continue
            added = 0
            n, accepted, pending = counts.rows_read, counts.accepted, self._pending
            it = iter(parts)
            next(it)
            pos = 0
            for fields, fp, h in zip(zip(*[it] * width, strict=False), fps, hs, strict=True):
                pos += width
                if canonical:
                    tid, amt, cur, ts, day, mer, st, seg = fields
                    xs = None
                else:
                    tid, amt, cur, ts, day, mer, st, *xs = (fields[i] for i in group_pos)
                    seg = fields[-1]
                n += 1
                # inline Deduper.add_fp for the common case (empty home slot)
                table = tables[h & 0xFF]
                i = (h >> 8) & mask
                v = table[i]
                if v == 0:
                    table[i] = fp
                    added += 1
                    dup = False
                else:
                    dup = v == fp or not add_fp(fp, h)
                    mask = dd.mask  # add_fp may have grown the tables
                if dup:
                    counts.rows_read, counts.accepted, self._pending = n, accepted, pending
                    errs = [FieldError("transaction_id", DUPLICATE_REASON)]
                    self._reject(n, errs, self._raw_fast(fields, columns, names))
                else:
                    accepted += 1
                    if emit:
                        if xs is None:
                            out = (
                                f'{{"transaction_id":"{tid}","amount":"{amt}","currency":"{cur}",'
                                f'"timestamp":"{ts}","merchant":"{mer}","status":"{st}","row":{n}}}\n'
                            )
                        else:
                            ex = ",".join(f'{k}:"{x}"' for k, x in zip(extra_keys, xs, strict=True))
                            out = (
                                f'{{"transaction_id":"{tid}","amount":"{amt}","currency":"{cur}",'
                                f'"timestamp":"{ts}","merchant":"{mer}","status":"{st}","row":{n},'
                                f'"extra":{{{ex}}}}}\n'
                            )
                        bufs[day].append(out)
                        amts[day + cur].append(amt)
                        pending += 1
                        if pending >= chunk_rows:
                            counts.rows_read, counts.accepted, self._pending = n, accepted, pending
                            self.flush()
                            pending = 0
                if seg:
                    counts.rows_read, counts.accepted, self._pending = n, accepted, pending
                    slow(seg, stream if pos == last else None, columns, ncols, extras)
                    n, accepted, pending = counts.rows_read, counts.accepted, self._pending
            counts.rows_read, counts.accepted, self._pending = n, accepted, pending
            dd.count += added
            dd.maybe_grow()
        return self.finish()

    @staticmethod
    def _raw_fast(fields: tuple[str, ...], columns: list[str], names: list[str]) -> dict[str, str]:
        """Raw values (header order) of a fast-matched row, for the quarantine record."""
        by_name = dict(zip(names, fields, strict=False))
        return {col: by_name[_FIELD_GROUP.get(col, f"x{i}")] for i, col in enumerate(columns)}

    def _slow_segment(
        self,
        seg: str,
        rest: TextIO | None,
        columns: list[str],
        ncols: int,
        extras: list[tuple[int, str]],
    ) -> None:
        """General path for the lines between fast matches. A quoted field may
        continue on following lines of the segment, or of the stream when the
        segment ends the block (``rest``)."""
        odd = self._odd
        counts = self.counts
        end = seg.find("\n")
        if rest is None and end == len(seg) - 1 and seg.find("\r") in (-1, end - 1):
            # one line (the usual case between fast rows): no line splitting needed
            if seg in _BLANK:
                return
            counts.rows_read += 1
            if odd is not None:
                m = odd(seg)
                if m is not None and self._odd_line(m, counts.rows_read):
                    return
            self._slow_csv_line(seg, iter(()), counts.rows_read, columns, ncols, extras)
            return
        lines: Iterator[str] = iter(io.StringIO(seg, newline=""))
        # continuation lines for a quoted field: the rest of the segment, then (only
        # for the segment that ends the block) the stream; the loop itself never
        # leaves the segment, so the fast path resumes with the next block
        more = chain(lines, rest) if rest is not None else lines
        for line in lines:
            if line in _BLANK:
                continue
            counts.rows_read += 1
            if odd is not None:
                m = odd(line)
                if m is not None and self._odd_line(m, counts.rows_read):
                    continue
            self._slow_csv_line(line, more, counts.rows_read, columns, ncols, extras)

    def _slow_csv_line(
        self,
        line: str,
        lines: Iterator[str],
        row: int,
        columns: list[str],
        ncols: int,
        extras: list[tuple[int, str]],
    ) -> None:
        if '"' in line:
            try:
                # may pull continuation lines of a quoted multi-line field from ``lines``
                rec = next(csv.reader(chain((line,), lines)))
            except csv.Error as exc:
                self._reject(row, [FieldError("*", f"malformed CSV: {exc}")], line.rstrip("\r\n"))
                return
        else:
            rec = line.rstrip("\r\n").split(",")
        if len(rec) != ncols:
            raw = line.rstrip("\r\n") if '"' not in line else ",".join(rec)
            self._reject(row, [FieldError("*", f"expected {ncols} fields, got {len(rec)}")], raw)
            return
        values = dict(zip(columns, rec, strict=True))
        self._check_values(values, row, {c: values[c] for _, c in extras} if extras else None)

    def _check_values(self, values: Mapping[str, object], row: int, extra: Mapping[str, object] | None) -> None:
        norm, errors = validate_record(values)
        if extra:
            try:
                json.dumps(extra, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                norm = None
                errors.append(FieldError("extra", "not valid UTF-8"))
        raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
        if norm is None:
            self._reject(row, errors, raw)
            return
        self._accept_general(norm, row, extra, raw)

    # -- JSON Lines -------------------------------------------------------------

    def process_jsonl(self, lines: Iterable[str]) -> Counts:
        """One JSON object per line; numbers keep their literal text (never floats)."""
        counts = self.counts
        for line in lines:
            if not line.strip():
                continue
            counts.rows_read += 1
            row = counts.rows_read
            try:
                obj = json.loads(line, parse_float=str, parse_int=str)
            except ValueError as exc:
                self._reject(row, [FieldError("*", f"not valid JSON: {getattr(exc, 'msg', exc)}")], line.rstrip("\r\n"))
                continue
            if not isinstance(obj, dict):
                self._reject(row, [FieldError("*", "not a JSON object")], line.rstrip("\r\n"))
                continue
            extra = {k: v for k, v in obj.items() if k not in REQUIRED_FIELDS}
            self._check_values(obj, row, extra or None)
        return self.finish()


def process_text(fmt: str, lines: TextIO, processor: RowProcessor) -> Counts:
    """Run ``processor`` over a decoded text stream (CSV reads it in blocks, JSON Lines by line)."""
    if fmt == "csv":
        return processor.process_csv(lines)
    if fmt == "jsonl":
        return processor.process_jsonl(lines)
    raise InvalidFileError(f"unsupported format {fmt!r}")
