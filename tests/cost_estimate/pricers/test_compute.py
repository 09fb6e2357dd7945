"""Lambda functions and state machines against hand-computed values (test profile: 730 files a month,
2 GB files, one vCPU at 2,048 MB)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cost_estimate.context import NoUsage
from cost_estimate.pricers import compute
from tests.cost_estimate.conftest import BASE, FILES, context, resource, usd

BASE_FUNCTIONS: dict[str, Any] = BASE["functions"]

STEP = {
    "function_name": "fn-step",
    "memory_size": 1024,
    "architectures": ["arm64"],
    "ephemeral_storage": {"size": 2560},
    "timeout": 30,
    "tracing_config": {"mode": "Active"},
}
ORCH = {"function_name": "fn-orch", "memory_size": 512, "timeout": 900, "tracing_config": {"mode": "Active"}}


def test_arm64_function_duration_requests_storage_metrics() -> None:
    ctx = context({"aws_lambda_function": {"step": STEP}})
    items, warnings = compute.lambda_function(ctx, resource(ctx, "aws_lambda_function", "step"))
    # duration: 1 s + 10 s/GB x 2 GB x (2048 / 1024) = 41 s; 730 x 41 s x 1 GB = 29,930 GB-s
    assert usd(items, "duration (arm64)") == pytest.approx(29_930 * 0.0000133334)
    assert usd(items, "requests") == pytest.approx(730 * 0.0000002)
    # (2,560 - 512) MB = 2 GB of /tmp x 41 s x 730
    assert usd(items, "ephemeral storage") == pytest.approx(59_860 * 0.0000000309)
    assert usd(items, "custom metrics (EMF)") == pytest.approx(2 * 0.30)
    assert "traces recorded" not in [i.component for i in items]  # called by the orchestrator: not a trace root
    assert warnings == [
        "one invocation needs 41 s at 1024 MB but the timeout is 30 s: a 2 GB file does not fit one invocation"
    ]


def test_a_parallel_pass_speeds_up_on_the_vcpus_its_memory_gives() -> None:
    parallel_step = {**BASE_FUNCTIONS["step"], "parallel": {"threads": 2, "speedup": 1.6}}
    functions = {**BASE_FUNCTIONS, "step": parallel_step}
    seconds = {}
    for memory in (1024, 2048, 3072, 4096, 8192):
        ctx = context({"aws_lambda_function": {"step": {**STEP, "memory_size": memory}}}, functions=functions)
        usage = ctx.profile.functions["step"]
        seconds[memory] = compute.duration(ctx, resource(ctx, "aws_lambda_function", "step"), usage)
    # 1 s + 20 s (10 s/GB x 2 GB at one vCPU) x factor; speedup 1.6 at 2 threads = 75 % parallel
    assert seconds == pytest.approx({
        1024: 1 + 20 * 2.0,  # half a vCPU
        2048: 1 + 20 * 1.0,  # one vCPU
        3072: 1 + 20 * 0.75,  # 1.5 vCPUs: 0.25 + 0.75 / 1.5
        4096: 1 + 20 * 0.625,  # 2 vCPUs: 1 / 1.6
        8192: 1 + 20 * 0.625,  # 4 vCPUs: no more than the 2 threads measured
    })  # fmt: skip
    ctx = context({"aws_lambda_function": {"step": {**STEP, "memory_size": 4096}}}, functions=functions)
    items, _ = compute.lambda_function(ctx, resource(ctx, "aws_lambda_function", "step"))
    # 730 x 13.5 s x 4 GB = 39,420 GB-s
    assert usd(items, "duration (arm64)") == pytest.approx(39_420 * 0.0000133334)


def test_x86_by_default_and_an_orchestrator_pays_while_it_waits() -> None:
    ctx = context({"aws_lambda_function": {"step": STEP, "orch": ORCH}})
    items, warnings = compute.lambda_function(ctx, resource(ctx, "aws_lambda_function", "orch"))
    # 0.5 s + the step's 41 s at the step's memory; 730 x 41.5 s x 0.5 GB = 15,147.5 GB-s at the x86 rate
    assert usd(items, "duration (x86_64)") == pytest.approx(15_147.5 * 0.0000166667)
    assert usd(items, "requests") == pytest.approx(FILES * 0.0000002)
    assert usd(items, "traces recorded") == pytest.approx(FILES * 0.000005)
    assert "ephemeral storage" not in [i.component for i in items]  # 512 MB is free
    assert warnings == []


def test_a_function_without_usage_is_not_priced() -> None:
    ctx = context({"aws_lambda_function": {"other": {**STEP, "function_name": "someone-elses"}}})
    with pytest.raises(NoUsage, match="no usage for function someone-elses in the profile"):
        compute.lambda_function(ctx, resource(ctx, "aws_lambda_function", "other"))


def test_an_orchestrator_whose_steps_are_missing_is_not_priced() -> None:
    ctx = context({"aws_lambda_function": {"orch": ORCH}})
    with pytest.raises(NoUsage, match=r"waits for step \(fn-step\): 0 functions in the stack match, need 1"):
        compute.lambda_function(ctx, resource(ctx, "aws_lambda_function", "orch"))


def test_a_memory_size_unknown_at_synth_is_not_priced() -> None:
    ctx = context({"aws_lambda_function": {"step": {**STEP, "memory_size": "${var.memory}"}}})
    with pytest.raises(NoUsage, match="memory_size is not a number at synth"):
        compute.lambda_function(ctx, resource(ctx, "aws_lambda_function", "step"))


DEFINITION = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Task", "Next": "C", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F1"}]},
        "C": {"Type": "Task", "End": True},
        "F1": {"Type": "Pass", "Next": "F2"},
        "F2": {"Type": "Fail"},
    },
}


def machine(definition: dict, **extra: object) -> dict:
    return {"name": "sm", "definition": json.dumps(definition), **extra}


def test_state_transitions_counted_from_the_definition() -> None:
    ctx = context({"aws_sfn_state_machine": {"sm": machine(DEFINITION, tracing_configuration={"enabled": True})}})
    items, _ = compute.state_machine(ctx, resource(ctx, "aws_sfn_state_machine", "sm"))
    # 730 executions x (3 success states + 0.01 failed x 2 Catch states + 0.02 retries) = 2,219.2
    assert items[0].quantity == pytest.approx(2_219.2)
    assert usd(items, "state transitions") == pytest.approx(2_219.2 * 0.000025)
    assert usd(items, "traces recorded") == pytest.approx(730 * 0.000005)


def test_a_choice_counts_its_default_path() -> None:
    choosing = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericGreaterThan": 1, "Next": "C"}],
                  "Default": "B"},
            "B": {"Type": "Pass", "Next": "D"},
            "C": {"Type": "Map", "ItemProcessor": {}, "End": True},
            "D": {"Type": "Succeed"},
        },
    }  # fmt: skip
    ctx = context({"aws_sfn_state_machine": {"sm": machine(choosing)}})
    items, _ = compute.state_machine(ctx, resource(ctx, "aws_sfn_state_machine", "sm"))
    assert "3 states on the success path" in items[0].basis  # A (the Choice), B, D: the Map is never entered


def test_a_branching_definition_needs_the_profile() -> None:
    branching = {
        "StartAt": "A",
        "States": {"A": {"Type": "Map", "ItemProcessor": {}, "Next": "B"}, "B": {"Type": "Succeed"}},
    }
    ctx = context({"aws_sfn_state_machine": {"sm": machine(branching)}})
    sm = resource(ctx, "aws_sfn_state_machine", "sm")
    with pytest.raises(NoUsage, match=r"set state_machines\.transitions_per_execution"):
        compute.state_machine(ctx, sm)
    ctx = context(
        {"aws_sfn_state_machine": {"sm": machine(branching)}},
        state_machines={"transitions_per_execution": 7},
    )
    items, _ = compute.state_machine(ctx, resource(ctx, "aws_sfn_state_machine", "sm"))
    assert items[0].quantity == pytest.approx(730 * 7)


def test_express_workflows_are_not_priced() -> None:
    ctx = context({"aws_sfn_state_machine": {"sm": machine(DEFINITION, type="EXPRESS")}})
    with pytest.raises(NoUsage, match="EXPRESS"):
        compute.state_machine(ctx, resource(ctx, "aws_sfn_state_machine", "sm"))
