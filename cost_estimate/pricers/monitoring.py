"""CloudWatch Logs log groups (ingestion by their producers, storage under retention), alarms and
dashboards."""

from __future__ import annotations

import math
from collections.abc import Callable

from aspects.tfjson import Resource
from cost_estimate import formulas
from cost_estimate.context import Context, NoUsage, block, references
from cost_estimate.model import LineItem
from cost_estimate.pricers.compute import transitions_per_month, usage_of
from cost_estimate.profile import DAYS_PER_MONTH

CLOUDWATCH = "Amazon CloudWatch"
GB = 1024**3


def _producers(ctx: Context, group: Resource) -> list[tuple[str, str, float | None]]:
    """(what, ingestion price key, bytes a month or None when unknown) of everything logging here."""
    found: list[tuple[str, str, float | None]] = []
    name = group.config.get("name")
    for function in ctx.view.of_type("aws_lambda_function"):
        configured = block(function.config.get("logging_config")).get("log_group")
        default = f"/aws/lambda/{function.config.get('function_name')}"
        refers = (group.type, group.name) in references(configured) or configured == name
        if refers or (configured is None and default == name):
            try:
                _, usage = usage_of(ctx, function)
                volume: float | None = (
                    ctx.profile.files_per_month * usage.invocations_per_file * usage.log_bytes_per_invocation
                )
            except NoUsage:
                volume = None
            found.append((f"function {function.config.get('function_name')}", "logs.ingestion.standard", volume))
    for machine in ctx.view.referring_to(group, "aws_sfn_state_machine", "logging_configuration"):
        if block(machine.config.get("logging_configuration")).get("level", "OFF") == "OFF":
            continue
        try:
            volume = transitions_per_month(ctx, machine) * ctx.profile.state_machines.log_bytes_per_transition
        except NoUsage:
            volume = None
        found.append((f"state machine {machine.config.get('name')}", "logs.ingestion.vended", volume))
    for _flow_log in ctx.view.referring_to(group, "aws_flow_log", "log_destination"):
        volume = ctx.profile.logs.flow_log_bytes_per_day * DAYS_PER_MONTH
        found.append(("VPC flow log", "logs.ingestion.vended", volume))
    return found


def log_group(ctx: Context, group: Resource) -> tuple[list[LineItem], list[str]]:
    producers = _producers(ctx, group)
    if not producers:
        raise NoUsage("nothing in the stack logs here (no function, state machine or flow log refers to it)")
    items = []
    ingested_gb = 0.0
    for what, key, volume in producers:
        if volume is None:
            items.append(
                LineItem(CLOUDWATCH, f"ingestion from {what}", 0, "GB", None, "", reason="no usage in the profile")
            )
            continue
        ingested_gb += volume / GB
        items.append(
            ctx.line(
                key,
                volume / GB,
                service=CLOUDWATCH,
                component=f"log ingestion ({what})",
                unit="GB",
                basis=f"{volume / 1e6:,.1f} MB a month from the profile",
            )
        )
    retention = group.config.get("retention_in_days", 0)
    keep = math.inf if not retention else float(retention)
    per_day = ingested_gb / DAYS_PER_MONTH * ctx.profile.logs.stored_fraction
    stored = formulas.average_held(per_day, age_from=0, age_to=keep, month=ctx.profile.month)
    items.append(
        ctx.line(
            "logs.storage",
            stored,
            service=CLOUDWATCH,
            component="log storage",
            unit="GB-months",
            basis=f"month {ctx.profile.month}, retention {retention or 'never expires'} days",
        )
    )
    return items, []


def metric_alarm(ctx: Context, alarm: Resource) -> tuple[list[LineItem], list[str]]:
    queries = alarm.config.get("metric_query") or []
    if any(isinstance(q, dict) and "ANOMALY_DETECTION_BAND" in str(q.get("expression", "")) for q in queries):
        raise NoUsage("anomaly detection alarms are priced per band metric: not in the snapshot")
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric") is not None) if queries else 1
    period = alarm.config.get("period", 60)
    resolution = "high_resolution" if isinstance(period, int | float) and period < 60 else "standard"
    return [
        ctx.line(
            f"cloudwatch.alarm.{resolution}",
            metrics,
            service=CLOUDWATCH,
            component=f"alarm ({resolution.replace('_', ' ')})",
            unit="alarm metrics",
            basis=f"{metrics} metric(s), period {period} s",
        )
    ], []


def one_a_month(
    price_key: str, component: str, unit: str
) -> Callable[[Context, Resource], tuple[list[LineItem], list[str]]]:
    """A pricer for resources billed as one unit a month whatever they do (dashboards, composite alarms)."""

    def pricer(ctx: Context, resource: Resource) -> tuple[list[LineItem], list[str]]:
        return [ctx.line(price_key, 1, service=CLOUDWATCH, component=component, unit=unit, basis="one a month")], []

    return pricer


composite_alarm = one_a_month("cloudwatch.alarm.composite", "composite alarm", "alarms")
dashboard = one_a_month("cloudwatch.dashboard", "dashboard", "dashboards")
