"""Static audit: exact results on a fixture stack with gaps, and the real pipeline stack at 100%."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aspects.data import taggable_resource_types
from aspects.document import evaluate_document
from tag_audit import static
from tag_audit.model import Coverage
from tag_audit.policy import TagRequirements
from tests.tag_audit.conftest import GAPS, TAG_POLICY


@pytest.fixture
def gaps_report():
    return static.audit(static.load_stacks([GAPS]), TagRequirements.from_catalog(), min_coverage=80)


def test_gaps_per_resource(gaps_report):
    by_id = {r.id: r for r in gaps_report.resources}
    assert {i: (r.status, dict(r.problems)) for i, r in by_id.items() if r.taggable} == {
        "aws_s3_bucket.owner_set_ok": ("compliant", {}),
        "aws_s3_bucket.no_owner_fail": ("non-compliant", {"Owner": "missing"}),
        "aws_sqs_queue.empty_owner_fail": ("non-compliant", {"Owner": "empty"}),
        "aws_sns_topic.empty_project_fail": ("non-compliant", {"Project": "empty"}),
        "aws_dynamodb_table.aliased_provider_fail": (
            "non-compliant",
            {"CostCenter": "missing", "Environment": "missing", "Project": "missing", "ManagedBy": "missing"},
        ),
        "aws_lambda_function.tags_expression_unknown": ("unknown", {}),
    }
    assert by_id["aws_s3_bucket.owner_set_ok"].tags == {
        "CostCenter": "FIN-1",
        "Environment": "dev",
        "ManagedBy": "cdktf",
        "Project": "demo",
        "Owner": "data-team",
    }
    # the data source is not a resource; the two non-taggable resources are listed apart
    assert [r.id for r in gaps_report.not_taggable] == [
        "aws_s3_bucket_policy.not_taggable",
        "aws_iam_role_policy.not_taggable",
    ]
    assert len(gaps_report.resources) == 8


def test_gaps_summary_numbers(gaps_report):
    assert gaps_report.overall == Coverage(1, 6)
    assert gaps_report.overall.text() == "16.7%"
    assert gaps_report.coverage_by_key() == {
        "CostCenter": Coverage(4, 6),
        "Environment": Coverage(4, 6),
        "Owner": Coverage(3, 6),
        "Project": Coverage(3, 6),
        "ManagedBy": Coverage(4, 6),
    }
    assert gaps_report.coverage_by_type() == {
        "aws_dynamodb_table": Coverage(0, 1),
        "aws_lambda_function": Coverage(0, 1),
        "aws_s3_bucket": Coverage(1, 2),
        "aws_sns_topic": Coverage(0, 1),
        "aws_sqs_queue": Coverage(0, 1),
    }
    assert gaps_report.groups() == {
        "CostCenter": {"(none)": 1, "FIN-1": 5},
        "Project": {"(none)": 2, "demo": 4},
        "Environment": {"(none)": 1, "dev": 5},
    }
    assert not gaps_report.passed


def test_same_gaps_as_the_fin001_rule():
    """One effective-tags implementation: the audit's gaps are exactly FIN-001's findings."""
    document = json.loads(GAPS.read_text())
    report = static.audit(static.load_stacks([GAPS]), TagRequirements.from_catalog())
    fin001 = {(f.address, f.key) for f in evaluate_document(document).findings if f.rule_id == "FIN-001"}
    audit = {(r.id, k) for r in report.gaps for k in r.problems} | {
        (r.id, "tags") for r in report.gaps if r.status == "unknown"
    }
    assert audit == fin001


def test_tag_policy_allowed_values():
    report = static.audit(static.load_stacks([GAPS]), TagRequirements.from_tag_policy(TAG_POLICY))
    problems = {r.id: dict(r.problems) for r in report.gaps}
    assert problems["aws_dynamodb_table.aliased_provider_fail"] == {"CostCenter": "missing", "Environment": "missing"}
    assert "aws_sns_topic.empty_project_fail" not in problems  # Project is not in this policy
    assert report.overall == Coverage(2, 6)


def test_loads_cdktf_out_stacks_dir_and_files(tmp_path: Path):
    out = tmp_path / "cdktf.out"
    for name in ("a-dev", "b-dev"):
        (out / "stacks" / name).mkdir(parents=True)
        document = json.loads(GAPS.read_text())
        document["//"]["metadata"]["stackName"] = name
        (out / "stacks" / name / "cdk.tf.json").write_text(json.dumps(document))
    assert [s.name for s in static.load_stacks([out])] == ["a-dev", "b-dev"]  # no manifest: stacks/*/
    (out / "manifest.json").write_text(
        json.dumps({"stacks": {"b-dev": {"synthesizedStackPath": "stacks/b-dev/cdk.tf.json"}}})
    )
    assert [s.name for s in static.load_stacks([out])] == ["b-dev"]  # the manifest wins
    assert [s.name for s in static.load_stacks([out / "stacks" / "a-dev"])] == ["a-dev"]
    assert [s.name for s in static.load_stacks([GAPS])] == ["gaps-dev"]  # name from the "//" metadata
    report = static.audit(static.load_stacks([out / "stacks"]), TagRequirements.from_catalog())
    assert report.scopes == ("a-dev", "b-dev") and report.overall == Coverage(2, 12)


def test_input_errors(tmp_path: Path):
    with pytest.raises(static.InputError, match="no synthesized stack"):
        static.load_stacks([tmp_path])
    bad = tmp_path / "cdk.tf.json"
    bad.write_text("{")
    with pytest.raises(static.InputError, match="cannot read Terraform JSON"):
        static.load_stacks([bad])


@pytest.mark.slow
def test_pipeline_stack_is_fully_covered(dev_stack):
    report = static.audit(static.load_stacks([dev_stack.outdir]), TagRequirements.from_catalog(), min_coverage=100)
    resources = [(t, n) for t, by_name in dev_stack.document["resource"].items() for n in by_name]
    not_taggable = sorted(f"{t}.{n}" for t, n in resources if t not in taggable_resource_types())
    assert report.scopes == ("pipeline-dev",)
    assert len(report.resources) == len(resources)
    assert sorted(r.id for r in report.not_taggable) == not_taggable
    assert report.gaps == []
    assert report.overall.covered == report.overall.total == len(resources) - len(not_taggable)
    assert report.passed
    assert {k: c.text() for k, c in report.coverage_by_key().items()} == dict.fromkeys(
        ("CostCenter", "Environment", "Owner", "Project", "ManagedBy"), "100.0%"
    )
    assert report.groups() == {
        "CostCenter": {"FIN-DATA-001": report.overall.total},
        "Project": {"financial-data-pipeline": report.overall.total},
        "Environment": {"dev": report.overall.total},
    }
    # the numbers docs/tag-audit.md shows
    assert (len(report.resources), report.overall.total, len(report.not_taggable)) == (107, 79, 28)
