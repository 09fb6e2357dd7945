"""Amazon S3 buckets (storage classes over time under their lifecycle rules, requests, transitions)
and Amazon DynamoDB tables (on-demand or provisioned, storage, point-in-time recovery)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from aspects.tfjson import Resource
from cost_estimate import formulas
from cost_estimate.context import Context, NoUsage, block, literal
from cost_estimate.model import LineItem
from cost_estimate.profile import HOURS_PER_MONTH, ObjectStream

S3, DYNAMODB = "Amazon S3", "Amazon DynamoDB"
GB = 1024**3
ARCHIVE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")  # each object also keeps 32 KB there and 8 KB in STANDARD
ARCHIVE_OVERHEAD_GB, STANDARD_OVERHEAD_GB = 32 / 1024 / 1024, 8 / 1024 / 1024


@dataclass(frozen=True)
class Lifecycle:
    """Where an object lives by age: (storage class, from day, to day) segments, then expiry."""

    rule: str
    segments: tuple[tuple[str, float, float], ...]

    @classmethod
    def none(cls) -> Lifecycle:
        return cls("no lifecycle rule", (("STANDARD", 0.0, math.inf),))


def lifecycle_rules(ctx: Context, bucket: Resource) -> list[tuple[str, Lifecycle]]:
    """(prefix, lifecycle) of every enabled rule of the bucket's lifecycle configurations."""
    rules = []
    for config in ctx.view.referring_to(bucket, "aws_s3_bucket_lifecycle_configuration", "bucket"):
        for rule in config.config.get("rule") or []:
            if rule.get("status") != "Enabled":
                continue
            selector = block(rule.get("filter"))
            if set(selector) - {"prefix"}:
                raise NoUsage(
                    f"lifecycle rule {rule.get('id')!r} filters on {sorted(selector)}: only prefixes are modelled"
                )
            prefix = selector.get("prefix", rule.get("prefix", "")) or ""
            steps = sorted(
                (float(t["days"]), str(t["storage_class"])) for t in rule.get("transition") or [] if "days" in t
            )
            expiry = float(block(rule.get("expiration")).get("days", math.inf))
            classes = ["STANDARD"] + [c for _, c in steps]
            bounds = [0.0] + [d for d, _ in steps] + [expiry]
            segments = tuple(
                (c, lo, min(hi, expiry)) for c, lo, hi in zip(classes, bounds, bounds[1:], strict=False) if lo < expiry
            )
            rules.append((prefix, Lifecycle(f"rule {rule.get('id', '?')}", segments)))
    return rules


def lifecycle_for(stream: ObjectStream, rules: list[tuple[str, Lifecycle]]) -> Lifecycle:
    """The rule with the longest prefix the stream's prefix starts with (none: kept in STANDARD forever)."""
    matching = [(len(p), lc) for p, lc in rules if stream.prefix.startswith(p)]
    return max(matching, key=lambda m: m[0])[1] if matching else Lifecycle.none()


def s3_bucket(ctx: Context, bucket: Resource) -> tuple[list[LineItem], list[str]]:
    name = literal(bucket, "bucket")
    found = ctx.profile.bucket_for(name)
    if found is None:
        raise NoUsage(f"no usage for bucket {name} in the profile (no buckets.<name>.match matches it)")
    key, usage = found
    profile, month = ctx.profile, ctx.profile.month
    files_per_day, file_gb = profile.workload.files_per_day, profile.workload.file_size_gb
    rules = lifecycle_rules(ctx, bucket)
    held: dict[str, float] = defaultdict(float)
    archived: dict[str, float] = defaultdict(float)  # objects held in an archive class
    transitions: dict[str, float] = defaultdict(float)
    tier1_per_file = usage.extra_tier1_requests_per_file
    rules_used: dict[str, list[str]] = defaultdict(list)  # lifecycle -> the prefixes it governs
    for stream in usage.streams:
        lifecycle = lifecycle_for(stream, rules)
        rules_used[lifecycle.rule].append(stream.prefix)
        gb_per_day = files_per_day * file_gb * stream.size_ratio
        objects_per_day = files_per_day * stream.objects_per_file
        for storage_class, age_from, age_to in lifecycle.segments:
            held[storage_class] += formulas.average_held(gb_per_day, age_from=age_from, age_to=age_to, month=month)
            if storage_class in ARCHIVE_CLASSES:
                archived[storage_class] += formulas.average_held(
                    objects_per_day, age_from=age_from, age_to=age_to, month=month
                )
            if age_from > 0:
                transitions[storage_class] += formulas.reaching_age(objects_per_day, age=age_from, month=month)
        object_gb = file_gb * stream.size_ratio / stream.objects_per_file
        tier1_per_file += stream.objects_per_file * formulas.put_requests(object_gb, stream.part_mb)
    for storage_class, objects in archived.items():
        held[storage_class] += objects * ARCHIVE_OVERHEAD_GB
        held["STANDARD"] += objects * STANDARD_OVERHEAD_GB
    governed = "; ".join(f"{rule}: {', '.join(prefixes)}" for rule, prefixes in sorted(rules_used.items()))
    basis = f"month {month}, {files_per_day:g} files/day (buckets.{key}); {governed}"
    items = [
        ctx.line(
            f"s3.storage.{storage_class}",
            gb,
            service=S3,
            component=f"storage {storage_class}",
            unit="GB-months",
            basis=f"average held over the month; {basis}",
        )
        for storage_class, gb in sorted(held.items())
    ]
    items += [
        ctx.line(
            f"s3.transition.{storage_class}",
            count,
            service=S3,
            component=f"lifecycle transitions to {storage_class}",
            unit="requests",
            basis=f"objects turning the transition age this month; {basis}",
        )
        for storage_class, count in sorted(transitions.items())
    ]
    files = profile.files_per_month
    items.append(
        ctx.line(
            "s3.requests.tier1",
            files * tier1_per_file,
            service=S3,
            component="PUT/COPY/POST/LIST requests",
            unit="requests",
            basis=f"{files:,.0f} files x {tier1_per_file:,.0f} (multipart parts included)",
        )
    )
    items.append(
        ctx.line(
            "s3.requests.tier2",
            files * usage.tier2_requests_per_file,
            service=S3,
            component="GET/HEAD requests",
            unit="requests",
            basis=f"{files:,.0f} files x {usage.tier2_requests_per_file:g}",
        )
    )
    return items, []


def dynamodb_table(ctx: Context, table: Resource) -> tuple[list[LineItem], list[str]]:
    name = literal(table, "name")
    found = ctx.profile.table_for(name)
    if found is None:
        raise NoUsage(f"no usage for table {name} in the profile (no tables.<name>.match matches it)")
    key, usage = found
    files = ctx.profile.files_per_month
    where = f"{files:,.0f} files (tables.{key})"
    items: list[LineItem] = []
    warnings: list[str] = []
    writes, reads = files * usage.write_units_per_file, files * usage.read_units_per_file
    if table.config.get("billing_mode", "PROVISIONED") == "PAY_PER_REQUEST":
        for kind, quantity, per_file in (("write", writes, usage.write_units_per_file),
                                         ("read", reads, usage.read_units_per_file)):  # fmt: skip
            items.append(
                ctx.line(
                    f"dynamodb.on_demand.{kind}_request_units",
                    quantity,
                    service=DYNAMODB,
                    component=f"{kind} request units",
                    unit=f"{kind[0].upper()}RU",
                    basis=f"{where} x {per_file:g}",
                )
            )
    else:
        for kind, units, demand in (("write", "write_capacity", writes), ("read", "read_capacity", reads)):
            capacity = table.config.get(units, 0)
            if not isinstance(capacity, int | float):
                raise NoUsage(f"{units} is not a number at synth ({capacity!r})")
            items.append(
                ctx.line(
                    f"dynamodb.provisioned.{kind}_capacity_unit_hours",
                    capacity * HOURS_PER_MONTH,
                    service=DYNAMODB,
                    component=f"provisioned {kind} capacity",
                    unit=f"{kind[0].upper()}CU-hours",
                    basis=f"{units} {capacity:g} x {HOURS_PER_MONTH:g} h",
                )
            )
            average = demand / (HOURS_PER_MONTH * 3600)
            if average > capacity:
                warnings.append(f"{units} {capacity:g} is below the average demand of {average:.2f} units/s")
    month = ctx.profile.month
    per_day = ctx.profile.workload.files_per_day / GB
    stored = formulas.average_held(
        per_day * usage.expiring_bytes_per_file, age_from=0, age_to=usage.expiring_after_days, month=month
    ) + formulas.average_held(per_day * usage.kept_bytes_per_file, age_from=0, age_to=math.inf, month=month)
    storage_basis = (
        f"month {month}: {usage.expiring_bytes_per_file:g} B/file kept {usage.expiring_after_days:g} days (TTL) + "
        f"{usage.kept_bytes_per_file:g} B/file kept"
    )
    items.append(
        ctx.line(
            "dynamodb.storage", stored, service=DYNAMODB, component="storage", unit="GB-months", basis=storage_basis
        )
    )
    if block(table.config.get("point_in_time_recovery")).get("enabled") is True:
        items.append(
            ctx.line(
                "dynamodb.pitr_storage",
                stored,
                service=DYNAMODB,
                component="point-in-time recovery",
                unit="GB-months",
                basis="continuous backups of the table size",
            )
        )
    if table.config.get("global_secondary_index"):
        items.append(
            LineItem(DYNAMODB, "global secondary indexes", 0, "", None, "", reason="index usage is not in the profile")
        )
    if table.config.get("table_class", "STANDARD") != "STANDARD":
        items.append(
            LineItem(
                DYNAMODB, "table class", 0, "", None, "", reason=f"{table.config['table_class']} is not in the snapshot"
            )
        )
    return items, warnings
