"""Unit: required keys and allowed values, from the catalog or an AWS Organizations tag policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aspects.policy import DEFAULT_REQUIRED_TAGS
from tag_audit.policy import PolicyError, TagRequirements
from tests.tag_audit.conftest import TAG_POLICY


def test_catalog_requirements_are_the_aspects_required_keys():
    requirements = TagRequirements.from_catalog()
    assert (
        requirements.keys
        == tuple(DEFAULT_REQUIRED_TAGS)
        == (
            "CostCenter",
            "Environment",
            "Owner",
            "Project",
            "ManagedBy",
        )
    )
    assert requirements.allowed == {}


def test_catalog_problems_missing_and_empty():
    requirements = TagRequirements.from_catalog()
    tags = {"CostCenter": "c", "Environment": " ", "Owner": "o", "Project": "${var.project}"}
    assert requirements.problems(tags) == {"Environment": "empty", "ManagedBy": "missing"}


def test_tag_policy_keys_values_and_wildcards():
    requirements = TagRequirements.from_tag_policy(TAG_POLICY)
    assert requirements.keys == ("CostCenter", "Environment", "Owner")
    assert requirements.allowed == {"CostCenter": ("FIN-1", "FIN-DATA-*"), "Environment": ("dev", "prod")}
    ok = {"CostCenter": "FIN-DATA-001", "Environment": "prod", "Owner": "x"}
    assert requirements.problems(ok) == {}
    bad = {"costcenter": "FIN-1", "Environment": "qa", "Owner": ""}
    assert requirements.problems(bad) == {"CostCenter": "wrong-case", "Environment": "disallowed", "Owner": "empty"}
    assert requirements.problems({"CostCenter": "${var.cc}", "Environment": "dev", "Owner": "o"}) == {
        "CostCenter": "unknown"
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read tag policy"),
        (json.dumps({"tags": {}}), 'no "tags" object'),
        (json.dumps({"tags": {"a": {"tag_value": {"@@assign": [1]}}}}), "must assign a list of strings"),
    ],
)
def test_bad_tag_policy_is_reported_with_the_file(tmp_path: Path, content: str, message: str):
    path = tmp_path / "policy.json"
    path.write_text(content)
    with pytest.raises(PolicyError, match=message) as error:
        TagRequirements.from_tag_policy(path)
    assert str(path) in str(error.value)
