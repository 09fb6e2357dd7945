"""benchmarks/record.py: ``--record`` writes a run into its own section of a document, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import record

DOC = """# Benchmarks

<!-- BEGIN SAMPLE: bench-a -->
old a
<!-- END SAMPLE -->

text between

<!-- BEGIN SAMPLE: bench-b -->
old b
<!-- END SAMPLE -->
"""


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "benchmarks.md"
    path.write_text(DOC)
    return path


def measuring(code: int, calls: list[str]):
    def measure() -> int:
        calls.append("measured")
        print("lazy loader : wall median 3.54 s")
        print("target      : met")
        return code

    return measure


def test_without_a_section_it_only_measures(doc: Path, capsys) -> None:
    calls: list[str] = []
    assert record.run(None, measuring(0, calls), doc=doc) == 0
    assert calls == ["measured"] and doc.read_text() == DOC
    assert "lazy loader" in capsys.readouterr().out


def test_the_section_gets_the_verbatim_output_the_command_and_the_exit_code(doc: Path, capsys) -> None:
    argv = [str(record.REPO_ROOT / "benchmarks" / "bench_x.py"), "--runs", "3", "--record"]
    assert record.run("bench-b", measuring(1, []), doc=doc, argv=argv) == 1
    text = doc.read_text()
    body = record.blocks(text)["bench-b"]
    assert body.startswith("Recorded ") and " UTC on " in body and "load average (1 / 5 / 15 min)" in body
    assert "exit code 1." in body
    assert f"{record.command_line(argv)}\n" in body and "benchmarks/bench_x.py --runs 3 --record" in body
    assert "```text\nlazy loader : wall median 3.54 s\ntarget      : met\n```\n" in body
    assert record.blocks(text)["bench-a"] == "old a\n" and "text between" in text  # the rest kept
    assert "lazy loader" in capsys.readouterr().out  # still printed


def test_a_missing_section_is_a_clear_error_before_measuring(doc: Path) -> None:
    calls: list[str] = []
    with pytest.raises(SystemExit, match=r"no section 'bench-c'.*BEGIN SAMPLE: bench-c"):
        record.run("bench-c", measuring(0, calls), doc=doc)
    assert calls == [] and doc.read_text() == DOC


def test_a_run_that_raises_records_nothing(doc: Path) -> None:
    def broken() -> int:
        print("half a line")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        record.run("bench-a", broken, doc=doc)
    assert doc.read_text() == DOC


def test_every_benchmark_script_records_into_its_own_filled_section() -> None:
    recorded = record.blocks(record.DOC.read_text())
    sections = {}
    for script in sorted((record.REPO_ROOT / "benchmarks").glob("bench_*.py")):
        option = re.search(r'record\.add_option\(\w+, "([\w-]+)"\)', script.read_text())
        assert option, f"{script.name} takes no --record"
        assert option.group(1) not in sections, f"{script.name} and {sections[option.group(1)].name} share a section"
        sections[option.group(1)] = script
    for section, body in recorded.items():  # every section, the extra ones (--record NAME) included
        script = sections.get(section) or next(s for name, s in sections.items() if section.startswith(name))
        assert body.startswith("Recorded ") and f"benchmarks/{script.name}" in body, (
            f"docs/benchmarks.md: section {section} is not a recorded run of {script.name}: run it with --record"
        )
    assert set(sections) <= set(recorded)
