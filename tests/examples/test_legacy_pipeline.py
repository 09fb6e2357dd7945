"""The legacy design example: synthesizes under governance with only the x86 findings suppressed (with
a reason), has the old design's choices, and the current design saves at least the business case's
30% against it for the default usage profile."""

from __future__ import annotations

import pytest

from aspects.suppressions import records_of
from cost_estimate import prices, profile
from cost_estimate.estimate import estimate_stacks
from cost_estimate.model import Comparison
from examples.legacy_pipeline import LEGACY_CAPACITY, X86_REASON
from stack.steps import SINGLE_PATH
from tag_audit.static import load_stacks
from tests.conftest import SynthesizedStack

TARGET_SAVING_PERCENT = 30


def test_only_the_x86_findings_are_suppressed_each_with_the_reason(legacy_stack: SynthesizedStack) -> None:
    suppressed = []
    for type_, resources in legacy_stack.document["resource"].items():
        for name, config in resources.items():
            for record in records_of(config.get("//", {})):
                suppressed.append((type_, name.split("_")[0], record["rule"], record["reason"]))
    assert sorted(suppressed) == sorted(
        [
            ("aws_lambda_function", step, "FIN-004", X86_REASON)
            for step in (*(s.name for s in SINGLE_PATH), "orchestrator")
        ]
        + [("aws_lambda_layer_version", "shared", "FIN-005", X86_REASON)]
    )


def test_it_is_the_old_design(legacy_stack: SynthesizedStack) -> None:
    _, table = legacy_stack.one("aws_dynamodb_table")
    assert (table["billing_mode"], table["read_capacity"], table["write_capacity"]) == (
        "PROVISIONED",
        LEGACY_CAPACITY,
        LEGACY_CAPACITY,
    )
    assert len(legacy_stack.resources("aws_nat_gateway")) == 3
    assert len(legacy_stack.resources("aws_eip")) == 3
    functions = legacy_stack.resources("aws_lambda_function").values()
    assert {tuple(f["architectures"]) for f in functions} == {("x86_64",)}
    assert {f["function_name"] for f in functions} == {
        f"lambda-{s}-dev" for s in (*(s.name for s in SINGLE_PATH), "orchestrator")
    }
    assert legacy_stack.resources("aws_s3_bucket_lifecycle_configuration") == {}
    assert legacy_stack.resources("aws_sfn_state_machine") == {}
    _, target = legacy_stack.one("aws_cloudwatch_event_target")
    assert target["arn"].startswith("${aws_lambda_function.orchestrator_fn_function_")
    routes = legacy_stack.resources("aws_route").values()
    assert sum("nat_gateway_id" in r for r in routes) == 3  # each private subnet's AZ routes through its own NAT


def test_the_current_design_saves_at_least_30_percent(
    dev_stack: SynthesizedStack, legacy_stack: SynthesizedStack
) -> None:
    usage, book = profile.load(), prices.load()
    current = estimate_stacks(load_stacks([dev_stack.outdir]), usage, book, source="current", profile_path="default")
    legacy = estimate_stacks(load_stacks([legacy_stack.outdir]), usage, book, source="legacy", profile_path="default")
    assert legacy.not_priced == [] and current.not_priced == []
    saving = -Comparison(current, legacy).change_percent
    assert saving >= TARGET_SAVING_PERCENT
    # and not only through storage: compute, network and the database are cheaper too
    before, after = legacy.by_service(), current.by_service()
    for service in ("AWS Lambda", "Amazon DynamoDB"):
        assert after[service] < before[service], service
    assert "Amazon EC2 (NAT gateway)" not in after


@pytest.mark.parametrize("month", [1, 84])
def test_the_saving_holds_in_the_first_month_and_at_the_retention_horizon(
    dev_stack: SynthesizedStack, legacy_stack: SynthesizedStack, month: int
) -> None:
    usage, book = profile.load(overrides={"month": month}), prices.load()
    current = estimate_stacks(load_stacks([dev_stack.outdir]), usage, book, source="c", profile_path="p")
    legacy = estimate_stacks(load_stacks([legacy_stack.outdir]), usage, book, source="l", profile_path="p")
    assert current.total < legacy.total
