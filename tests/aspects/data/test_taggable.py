"""The kept taggable-resource list matches the AWS provider schema (terraform, offline plugin mirror)."""

import os
import shutil
from pathlib import Path

import pytest

from aspects.data import TAGGABLE_FILE, taggable_resource_types
from aspects.data.generate_taggable import provider_schema, render, taggable_types

PLUGIN_DIR = os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins")


@pytest.mark.skipif(
    not shutil.which("terraform") or not Path(PLUGIN_DIR).is_dir(),
    reason="needs terraform and the provider plugin mirror",
)
def test_kept_list_matches_the_provider_schema():
    schema = provider_schema(PLUGIN_DIR)
    assert TAGGABLE_FILE.read_text() == render(taggable_types(schema)), (
        "stale: run python -m aspects.data.generate_taggable"
    )


def test_criterion_on_a_schema_excerpt():
    schema = {
        "provider_schemas": {
            "registry.terraform.io/hashicorp/aws": {
                "resource_schemas": {
                    "aws_a": {"block": {"attributes": {"tags": {"optional": True}, "tags_all": {"computed": True}}}},
                    "aws_filter": {"block": {"attributes": {"tags": {"required": True}}}},
                    "aws_plain": {"block": {"attributes": {"name": {"optional": True}}}},
                }
            }
        }
    }
    assert taggable_types(schema) == ["aws_a"]


def test_known_types():
    types = taggable_resource_types()
    assert {"aws_s3_bucket", "aws_lambda_function", "aws_dynamodb_table", "aws_sfn_state_machine"} <= types
    assert not {"aws_iam_role_policy", "aws_s3_bucket_policy", "aws_inspector_resource_group"} & types
