"""AWS KMS customer managed keys and SSM parameters."""

from __future__ import annotations

from aspects.tfjson import Resource
from cost_estimate import formulas
from cost_estimate.context import Context, Free, NoUsage
from cost_estimate.model import LineItem

KMS, SSM = "AWS KMS", "AWS Systems Manager"
DEFAULT_ROTATION_DAYS = 365


def kms_key(ctx: Context, key: Resource) -> tuple[list[LineItem], list[str]]:
    keys = len(ctx.view.of_type("aws_kms_key"))
    items = [ctx.line("kms.customer_managed_key", 1, service=KMS, component="key", unit="key-months", basis="one key")]
    if key.config.get("enable_key_rotation") is True:
        period = key.config.get("rotation_period_in_days", DEFAULT_ROTATION_DAYS)
        if not isinstance(period, int | float):
            raise NoUsage(f"rotation_period_in_days is not a number at synth ({period!r})")
        rotations = formulas.key_rotations(ctx.profile.month, float(period))
        items.append(
            ctx.line(
                "kms.key_rotation",
                rotations,
                service=KMS,
                component="rotated key versions",
                unit="key-months",
                basis=f"month {ctx.profile.month}, rotation every {period} days (first two rotations billed)",
            )
        )
    files = ctx.profile.files_per_month
    requests = (files * ctx.profile.kms.requests_per_file + ctx.profile.kms.requests_per_month) / keys
    items.append(
        ctx.line(
            "kms.requests",
            requests,
            service=KMS,
            component="requests",
            unit="requests",
            basis=f"{files:,.0f} files x {ctx.profile.kms.requests_per_file:g} + "
            f"{ctx.profile.kms.requests_per_month:,.0f} a month, split over {keys} key(s)",
        )
    )
    return items, []


def ssm_parameter(ctx: Context, parameter: Resource) -> tuple[list[LineItem], list[str]]:
    tier = parameter.config.get("tier", "Standard")
    if tier == "Standard":
        raise Free("Standard-tier parameters have no storage charge (standard throughput API calls are free)")
    if tier != "Advanced":
        raise NoUsage(f"tier {tier!r} is decided by AWS at apply: Standard (free) or Advanced ($0.05/month)")
    return [
        ctx.line(
            "ssm.advanced_parameter",
            1,
            service=SSM,
            component="advanced parameter",
            unit="parameter-months",
            basis="one parameter",
        )
    ], []
