"""The estimate over whole stacks: every resource gets a status, nothing without a price counts as $0,
cost is grouped per service and per effective CostCenter/Project/Environment tag."""

from __future__ import annotations

import pytest

from cost_estimate import prices
from cost_estimate.estimate import estimate_stacks
from cost_estimate.model import FREE, NOT_PRICED, PRICED, Comparison
from tests.cost_estimate.conftest import stack, test_profile

RESOURCES = {
    "aws_sqs_queue": {"q": {"name": "dlq", "tags": {"Project": "p1", "Environment": "dev"}}},
    "aws_cloudwatch_dashboard": {"d": {"dashboard_name": "d"}},
    "aws_iam_role": {"r": {"name": "r"}},
    "aws_ssm_parameter": {"s": {"name": "/a"}},
    "aws_sns_topic": {"t": {"name": "t", "tags": {"CostCenter": ""}}},
    "aws_lambda_function": {"f": {"function_name": "not-in-the-profile"}},
    "aws_quantum_computer": {"x": {"name": "qc"}},
}


def estimate(resources: dict = RESOURCES, **changes: object):
    return estimate_stacks([stack(resources)], test_profile(**changes), prices.load(), source="test", profile_path="t")


def test_every_resource_gets_a_status_with_a_reason() -> None:
    result = {r.address: (r.status, r.reason) for r in estimate().resources}
    assert result["aws_sqs_queue.q"] == (PRICED, "")
    assert result["aws_iam_role.r"] == (FREE, "IAM: no charge")
    assert result["aws_ssm_parameter.s"][0] == FREE  # free because of its configuration
    assert result["aws_lambda_function.f"] == (
        NOT_PRICED,
        "no usage for function not-in-the-profile in the profile (no functions.<name>.match matches it)",
    )
    assert result["aws_quantum_computer.x"] == (NOT_PRICED, "no pricing rule for this resource type")


def test_totals_per_service_and_per_effective_tag() -> None:
    result = estimate()
    sqs, dashboard, sns = 1000 * 0.0000004, 3.0, 200 * 0.0000005
    assert result.total == pytest.approx(sqs + dashboard + sns)
    assert result.by_service() == pytest.approx({"Amazon CloudWatch": dashboard, "Amazon SQS": sqs, "Amazon SNS": sns})
    groups = result.by_group()
    # provider default_tags give CostCenter CC-1; the topic empties it; dashboards cannot be tagged
    assert groups["CostCenter"] == pytest.approx({"CC-1": sqs, "(none)": sns, "(not taggable)": dashboard})
    assert groups["Project"] == pytest.approx({"p1": sqs, "(none)": sns, "(not taggable)": dashboard})


def test_a_missing_price_is_listed_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    book = prices.load()
    without = {k: v for k, v in book.prices.items() if k != "sqs.standard_requests"}
    monkeypatch.setattr(
        prices, "load", lambda *a, **k: prices.PriceBook(book.region, book.metadata, without, book.path)
    )
    result = estimate({"aws_sqs_queue": RESOURCES["aws_sqs_queue"]})
    assert result.total == 0
    [(queue, reason)] = result.not_priced
    assert queue.status == NOT_PRICED
    assert "no price 'sqs.standard_requests'" in reason


def test_unpriced_items_of_priced_resources_are_listed() -> None:
    table = {"name": "table-a", "billing_mode": "PAY_PER_REQUEST", "global_secondary_index": [{"name": "g"}]}
    result = estimate({"aws_dynamodb_table": {"t": table}})
    assert [(r.address, why) for r, why in result.not_priced] == [
        ("aws_dynamodb_table.t", "global secondary indexes: index usage is not in the profile")
    ]
    assert result.resources[0].status == PRICED


def test_comparison_per_service_and_total() -> None:
    before = estimate({"aws_cloudwatch_dashboard": {"a": {}, "b": {}}, "aws_sqs_queue": RESOURCES["aws_sqs_queue"]})
    after = estimate({"aws_cloudwatch_dashboard": {"a": {}}})
    comparison = Comparison(after, before)
    assert comparison.difference == pytest.approx(3.0 - 6.0004)
    assert comparison.change_percent == pytest.approx(100 * (3.0 - 6.0004) / 6.0004)
    assert comparison.by_service() == [("Amazon CloudWatch", 6.0, 3.0), ("Amazon SQS", pytest.approx(0.0004), 0.0)]


def test_profile_and_snapshot_must_be_for_the_same_region() -> None:
    with pytest.raises(ValueError, match="the profile is for eu-west-1 but the price snapshot for us-east-2"):
        estimate(region="eu-west-1")
