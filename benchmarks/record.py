"""``--record``: a benchmark's run written into its own section of ``docs/benchmarks.md``.

Each benchmark script takes ``--record [SECTION]`` (:func:`add_option`) and runs its measurement through
:func:`run`: the output still goes to the terminal, and with ``--record`` it is also written, verbatim, into
the sample block ``<!-- BEGIN SAMPLE: SECTION -->`` ... ``<!-- END SAMPLE -->`` of ``docs/benchmarks.md``
(the same blocks and writer as the docs' tool samples, ``tests/samples.py``), headed by the date, the
machine (CPU count and model, memory, load average at start and end: the machine is shared, so the load
is part of the result), the command, the wall time and the exit code. A run that raises records nothing.
"""

from __future__ import annotations

import io
import os
import platform
import shlex
import sys
import time
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from tests.samples import blocks, update

REPO_ROOT = Path(__file__).resolve().parent.parent
DOC = REPO_ROOT / "docs" / "benchmarks.md"


def add_option(parser: ArgumentParser, section: str) -> None:
    """``--record [SECTION]``: write this run into ``docs/benchmarks.md`` (default section ``section``)."""
    parser.add_argument(
        "--record",
        nargs="?",
        const=section,
        metavar="SECTION",
        help=f"also write this run's output into the section {section!r} (or SECTION) of docs/benchmarks.md",
    )


class _Tee(io.TextIOBase):
    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    return "unknown memory"


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass(frozen=True)
class Run:
    """One recorded run: what the section says besides the output."""

    started: datetime
    command: str
    load_start: str
    load_end: str
    seconds: float
    exit_code: int
    output: str

    def section(self) -> str:
        machine = (
            f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({_cpu_model()}), {_memory_gib()}, "
            f"Python {platform.python_version()}"
        )
        output = self.output if self.output.endswith("\n") or not self.output else self.output + "\n"
        return (
            f"Recorded {self.started:%Y-%m-%d %H:%M} UTC on {machine}; load average (1 / 5 / 15 min) "
            f"{self.load_start} at the start, {self.load_end} at the end (a shared machine); "
            f"{self.seconds:.0f} s wall, exit code {self.exit_code}.\n\n"
            f"```console\n$ {self.command}\n```\n\n```text\n{output}```\n"
        )


def command_line(argv: list[str]) -> str:
    """The command as run from the repository root: ``.venv/bin/python benchmarks/bench_x.py --args``."""

    def shown(path: str) -> str:
        resolved = Path(path).absolute()
        return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else path

    return shlex.join([shown(sys.executable), shown(argv[0]), *argv[1:]])


def require(section: str, doc: Path = DOC) -> str:
    """The document's text; a clear error if it has no block for ``section``."""
    text = doc.read_text()
    if section not in blocks(text):
        raise SystemExit(
            f"{doc}: no section {section!r}: add '<!-- BEGIN SAMPLE: {section} -->' and '<!-- END SAMPLE -->'"
        )
    return text


def write(section: str, run: Run, doc: Path = DOC) -> None:
    text = require(section, doc)
    doc.write_text(update(text, {section: run.section()}))
    print(f"recorded in {doc.relative_to(REPO_ROOT) if doc.is_relative_to(REPO_ROOT) else doc} ({section})")


def run(section: str | None, measure: Callable[[], int], *, doc: Path = DOC, argv: list[str] | None = None) -> int:
    """``measure()``'s exit code; with a ``section``, its output is also recorded there."""
    if section is None:
        return measure()
    require(section, doc)  # fail before minutes of measuring, not after
    captured = io.StringIO()
    started, load_start, clock = datetime.now(UTC), _load(), time.perf_counter()
    stdout = sys.stdout
    sys.stdout = _Tee(stdout, captured)
    try:
        code = measure()
    finally:
        sys.stdout = stdout
    result = Run(
        started=started,
        command=command_line(argv if argv is not None else sys.argv),
        load_start=load_start,
        load_end=_load(),
        seconds=time.perf_counter() - clock,
        exit_code=code,
        output=captured.getvalue(),
    )
    write(section, result, doc)
    return code
