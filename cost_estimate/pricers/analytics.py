"""AWS Glue Data Catalog databases and tables, Amazon Athena workgroups."""

from __future__ import annotations

import math

from aspects.tfjson import Resource
from cost_estimate import formulas
from cost_estimate.context import Context
from cost_estimate.model import LineItem

GLUE, ATHENA = "AWS Glue", "Amazon Athena"


def glue_database(ctx: Context, database: Resource) -> tuple[list[LineItem], list[str]]:
    databases = len(ctx.view.of_type("aws_glue_catalog_database"))
    requests = ctx.profile.glue.requests_per_month / databases
    return [
        ctx.line(
            "glue.catalog_storage",
            1,
            service=GLUE,
            component="catalog object (database)",
            unit="objects",
            basis="one object",
        ),
        ctx.line(
            "glue.catalog_requests",
            requests,
            service=GLUE,
            component="catalog requests",
            unit="requests",
            basis=f"glue.requests_per_month split over {databases} database(s)",
        ),
    ], []


def glue_table(ctx: Context, table: Resource) -> tuple[list[LineItem], list[str]]:
    per_day = ctx.profile.glue.partitions_per_table_per_day
    partitions = formulas.average_held(per_day, age_from=0, age_to=math.inf, month=ctx.profile.month)
    return [
        ctx.line(
            "glue.catalog_storage",
            1 + partitions,
            service=GLUE,
            component="catalog objects (table, partitions)",
            unit="objects",
            basis=f"1 table + {per_day:g} partitions a day, month {ctx.profile.month}",
        )
    ], []


def athena_workgroup(ctx: Context, workgroup: Resource) -> tuple[list[LineItem], list[str]]:
    groups = len(ctx.view.of_type("aws_athena_workgroup"))
    usage = ctx.profile.athena
    tb = formulas.athena_tb(usage.queries_per_month / groups, usage.tb_scanned_per_month / groups)
    return [
        ctx.line(
            "athena.data_scanned",
            tb,
            service=ATHENA,
            component="data scanned",
            unit="TB",
            basis=f"athena: {usage.queries_per_month:g} queries, {usage.tb_scanned_per_month:g} TB a month, "
            f"split over {groups} workgroup(s); 10 MB minimum per query",
        )
    ], []
