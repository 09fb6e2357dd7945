"""Census: every resource type of the real synthesized stacks is priced, free with a reason, or not
priced with a reason; and nothing in them lacks a price. A type added to the stack without a rule
here fails this test."""

from __future__ import annotations

import pytest

from cost_estimate import prices, profile
from cost_estimate.catalog import CATALOG, rule_for
from cost_estimate.estimate import estimate_stacks
from cost_estimate.model import FREE, NOT_PRICED, PRICED
from tag_audit.static import load_stacks
from tests.conftest import SynthesizedStack

MIN_REASON = 10


@pytest.mark.parametrize("type_", sorted(CATALOG))
def test_each_rule_is_exactly_one_kind_with_a_reason(type_: str) -> None:
    rule = CATALOG[type_]
    kinds = [rule.pricer is not None, bool(rule.free), bool(rule.not_priced)]
    assert kinds.count(True) == 1, type_
    if rule.kind != PRICED:
        assert len(rule.free or rule.not_priced) >= MIN_REASON, type_


def test_unknown_types_are_not_priced_never_free() -> None:
    rule = rule_for("aws_something_new")
    assert rule.kind == NOT_PRICED and rule.not_priced == "no pricing rule for this resource type"


def _types(stack: SynthesizedStack) -> set[str]:
    return set(stack.document["resource"])


def test_every_type_of_the_pipeline_stack_has_a_rule(dev_stack: SynthesizedStack) -> None:
    missing = sorted(_types(dev_stack) - set(CATALOG))
    assert missing == [], f"add these types to cost_estimate/catalog.py (priced, free or not priced): {missing}"


def test_the_pipeline_stack_is_fully_priced_by_the_default_profile(dev_stack: SynthesizedStack) -> None:
    estimate = estimate_stacks(
        load_stacks([dev_stack.outdir]), profile.load(), prices.load(), source="dev", profile_path="default"
    )
    assert [(r.address, why) for r, why in estimate.not_priced] == []
    assert estimate.warnings == []
    statuses = {r.type: r.status for r in estimate.resources}
    assert {t for t, s in statuses.items() if s == PRICED} == {
        "aws_athena_workgroup",
        "aws_cloudwatch_dashboard",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_metric_alarm",
        "aws_dynamodb_table",
        "aws_glue_catalog_database",
        "aws_glue_catalog_table",
        "aws_kms_key",
        "aws_lambda_function",
        "aws_s3_bucket",
        "aws_sfn_state_machine",
        "aws_sns_topic",
        "aws_sqs_queue",
    }
    assert all(s in (PRICED, FREE) for s in statuses.values())


def test_the_census_catches_a_type_added_to_the_stack(dev_stack: SynthesizedStack) -> None:
    document = {**dev_stack.document, "resource": {**dev_stack.document["resource"], "aws_new_thing": {"n": {}}}}
    added = SynthesizedStack(dev_stack.suffix, dev_stack.outdir, dev_stack.stack_dir, document)
    assert sorted(_types(added) - set(CATALOG)) == ["aws_new_thing"]


def test_every_type_of_the_legacy_example_has_a_rule_and_a_price(legacy_stack: SynthesizedStack) -> None:
    assert sorted(_types(legacy_stack) - set(CATALOG)) == []
    estimate = estimate_stacks(
        load_stacks([legacy_stack.outdir]), profile.load(), prices.load(), source="legacy", profile_path="default"
    )
    assert [(r.address, why) for r, why in estimate.not_priced] == []
    assert estimate.warnings == []
