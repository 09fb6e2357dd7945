"""S3 buckets and DynamoDB tables against hand-computed values (test profile: 24 files a day of 2 GB,
month 12; D = 730 / 24 days a month)."""

from __future__ import annotations

import pytest

from cost_estimate.context import NoUsage
from cost_estimate.pricers import storage
from cost_estimate.profile import DAYS_PER_MONTH as D
from tests.cost_estimate.conftest import FILES, context, resource, usd

BUCKET = {"bucket": "bucket-a"}
LIFECYCLE = {
    "bucket": "${aws_s3_bucket.b.id}",
    "rule": [
        {
            "id": "tier",
            "status": "Enabled",
            "filter": [{"prefix": ""}],
            "transition": [{"days": 90, "storage_class": "GLACIER"}],
            "expiration": [{"days": 2555}],
        }
    ],
}
KB = 1 / 1024 / 1024  # in GB


def test_bucket_with_a_glacier_transition_in_month_12() -> None:
    ctx = context({"aws_s3_bucket": {"b": BUCKET}, "aws_s3_bucket_lifecycle_configuration": {"l": LIFECYCLE}})
    items, _ = storage.s3_bucket(ctx, resource(ctx, "aws_s3_bucket", "b"))
    gb_per_day = 24 * (2 + 1)  # raw 2 GB + out 1 GB per file
    objects_per_day = 24 * 3
    archived_objects = objects_per_day * (11.5 * D - 90)  # mean age over month 12 minus the 90 days in STANDARD
    standard = gb_per_day * 90 + archived_objects * 8 * KB
    glacier = gb_per_day * (11.5 * D - 90) + archived_objects * 32 * KB
    assert usd(items, "storage STANDARD") == pytest.approx(standard * 0.023)
    assert usd(items, "storage GLACIER") == pytest.approx(glacier * 0.0036)
    assert usd(items, "lifecycle transitions to GLACIER") == pytest.approx(objects_per_day * D * 0.00003)
    # per file: raw 2,048 MB / 8 = 256 parts + 2; out: 2 objects of 512 MB = 2 x (64 + 2)
    assert usd(items, "PUT/COPY/POST/LIST requests") == pytest.approx(FILES * 390 * 0.000005)
    assert usd(items, "GET/HEAD requests") == pytest.approx(FILES * 4 * 0.0000004)


def test_bucket_without_lifecycle_keeps_everything_in_standard() -> None:
    ctx = context({"aws_s3_bucket": {"b": BUCKET}}, month=24)
    items, _ = storage.s3_bucket(ctx, resource(ctx, "aws_s3_bucket", "b"))
    held = 72 * 23.5 * D  # 72 GB a day, mean age 23.5 months
    assert held > 51_200  # the second band applies
    assert usd(items, "storage STANDARD") == pytest.approx(51_200 * 0.023 + (held - 51_200) * 0.022)
    assert [i.component for i in items if "transition" in i.component] == []


def test_longest_prefix_rule_wins_and_disabled_rules_are_ignored() -> None:
    rules = {
        "bucket": "bucket-a",  # by literal name
        "rule": [
            {"id": "all", "status": "Enabled", "filter": [{"prefix": ""}], "expiration": [{"days": 30}]},
            {
                "id": "raw",
                "status": "Enabled",
                "filter": [{"prefix": "raw/"}],
                "transition": [{"days": 30, "storage_class": "STANDARD_IA"}],
            },
            {"id": "off", "status": "Disabled", "filter": [{"prefix": "out/"}], "expiration": [{"days": 1}]},
        ],
    }
    ctx = context({"aws_s3_bucket": {"b": BUCKET}, "aws_s3_bucket_lifecycle_configuration": {"l": rules}})
    items, _ = storage.s3_bucket(ctx, resource(ctx, "aws_s3_bucket", "b"))
    raw_standard, out_standard = 48 * 30, 24 * 30  # raw: 30 days then IA; out: expires at 30 days
    assert usd(items, "storage STANDARD") == pytest.approx((raw_standard + out_standard) * 0.023)
    assert usd(items, "storage STANDARD_IA") == pytest.approx(48 * (11.5 * D - 30) * 0.0125)


def test_unsupported_filters_and_unknown_buckets_are_not_priced() -> None:
    tagged = {"bucket": "bucket-a", "rule": [{"id": "t", "status": "Enabled", "filter": [{"tag": {"key": "k"}}]}]}
    ctx = context({"aws_s3_bucket": {"b": BUCKET}, "aws_s3_bucket_lifecycle_configuration": {"l": tagged}})
    with pytest.raises(NoUsage, match="only prefixes are modelled"):
        storage.s3_bucket(ctx, resource(ctx, "aws_s3_bucket", "b"))
    ctx = context({"aws_s3_bucket": {"b": {"bucket": "logs-bucket"}}})
    with pytest.raises(NoUsage, match="no usage for bucket logs-bucket"):
        storage.s3_bucket(ctx, resource(ctx, "aws_s3_bucket", "b"))


def test_an_intelligent_tiering_transition_has_no_price() -> None:
    tiering = {"days": 0, "storage_class": "INTELLIGENT_TIERING"}
    rules = {"bucket": "bucket-a", "rule": [{"id": "it", "status": "Enabled", "transition": [tiering]}]}
    ctx = context({"aws_s3_bucket": {"b": BUCKET}, "aws_s3_bucket_lifecycle_configuration": {"l": rules}})
    items, _ = storage.s3_bucket(ctx, resource(ctx, "aws_s3_bucket", "b"))
    unpriced = [i for i in items if i.usd is None]
    assert [i.component for i in unpriced] == ["storage INTELLIGENT_TIERING"]
    assert "no price 's3.storage.INTELLIGENT_TIERING'" in unpriced[0].reason


TABLE = {"name": "table-a", "billing_mode": "PAY_PER_REQUEST", "point_in_time_recovery": {"enabled": True}}


def test_on_demand_table_with_ttl_and_pitr() -> None:
    ctx = context({"aws_dynamodb_table": {"t": TABLE}})
    items, warnings = storage.dynamodb_table(ctx, resource(ctx, "aws_dynamodb_table", "t"))
    assert usd(items, "write request units") == pytest.approx(FILES * 10 * 0.000000625)
    assert usd(items, "read request units") == pytest.approx(FILES * 4 * 0.000000125)
    # 24 files x 1 GiB a day, kept 10 days: 240 GB held in month 12
    assert usd(items, "storage") == pytest.approx(240 * 0.25)
    assert usd(items, "point-in-time recovery") == pytest.approx(240 * 0.20)
    assert warnings == []


def test_provisioned_table_pays_for_capacity_every_hour() -> None:
    table = {"name": "table-a", "billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 5}
    ctx = context({"aws_dynamodb_table": {"t": table}})
    items, warnings = storage.dynamodb_table(ctx, resource(ctx, "aws_dynamodb_table", "t"))
    assert usd(items, "provisioned write capacity") == pytest.approx(5 * 730 * 0.00065)
    assert usd(items, "provisioned read capacity") == pytest.approx(5 * 730 * 0.00013)
    assert "point-in-time recovery" not in [i.component for i in items]
    assert warnings == []


def test_too_little_provisioned_capacity_is_a_warning() -> None:
    table = {"name": "table-a", "read_capacity": 1, "write_capacity": 0}  # PROVISIONED is the default
    ctx = context({"aws_dynamodb_table": {"t": table}})
    _, warnings = storage.dynamodb_table(ctx, resource(ctx, "aws_dynamodb_table", "t"))
    assert warnings == ["write_capacity 0 is below the average demand of 0.00 units/s"]


def test_kept_items_accumulate() -> None:
    ctx = context(
        {"aws_dynamodb_table": {"t": TABLE}},
        month=1,
        tables={
            "t": {"match": "table-*", "write_units_per_file": 0, "read_units_per_file": 0, "kept_bytes_per_file": 2**30}
        },
    )
    items, _ = storage.dynamodb_table(ctx, resource(ctx, "aws_dynamodb_table", "t"))
    assert usd(items, "storage") == pytest.approx(24 * D / 2 * 0.25)  # half a month of 24 GB a day
