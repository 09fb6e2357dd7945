"""AWS Lambda functions and Step Functions state machines."""

from __future__ import annotations

import json
from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from aspects.tfjson import Resource
from cost_estimate import formulas
from cost_estimate.context import Context, NoUsage, block, literal
from cost_estimate.model import LineItem
from cost_estimate.profile import FunctionUsage

LAMBDA, STATES, CLOUDWATCH, XRAY = "AWS Lambda", "AWS Step Functions", "Amazon CloudWatch", "AWS X-Ray"
DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, DEFAULT_EPHEMERAL_MB = 128, 3, 512


def _number(resource: Resource, key: str, default: float) -> float:
    value = resource.config.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise NoUsage(f"{key} is not a number at synth ({value!r})")
    return float(value)


def architecture(resource: Resource) -> str:
    architectures = resource.config.get("architectures") or ["x86_64"]
    return str(architectures[0])


def usage_of(ctx: Context, function: Resource) -> tuple[str, FunctionUsage]:
    name = literal(function, "function_name")
    found = ctx.profile.function_for(name)
    if found is None:
        raise NoUsage(f"no usage for function {name} in the profile (no functions.<name>.match matches it)")
    return found


def duration(ctx: Context, function: Resource, usage: FunctionUsage, _seen: frozenset[str] = frozenset()) -> float:
    """Seconds of one invocation of ``function``; an orchestrator waits for the functions it invokes."""
    if not usage.waits_for:
        parallel = usage.parallel
        share = 0.0
        if parallel is not None:
            share = formulas.parallel_fraction(speedup=parallel.speedup, threads=parallel.threads)
        return formulas.lambda_duration(
            fixed_seconds=usage.fixed_seconds,
            cpu_seconds_per_gb=usage.cpu_seconds_per_gb,
            file_gb=ctx.profile.workload.file_size_gb,
            memory_mb=_number(function, "memory_size", DEFAULT_MEMORY_MB),
            memory_mb_per_vcpu=ctx.profile.lambda_.memory_mb_per_vcpu,
            parallel_fraction=share,
            max_threads=1 if parallel is None else parallel.threads,
        )
    total = usage.fixed_seconds
    for key in usage.waits_for:
        if key in _seen:
            raise NoUsage(f"functions.{key}.waits_for forms a cycle")
        other = ctx.profile.functions[key]
        targets = ctx.functions_matching(other.match)
        if len(targets) != 1:
            raise NoUsage(f"waits for {key} ({other.match}): {len(targets)} functions in the stack match, need 1")
        total += other.invocations_per_file * duration(ctx, targets[0], other, _seen | {key})
    return total


def traces(ctx: Context, roots: float, what: str) -> LineItem:
    """X-Ray traces recorded: one per sampled invocation or execution that starts a trace."""
    sampled = ctx.profile.xray.sampled_fraction
    return ctx.line(
        "xray.traces_recorded", roots * sampled, service=XRAY, component="traces recorded", unit="traces",
        basis=f"{what} x sampled {sampled:g}",
    )  # fmt: skip


def lambda_function(ctx: Context, function: Resource) -> tuple[list[LineItem], list[str]]:
    key, usage = usage_of(ctx, function)
    arch = architecture(function)
    memory = _number(function, "memory_size", DEFAULT_MEMORY_MB)
    storage = float(block(function.config.get("ephemeral_storage")).get("size", DEFAULT_EPHEMERAL_MB))
    seconds = duration(ctx, function, usage)
    invocations = ctx.profile.files_per_month * usage.invocations_per_file
    where = f"{invocations:,.0f} invocations (functions.{key})"
    items = [
        ctx.line(
            f"lambda.duration.{arch}",
            formulas.gb_seconds(invocations, seconds, memory),
            service=LAMBDA,
            component=f"duration ({arch})",
            unit="GB-s",
            basis=f"{where} x {seconds:,.1f} s x {memory / 1024:g} GB",
        ),
        ctx.line(
            f"lambda.requests.{arch}", invocations, service=LAMBDA, component="requests", unit="requests", basis=where
        ),
    ]
    if storage > formulas.FREE_EPHEMERAL_MB:
        items.append(
            ctx.line(
                f"lambda.ephemeral_storage.{arch}",
                formulas.ephemeral_gb_seconds(invocations, seconds, storage),
                service=LAMBDA,
                component="ephemeral storage",
                unit="GB-s",
                basis=f"{where} x {seconds:,.1f} s x ({storage:g} - 512) MB",
            )
        )
    if usage.custom_metrics:
        items.append(
            ctx.line(
                "cloudwatch.metrics",
                usage.custom_metrics,
                service=CLOUDWATCH,
                component="custom metrics (EMF)",
                unit="metrics",
                basis=f"functions.{key}.custom_metrics",
            )
        )
    if block(function.config.get("tracing_config")).get("mode") == "Active" and usage.starts_trace:
        items.append(traces(ctx, invocations, where))
    warnings = []
    timeout = _number(function, "timeout", DEFAULT_TIMEOUT_S)
    if seconds > timeout:
        warnings.append(
            f"one invocation needs {seconds:,.0f} s at {memory:g} MB but the timeout is {timeout:g} s: "
            f"a {ctx.profile.workload.file_size_gb:g} GB file does not fit one invocation"
        )
    return items, warnings


def definition_of(machine: Resource) -> Mapping[str, Any]:
    text = machine.config.get("definition")
    try:
        definition = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        definition = None
    if not isinstance(definition, Mapping) or not isinstance(definition.get("States"), Mapping):
        raise NoUsage("the state machine definition is not literal Amazon States Language JSON at synth")
    return definition


def path_length(states: Mapping[str, Any], start: str | None) -> int | None:
    """States entered from ``start`` following ``Next`` to the end, a Choice by its ``Default`` (the files no
    rule picks out, e.g. the pipeline's single-function path for files under the fan-out threshold); None
    where the path runs a Parallel or Map and only the profile can say how many transitions it makes."""
    count, name, seen = 0, start, set()
    while name is not None:
        state = states.get(name)
        if not isinstance(state, Mapping) or name in seen or state.get("Type") in ("Parallel", "Map"):
            return None
        seen.add(name)
        count += 1
        if state.get("End") or state.get("Type") in ("Succeed", "Fail"):
            return count
        name = state.get("Default") if state.get("Type") == "Choice" else state.get("Next")
    return None


def catch_path(states: Mapping[str, Any]) -> int:
    """Length of the failure path a task's ``States.ALL`` Catch leads to (0 when nothing catches)."""
    for state in states.values():
        for catcher in state.get("Catch", []) if isinstance(state, Mapping) else []:
            if "States.ALL" in catcher.get("ErrorEquals", []):
                return path_length(states, catcher.get("Next")) or 0
    return 0


def state_machine(ctx: Context, machine: Resource) -> tuple[list[LineItem], list[str]]:
    settings = ctx.profile.state_machines
    name = literal(machine, "name")
    if not fnmatchcase(name, settings.match):
        raise NoUsage(f"state machine {name} does not match state_machines.match ({settings.match})")
    if machine.config.get("type", "STANDARD") != "STANDARD":
        raise NoUsage("EXPRESS workflows are priced per request and GB-second: not in the price snapshot")
    executions = ctx.profile.files_per_month * settings.executions_per_file
    if settings.transitions_per_execution == "auto":
        states = definition_of(machine)["States"]
        happy = path_length(states, definition_of(machine).get("StartAt"))
        if happy is None:
            raise NoUsage("the definition runs a Parallel or Map: set state_machines.transitions_per_execution")
        failure = catch_path(states)
        how = f"{happy} states on the success path, {failure} on the Catch path (from the definition)"
    else:
        happy, failure = int(settings.transitions_per_execution), 0
        how = "state_machines.transitions_per_execution"
    count = formulas.transitions(
        executions=executions,
        happy_path=happy,
        catch_path=failure,
        failed_fraction=ctx.profile.workload.failed_fraction,
        retries_per_execution=settings.retries_per_execution,
    )
    items = [
        ctx.line(
            "states.standard.transitions",
            count,
            service=STATES,
            component="state transitions",
            unit="transitions",
            basis=f"{executions:,.0f} executions; {how}; failed {ctx.profile.workload.failed_fraction:g}, "
            f"retries {settings.retries_per_execution:g} per execution",
        )
    ]
    if block(machine.config.get("tracing_configuration")).get("enabled") is True:
        items.append(traces(ctx, executions, f"{executions:,.0f} executions"))
    return items, []


def transitions_per_month(ctx: Context, machine: Resource) -> float:
    """State transitions a month (for the execution log volume of the machine's log group)."""
    items, _ = state_machine(ctx, machine)
    return items[0].quantity
