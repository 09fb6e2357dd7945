"""Renderers: terminal table, JSON, CSV and Markdown (for a PR comment). Pure functions of the report."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from tag_audit.model import AuditReport, Coverage, ResourceResult

FORMATS = ("table", "json", "csv", "markdown")


def render(report: AuditReport, fmt: str) -> str:
    return {"table": table, "json": to_json, "csv": to_csv, "markdown": markdown}[fmt](report)


def _headline(report: AuditReport) -> str:
    scope = ", ".join(report.scopes)
    label = "stack" if report.source == "static" else "region"
    return (
        f"Tag audit ({report.source}, {label}{'s' if len(report.scopes) > 1 else ''}: {scope}): "
        f"{len(report.resources)} resources, {len(report.taggable)} taggable, "
        f"{len(report.not_taggable)} not taggable"
    )


def _overall(report: AuditReport) -> str:
    c = report.overall
    return f"{c.text()} ({c.covered}/{c.total} taggable resources carry every required key)"


def _verdict(report: AuditReport) -> str:
    parts = []
    if report.min_coverage is not None:
        relation = ">=" if report.coverage_ok else "<"
        parts.append(f"coverage {report.overall.text()} {relation} minimum {report.min_coverage:g}%")
    if report.drift is not None:
        parts.append(f"{len(report.drift)} drift items")
    return ("PASS" if report.passed else "FAIL") + (f" ({'; '.join(parts)})" if parts else "")


def _issues(r: ResourceResult) -> str:
    text = ", ".join(f"{k} {p}" for k, p in r.problems.items())
    return "; ".join(x for x in (text, r.note if r.status == "unknown" else "") if x) or r.status


def _coverage_rows(coverages: dict[str, Coverage]) -> list[list[str]]:
    return [[name, str(c.covered), str(c.total), c.text()] for name, c in coverages.items()]


def _group_rows(report: AuditReport) -> list[list[str]]:
    return [[key, value, str(n)] for key, values in report.groups().items() for value, n in values.items()]


def _sections(report: AuditReport) -> list[tuple[str, list[str], list[list[str]]]]:
    sections = [
        (
            "Coverage per required key",
            ["KEY", "COVERED", "TOTAL", "COVERAGE"],
            _coverage_rows(report.coverage_by_key()),
        ),
        (
            "Coverage per resource type",
            ["TYPE", "COVERED", "TOTAL", "COVERAGE"],
            _coverage_rows(report.coverage_by_type()),
        ),
        ("Resources per " + " / ".join(report.group_keys), ["KEY", "VALUE", "RESOURCES"], _group_rows(report)),
        (
            f"Gaps ({len(report.gaps)})",
            ["STACK" if report.source == "static" else "REGION", "RESOURCE", "TYPE", "ISSUES"],
            [[r.stack, r.id, r.type, _issues(r)] for r in report.gaps],
        ),
        (
            f"Not taggable ({len(report.not_taggable)}, listed apart, not counted)",
            ["STACK", "RESOURCE"],
            [[r.stack, r.id] for r in report.not_taggable],
        ),
    ]
    if report.drift is not None:
        sections.append(
            (
                f"Drift against {', '.join(report.compared)} ({len(report.drift)})",
                ["KIND", "STACK", "ADDRESS", "ARN", "DETAIL"],
                [[d.kind, d.stack, d.address or "-", d.arn or "-", d.describe()] for d in report.drift],
            )
        )
        sections.append(
            (
                f"Not verifiable live ({len(report.unverifiable)}, listed apart)",
                ["STACK", "RESOURCE", "REASON"],
                [[u.stack, u.address, u.reason] for u in report.unverifiable],
            )
        )
    return sections


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns under a header, indented two spaces (shared with ``cost_estimate``)."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def table(report: AuditReport) -> str:
    lines = [
        _headline(report),
        f"Required keys ({report.requirements.source}): {', '.join(report.requirements.keys)}",
    ]
    if report.requirements.allowed:
        lines += [f"  allowed {k}: {', '.join(v)}" for k, v in report.requirements.allowed.items()]
    lines.append(f"Overall coverage: {_overall(report)}")
    for title, header, rows in _sections(report):
        lines += ["", title]
        lines += text_table(header, rows) if rows else ["  (none)"]
    lines += ["", f"Result: {_verdict(report)}"]
    return "\n".join(lines) + "\n"


def md_cell(value: str) -> str:
    """A value safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table (shared with ``cost_estimate``)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]


def markdown(report: AuditReport) -> str:
    lines = [
        f"### {_headline(report)}",
        "",
        f"**Result: {_verdict(report)}** · overall coverage {_overall(report)}",
        "",
        f"Required keys ({md_cell(report.requirements.source)}): "
        + ", ".join(f"`{k}`" for k in report.requirements.keys),
    ]
    if report.requirements.allowed:
        lines += [""] + [
            f"- allowed `{k}`: " + ", ".join(f"`{x}`" for x in v) for k, v in report.requirements.allowed.items()
        ]
    for title, header, rows in _sections(report):
        lines += ["", f"#### {title}", ""]
        if not rows:
            lines.append("_none_")
            continue
        listed_apart = title.startswith("Not ")  # long lists that are not failures: collapsed in a PR comment
        if listed_apart:
            lines += ["<details><summary>show</summary>", ""]
        lines += md_table(header, rows)
        if listed_apart:
            lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def to_json(report: AuditReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=False) + "\n"


def to_csv(report: AuditReport) -> str:
    """One row per resource (taggable or not), then one per drift item; a column per required key."""
    keys = list(report.requirements.keys)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["record", "stack", "id", "type", "taggable", "status", "issues", *keys])
    for r in report.resources:
        issues = "; ".join(f"{k} {p}" for k, p in r.problems.items()) or r.note
        writer.writerow(
            ["resource", r.stack, r.id, r.type, str(r.taggable).lower(), r.status, issues]
            + [str(r.tags.get(k, "")) for k in keys]
        )
    for d in report.drift or []:
        writer.writerow(["drift", d.stack, d.arn or d.address, d.address, "", d.kind, d.describe()] + [""] * len(keys))
    return out.getvalue()
