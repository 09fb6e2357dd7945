"""Renderers: terminal table, JSON and Markdown (for a pull-request comment). Pure functions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from cost_estimate.model import FREE, NOT_PRICED, PRICED, Comparison, Estimate, LineItem, ResourceCost
from tag_audit.render import md_cell, md_table, text_table

FORMATS = ("table", "json", "markdown")
COMMENT_MARKER = "<!-- cost-estimate -->"  # lets CI find and update its own pull-request comment


def money(usd: float) -> str:
    sign = "-" if usd < -0.0049 else ""
    return f"{sign}${abs(usd):,.2f}"


def signed(usd: float) -> str:
    return ("+" if usd >= 0.005 else "") + money(usd)


def percent(part: float, whole: float) -> str:
    return "n/a" if whole == 0 else f"{100 * part / whole:.1f}%"


def quantity(item: LineItem) -> str:
    value = item.quantity
    text = f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:,.2f}"
    return f"{text} {item.unit}".strip()


def headline(estimate: Estimate) -> str:
    scope = ", ".join(estimate.scopes)
    label = "stacks" if len(estimate.scopes) > 1 else "stack"
    return f"Cost estimate ({label}: {scope}): {money(estimate.total)} per month"


def context_lines(estimate: Estimate) -> list[str]:
    counts = {s: len(estimate.by_status(s)) for s in (PRICED, FREE, NOT_PRICED)}
    return [
        f"Usage profile: {estimate.profile_name} ({estimate.profile_path}), month {estimate.month} after go-live",
        f"Prices: {estimate.prices_label}; list prices, free tiers not applied",
        f"Resources: {len(estimate.resources)} ({counts[PRICED]} priced, {counts[FREE]} free, "
        f"{counts[NOT_PRICED]} not priced)",
    ]


def _service_rows(estimate: Estimate) -> list[list[str]]:
    total = estimate.total
    return [[s, money(v), percent(v, total)] for s, v in estimate.by_service().items()]


def _group_rows(estimate: Estimate) -> list[list[str]]:
    return [[k, v, money(x)] for k, values in estimate.by_group().items() for v, x in values.items()]


def _priced(estimate: Estimate) -> list[ResourceCost]:
    return sorted(estimate.by_status(PRICED), key=lambda r: (-r.monthly, r.address))


def _free_rows(estimate: Estimate) -> list[list[str]]:
    reasons = {r.type: r.reason for r in estimate.by_status(FREE)}
    counts = Counter(r.type for r in estimate.by_status(FREE))
    return [[t, str(counts[t]), reasons[t]] for t in sorted(counts)]


def _comparison_rows(comparison: Comparison) -> list[list[str]]:
    rows = [[s, money(b), money(c), signed(c - b)] for s, b, c in comparison.by_service()]
    change = comparison.change_percent
    rows.append(
        [
            "Total",
            money(comparison.baseline.total),
            money(comparison.current.total),
            signed(comparison.difference) + ("" if change is None else f" ({change:+.1f}%)"),
        ]
    )
    return rows


def comparison_title(comparison: Comparison) -> str:
    return f"Difference against {', '.join(comparison.baseline.scopes)} ({comparison.baseline.source})"


def table(estimate: Estimate, comparison: Comparison | None = None) -> str:
    lines = [headline(estimate), *context_lines(estimate)]

    def section(title: str, header: Sequence[str], rows: list[list[str]]) -> None:
        nonlocal lines
        lines += ["", title] + (text_table(header, rows) if rows else ["  (none)"])

    section("Per service", ["SERVICE", "MONTHLY", "SHARE"], _service_rows(estimate))
    section(f"Per {' / '.join(estimate.group_keys)}", ["KEY", "VALUE", "MONTHLY"], _group_rows(estimate))
    if comparison is not None:
        section(
            comparison_title(comparison), ["SERVICE", "BASELINE", "CURRENT", "DIFFERENCE"], _comparison_rows(comparison)
        )
    rows = []
    for r in _priced(estimate):
        rows.append([r.address, money(r.monthly), "", ""])
        rows += [[f"  {i.component}", money(i.usd) if i.usd is not None else "not priced", quantity(i), i.rate]
                 for i in r.items]  # fmt: skip
    section(
        "Per resource (priced, most expensive first)", ["RESOURCE / COMPONENT", "MONTHLY", "QUANTITY", "RATE"], rows
    )
    section(
        f"Not priced ({len(estimate.not_priced)}: listed, never counted as $0)",
        ["RESOURCE", "TYPE", "REASON"],
        [[r.address, r.type, why] for r, why in estimate.not_priced],
    )
    section(f"Free ({len(estimate.by_status(FREE))} resources)", ["TYPE", "COUNT", "WHY"], _free_rows(estimate))
    if estimate.warnings:
        section("Warnings", ["WARNING"], [[w] for w in estimate.warnings])
    return "\n".join(lines) + "\n"


def markdown(estimate: Estimate, comparison: Comparison | None = None) -> str:
    lines = [COMMENT_MARKER, f"### {headline(estimate)}", ""]
    lines += [f"- {md_cell(line)}" for line in context_lines(estimate)]
    if comparison is not None:
        change = comparison.change_percent
        lines += [
            "",
            f"#### {md_cell(comparison_title(comparison))}: **{signed(comparison.difference)}**"
            + ("" if change is None else f" ({change:+.1f}%)"),
            "",
            *md_table(["Service", "Baseline", "Current", "Difference"], _comparison_rows(comparison)),
        ]
    lines += ["", "#### Per service", "", *md_table(["Service", "Monthly", "Share"], _service_rows(estimate))]
    lines += ["", f"#### Per {' / '.join(estimate.group_keys)}", ""]
    lines += md_table(["Key", "Value", "Monthly"], _group_rows(estimate))
    not_priced = estimate.not_priced
    lines += ["", f"#### Not priced ({len(not_priced)}): listed, never counted as $0", ""]
    lines += (
        md_table(["Resource", "Type", "Reason"], [[r.address, r.type, why] for r, why in not_priced])
        if not_priced
        else ["_none_"]
    )
    if estimate.warnings:
        lines += ["", "#### Warnings", "", *[f"- {md_cell(w)}" for w in estimate.warnings]]
    rows = [
        [r.address, i.component, money(i.usd) if i.usd is not None else "not priced", quantity(i), i.rate, i.basis]
        for r in _priced(estimate)
        for i in r.items
    ]
    lines += ["", "<details><summary>Line items (priced resources, with how each quantity was derived)</summary>", ""]
    lines += md_table(["Resource", "Component", "Monthly", "Quantity", "Rate", "Basis"], rows)
    lines += ["", "</details>", "", f"<details><summary>Free ({len(estimate.by_status(FREE))} resources)</summary>", ""]
    lines += md_table(["Type", "Count", "Why"], _free_rows(estimate))
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def to_json(estimate: Estimate, comparison: Comparison | None = None) -> str:
    data = estimate.to_dict()
    if comparison is not None:
        data["comparison"] = comparison.to_dict()
    return json.dumps(data, indent=2) + "\n"


def render(estimate: Estimate, fmt: str, comparison: Comparison | None = None) -> str:
    return {"table": table, "json": to_json, "markdown": markdown}[fmt](estimate, comparison)
