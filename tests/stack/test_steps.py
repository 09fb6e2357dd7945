"""The table of steps: each row names a real handler, the workflow invokes each row's function from its
state, and the usage profile prices each row's function."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cost_estimate import profile
from stack.constructs.workflow_definition import MAP_ITEMS, FanOut, build_definition
from stack.steps import BY_NAME, BY_STATE, FANOUT, NAMES, RESOURCES, SINGLE_PATH, STEPS

FUNCTIONS = Path(__file__).resolve().parents[2] / "handlers" / "functions"


def test_names_and_states_are_unique_and_every_row_is_on_one_path() -> None:
    assert len(BY_NAME) == len(BY_STATE) == len(STEPS)
    assert (*SINGLE_PATH, *FANOUT) == STEPS
    assert tuple(s.name for s in STEPS) == NAMES


def test_every_row_names_a_handler_that_reports_under_that_name() -> None:
    for step in STEPS:
        app = (FUNCTIONS / step.name / "app.py").read_text()
        assert set(re.findall(r'observability\.\w+\("([a-z]+)"\)', app)) == {step.name}, step.name
    assert sorted(p.name for p in FUNCTIONS.iterdir() if (p / "app.py").exists()) == sorted(NAMES)


def test_iam_needs_name_known_resources_only() -> None:
    for step in STEPS:
        assert step.access, step.name
        for access in step.access:
            assert set(access.resources) <= set(RESOURCES), (step.name, access.sid)


def _tasks(states: dict[str, Any], inside: str | None = None) -> dict[str, tuple[str | None, str]]:
    """Task state name -> (the Map it is inside, the function it invokes)."""
    found: dict[str, tuple[str | None, str]] = {}
    for name, state in states.items():
        if state["Type"] == "Task" and "FunctionName" in state.get("Parameters", {}):
            found[name] = (inside, state["Parameters"]["FunctionName"])
        elif state["Type"] == "Map":
            found |= _tasks(state["ItemProcessor"]["States"], inside=name)
    return found


def test_the_workflow_invokes_each_rows_function_from_its_state() -> None:
    definition = build_definition(
        function_arns={s.state: f"arn:{s.name}" for s in STEPS},
        function_timeouts={s.state: s.settings.timeout_seconds for s in STEPS},
        table_name="t",
        alert_topic_arn="arn:topic",
        fanout=FanOut(threshold_bytes=2**30, max_concurrency=10),
    )
    assert _tasks(definition["States"]) == {s.state: (s.map_state, f"arn:{s.name}") for s in STEPS}
    assert set(MAP_ITEMS) == {s.name for s in STEPS if s.map_state}
    failed = {st["Result"] for name, st in definition["States"].items() if name.endswith("Failed") and "Result" in st}
    assert failed == set(NAMES)


def test_the_usage_profile_prices_every_steps_function() -> None:
    usage = profile.load()
    assert [usage.function_for(f"lambda-{name}-dev")[0] for name in NAMES] == list(NAMES)
