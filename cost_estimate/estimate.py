"""Estimate: every managed resource of the synthesized stacks through the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cost_estimate.catalog import rule_for
from cost_estimate.context import Context, Free, NoUsage, StackView
from cost_estimate.model import FREE, NOT_PRICED, PRICED, Estimate, ResourceCost
from cost_estimate.prices import PriceBook
from cost_estimate.profile import Profile
from tag_audit.static import ExpectedResource, Stack, load_stacks


def price_resource(ctx: Context, expected: ExpectedResource) -> ResourceCost:
    resource = expected.resource
    rule = rule_for(resource.type)
    cost = ResourceCost(
        stack=expected.stack,
        address=resource.address,
        type=resource.type,
        service=rule.service,
        status=rule.kind,
        reason=rule.free or rule.not_priced,
        tags=expected.tags,
        taggable=expected.taggable,
    )
    if rule.pricer is None:
        return cost
    try:
        cost.items, cost.warnings = rule.pricer(ctx, resource)
    except Free as why:
        cost.status, cost.reason = FREE, str(why)
    except NoUsage as why:
        cost.status, cost.reason = NOT_PRICED, str(why)
    else:
        if cost.items and all(item.usd is None for item in cost.items):
            cost.status, cost.reason = NOT_PRICED, "; ".join(sorted({i.reason for i in cost.items}))
        else:
            cost.status = PRICED
    return cost


def estimate_stacks(
    stacks: Sequence[Stack], profile: Profile, prices: PriceBook, *, source: str, profile_path: str
) -> Estimate:
    if profile.region != prices.region:
        raise ValueError(f"the profile is for {profile.region} but the price snapshot for {prices.region}")
    resources = []
    for stack in stacks:
        ctx = Context(StackView(stack), profile, prices)
        resources += [price_resource(ctx, expected) for expected in ctx.view.resources]
    return Estimate(
        scopes=tuple(s.name for s in stacks),
        source=source,
        profile_name=profile.name,
        profile_path=profile_path,
        month=profile.month,
        prices_label=prices.label,
        resources=resources,
    )


def estimate_paths(paths: Sequence[Path], profile: Profile, prices: PriceBook, *, profile_path: str) -> Estimate:
    return estimate_stacks(
        load_stacks(paths), profile, prices, source=", ".join(str(p) for p in paths), profile_path=profile_path
    )
