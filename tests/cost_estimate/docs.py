"""Regenerate the real output shown in ``docs/cost.md``.

    .venv/bin/python -m tests.cost_estimate.docs --write

Synthesizes the real app and the legacy example into a temporary directory, runs ``cost-estimate``
and writes each sample between ``<!-- BEGIN SAMPLE: name -->`` and ``<!-- END SAMPLE -->``.
``test_docs.py`` checks the samples are there and say what the tool says.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

from cost_estimate import cli
from tests.conftest import REPO_ROOT, synthesize, synthesize_legacy
from tests.samples import blocks, write_or_print

DOCS = (REPO_ROOT / "docs" / "cost.md", REPO_ROOT / "README.md")  # the README repeats compare-summary
MONTHS = (1, 12, 36, 84)
__all__ = ["DOCS", "blocks", "main", "samples"]


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue() + err.getvalue()


def fence(command: str, text: str, lang: str = "text") -> str:
    return f"```console\n$ {command}\n```\n\n```{lang}\n{text}```\n"


def section(text: str, title: str) -> str:
    """One titled section of the table output (title line up to the next blank line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return "\n".join(lines[start:end]) + "\n"


def months_table(current: Path, legacy: Path) -> str:
    header = ["Month after go-live", "Legacy design", "Current design", "Saving"]
    header.append("Saving without S3 storage and requests")
    rows = ["| " + " | ".join(header) + " |", "|---|---|---|---|---|"]
    for month in MONTHS:
        _, text = run(str(current), "--compare", str(legacy), "--month", str(month), "--format", "json")
        comparison = json.loads(text)["comparison"]
        s3 = next(s for s in comparison["by_service"] if s["service"] == "Amazon S3")
        before, after = comparison["baseline"]["total_monthly_usd"], comparison["current"]["total_monthly_usd"]
        rest_before, rest_after = before - s3["baseline_usd"], after - s3["current_usd"]
        rows.append(
            f"| {month}{' (default profile)' if month == 12 else ''} | ${before:,.2f} | ${after:,.2f} | "
            f"{-comparison['change_percent']:.1f}% | {100 * (rest_before - rest_after) / rest_before:.1f}% |"
        )
    return "\n".join(rows) + "\n"


def samples() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        current = synthesize(Path(tmp) / "cdktf.out").outdir
        legacy = synthesize_legacy(Path(tmp) / "cdktf.legacy.out").outdir
        _, table = run(str(current))
        _, legacy_table = run(str(legacy))
        _, compare = run(str(current), "--compare", str(legacy))
        _, markdown = run(str(current), "--compare", str(legacy), "--format", "markdown")
        months = months_table(current, legacy)
    table = table.replace(str(current), "cdktf.out")
    compare = compare.replace(str(legacy), "cdktf.legacy.out")
    markdown = markdown.replace(str(legacy), "cdktf.legacy.out")
    head = "\n".join(compare.splitlines()[:4]) + "\n"
    summary = head + "\n" + section(compare, "Difference against")
    legacy_services = "\n".join(legacy_table.splitlines()[:1]) + "\n\n" + section(legacy_table, "Per service")
    return {
        "pipeline-table": fence("make cost    # = cost-estimate cdktf.out --strict", table),
        "compare-summary": fence(
            "make cost-compare    # = cost-estimate cdktf.out --compare cdktf.legacy.out", summary
        ),
        "legacy-services": fence("cost-estimate cdktf.legacy.out", legacy_services),
        "months": months,
        "markdown": "(rendered as it appears in the pull-request comment)\n\n" + markdown,
    }


def main(argv: list[str]) -> int:
    return write_or_print(DOCS, samples(), argv, REPO_ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
