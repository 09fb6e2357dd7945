"""The renderers: exact text for a small estimate, and a comparison."""

from __future__ import annotations

import json

from cost_estimate import prices
from cost_estimate.estimate import estimate_stacks
from cost_estimate.model import Comparison
from cost_estimate.render import COMMENT_MARKER, markdown, money, render, signed, table
from tests.cost_estimate.conftest import stack, test_profile


def estimate(resources: dict):
    return estimate_stacks([stack(resources)], test_profile(), prices.load(), source="out", profile_path="usage.yml")


SMALL = {
    "aws_cloudwatch_dashboard": {"d": {}},
    "aws_iam_role": {"r": {}},
    "aws_lambda_function": {"f": {"function_name": "unknown"}},
}


def test_money() -> None:
    assert (money(1234.5), money(0.001), money(-3), signed(2), signed(-2), signed(0)) == (
        "$1,234.50", "$0.00", "-$3.00", "+$2.00", "-$2.00", "$0.00",
    )  # fmt: skip


def test_table() -> None:
    text = table(estimate(SMALL))
    snapshot = prices.load().label
    assert text.splitlines()[:4] == [
        "Cost estimate (stack: test-stack): $3.00 per month",
        "Usage profile: test profile (usage.yml), month 12 after go-live",
        f"Prices: {snapshot}; list prices, free tiers not applied",
        "Resources: 3 (1 priced, 1 free, 1 not priced)",
    ]
    assert "  Amazon CloudWatch  $3.00    100.0%" in text
    assert "  CostCenter   (not taggable)  $3.00" in text
    assert "  aws_cloudwatch_dashboard.d  $3.00" in text
    assert "    dashboard                 $3.00    1 dashboards  $3 per dashboard-month" in text
    assert "Not priced (1: listed, never counted as $0)" in text
    assert "  aws_lambda_function.f  aws_lambda_function  no usage for function unknown in the profile" in text
    assert "  aws_iam_role  1      IAM: no charge" in text


def test_comparison_in_table_and_markdown() -> None:
    before = estimate({"aws_cloudwatch_dashboard": {"a": {}, "b": {}}})
    after = estimate({"aws_cloudwatch_dashboard": {"a": {}}})
    comparison = Comparison(after, before)
    text = table(after, comparison)
    assert "Difference against test-stack (out)" in text
    assert "  Amazon CloudWatch  $6.00     $3.00    -$3.00" in text
    assert "  Total              $6.00     $3.00    -$3.00 (-50.0%)" in text
    md = markdown(after, comparison)
    assert md.startswith(COMMENT_MARKER + "\n### Cost estimate (stack: test-stack): $3.00 per month\n")
    assert "#### Difference against test-stack (out): **-$3.00** (-50.0%)" in md
    assert "| Total | $6.00 | $3.00 | -$3.00 (-50.0%) |" in md
    assert (
        "| aws_cloudwatch_dashboard.a | dashboard | $3.00 | 1 dashboards | $3 per dashboard-month | one a month |" in md
    )


def test_json_has_everything() -> None:
    before = estimate({"aws_cloudwatch_dashboard": {"a": {}, "b": {}}})
    data = json.loads(render(estimate(SMALL), "json", Comparison(estimate(SMALL), before)))
    assert data["total_monthly_usd"] == 3.0
    assert data["counts"] == {"priced": 1, "free": 1, "not priced": 1}
    assert data["not_priced"][0]["address"] == "aws_lambda_function.f"
    assert data["comparison"]["difference_usd"] == -3.0
    dashboard = next(r for r in data["resources"] if r["type"] == "aws_cloudwatch_dashboard")
    assert dashboard["items"][0] == {
        "service": "Amazon CloudWatch", "component": "dashboard", "quantity": 1, "unit": "dashboards",
        "monthly_usd": 3.0, "rate": "$3 per dashboard-month", "basis": "one a month",
    }  # fmt: skip
