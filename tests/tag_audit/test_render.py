"""Unit: the four renderers show the same numbers."""

from __future__ import annotations

import csv
import io
import json

from tag_audit import render, static
from tag_audit.policy import TagRequirements
from tests.tag_audit.conftest import GAPS


def _report():
    return static.audit(static.load_stacks([GAPS]), TagRequirements.from_catalog(), min_coverage=50)


def test_json():
    data = json.loads(render.render(_report(), "json"))
    assert data["summary"]["overall"] == {"covered": 1, "total": 6, "percent": 16.67}
    assert data["summary"]["by_key"]["Owner"] == {"covered": 3, "total": 6, "percent": 50.0}
    assert data["summary"]["not_taggable"] == 2 and len(data["not_taggable"]) == 2
    assert data["passed"] is False and data["min_coverage"] == 50
    assert [g["id"] for g in data["gaps"]][:1] == ["aws_s3_bucket.no_owner_fail"]
    assert "drift" not in data


def test_csv_one_row_per_resource():
    rows = list(csv.DictReader(io.StringIO(render.render(_report(), "csv"))))
    assert len(rows) == 8
    row = next(r for r in rows if r["id"] == "aws_dynamodb_table.aliased_provider_fail")
    assert row["status"] == "non-compliant" and row["Owner"] == "data-team" and row["CostCenter"] == ""
    assert row["issues"] == "CostCenter missing; Environment missing; Project missing; ManagedBy missing"
    assert {r["status"] for r in rows if r["taggable"] == "false"} == {"not-taggable"}


def test_table_and_markdown():
    table = render.render(_report(), "table")
    assert "Overall coverage: 16.7% (1/6 taggable resources carry every required key)" in table
    assert "Result: FAIL (coverage 16.7% < minimum 50%)" in table
    assert "Not taggable (2, listed apart, not counted)" in table
    markdown = render.render(_report(), "markdown")
    assert "**Result: FAIL (coverage 16.7% < minimum 50%)**" in markdown
    assert "| Owner | 3 | 6 | 50.0% |" in markdown
    assert (
        "| gaps-dev | aws_lambda_function.tags_expression_unknown | aws_lambda_function "
        "| tags is the expression '${var.tags}' |" in markdown
    )
