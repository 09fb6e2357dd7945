"""Glue Data Catalog and Athena workgroups."""

from __future__ import annotations

import pytest

from cost_estimate.pricers import analytics
from cost_estimate.profile import DAYS_PER_MONTH as D
from tests.cost_estimate.conftest import context, resource, usd


def test_catalog_objects_and_requests() -> None:
    ctx = context(
        {"aws_glue_catalog_database": {"d": {"name": "db"}}, "aws_glue_catalog_table": {"t": {"name": "t"}}}, month=1
    )
    items, _ = analytics.glue_database(ctx, resource(ctx, "aws_glue_catalog_database", "d"))
    assert usd(items, "catalog object (database)") == pytest.approx(0.00001)
    assert usd(items, "catalog requests") == pytest.approx(30_000 * 0.000001)
    items, _ = analytics.glue_table(ctx, resource(ctx, "aws_glue_catalog_table", "t"))
    # the table + one partition a day, half a month of them on average in month 1
    assert usd(items, "catalog objects (table, partitions)") == pytest.approx((1 + D / 2) * 0.00001)


def test_athena_scans_split_over_workgroups() -> None:
    ctx = context({"aws_athena_workgroup": {"a": {"name": "a"}, "b": {"name": "b"}}})
    items, _ = analytics.athena_workgroup(ctx, resource(ctx, "aws_athena_workgroup", "a"))
    assert usd(items, "data scanned") == pytest.approx(0.5 * 5.0)
